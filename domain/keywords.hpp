#pragma once
// Finds escalation keywords in text: word-boundary, case-insensitive, plurals and simple
// inflections.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace frontdesk::domain {

struct keyword_hit {
  std::string keyword;  ///< the configured keyword (lower case)
  std::string matched;  ///< the text as written ("Lawyers")
  std::size_t offset = 0;
};

/// urgent, emergency, lawyer, lawsuit, fraud, chargeback, attorney, sue.
std::vector<std::string> default_escalation_keywords();

/// Matches a configured list of keywords (single words or phrases) against text.
/// A keyword matches a whole word (never inside another word: "sue" does not match
/// "issue"), case-insensitively, with punctuation around it ignored ("FRAUD.", "Lawyers!")
/// and with the inflections -s, -es, -ies (for -y), -ed, -d, -ing (also dropping a final
/// e: "suing"), -ly ("urgently"). Phrases match word by word ("charge back").
class keyword_matcher {
 public:
  explicit keyword_matcher(std::vector<std::string> keywords = default_escalation_keywords());

  /// Hits in text order; each configured keyword is reported at most once.
  std::vector<keyword_hit> find(std::string_view text) const;

  const std::vector<std::string>& keywords() const noexcept { return display_; }

 private:
  std::vector<std::string> display_;
  std::vector<std::vector<std::string>> phrases_;  // tokenized keywords
};

/// True when `word` (lower case) is `keyword` or one of its inflections listed above.
bool matches_inflection(std::string_view word, std::string_view keyword) noexcept;

}  // namespace frontdesk::domain
