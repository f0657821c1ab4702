#pragma once
// Small word patterns for cue lists ("payment .. fail*", "charged twice") matched against tokens.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/language_tokens.hpp"

namespace frontdesk::domain {

/// Syntax: words separated by spaces match consecutive words; ".." between two words allows
/// up to four other words in between (same clause); a word ending in '*' matches any word
/// with that prefix; other words match themselves, their inflections (see keywords.hpp) and,
/// for words of six letters or more, one left-out letter or one swapped pair ("chargd").
/// Matching is case-insensitive (patterns are lower-cased when compiled).
class word_pattern {
 public:
  /// nullopt for an empty pattern, a pattern of only "..", or more than 8 words.
  static std::optional<word_pattern> compile(std::string_view pattern);

  /// True when the pattern occurs in tokens.
  bool matches(const std::vector<word_token>& tokens) const;

  const std::string& text() const noexcept { return text_; }

 private:
  struct element {
    std::string word;
    bool prefix = false;
    bool gap_before = false;
  };
  bool match_at(const std::vector<word_token>& tokens, std::size_t start) const;
  static bool element_matches(const element& e, const std::string& word);

  std::string text_;
  std::vector<element> elements_;
};

}  // namespace frontdesk::domain
