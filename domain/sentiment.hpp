#pragma once
// Lexicon sentiment of a customer message: score, label and an anger measure (PRODUCT.md "Triage").

#include <string>
#include <string_view>
#include <vector>

namespace frontdesk::domain {

enum class sentiment_label { very_negative, negative, neutral, positive, very_positive };

/// "very_negative", "negative", "neutral", "positive", "very_positive".
std::string_view to_string(sentiment_label label) noexcept;

struct sentiment_result {
  double score = 0.0;  ///< -1 (very negative) .. 1 (very positive)
  sentiment_label label = sentiment_label::neutral;
  double anger = 0.0;  ///< 0 (calm) .. 1 (furious); anger words, shouting and "!!!"
  int matched_words = 0;
};

/// Scores text with the embedded lexicon (domain/data/sentiment_lexicon.tsv).
///
/// Each lexicon word contributes its valence v (-4..4), modified by:
///   - intensifiers / diminishers in the two words before it: v *= 1 + sum(increments);
///   - a negator in the three words before it, same clause: v *= -0.5 ("not happy" is mildly
///   negative);
///   - ALL-CAPS word in a message that is not all caps: v *= 1.5 (all caps everywhere: *= 1.25);
///   - '!' ending the clause: v *= 1 + 0.15 * min(count, 4);
///   - a contrast word ("but") in the message: words after it * 1.5, before it * 0.5.
/// score = s / sqrt(s^2 + 15) for the sum s; labels cut at -0.6, -0.15, 0.15, 0.6.
/// anger = 1 - exp(-a) where a sums, for non-negated anger words, anger * emphasis
/// (caps and '!' as above), plus 0.35 per shouted word beyond the first (max 1.0)
/// and 0.15 per '!' beyond two in a negative message (max 0.6).
sentiment_result analyze_sentiment(std::string_view text);

/// Label for a score, with the cuts above.
sentiment_label label_for_score(double score) noexcept;

/// The lexicon as parsed from a TSV text (exposed for tests of the data format).
struct sentiment_lexicon_stats {
  int words = 0;
  int anger_words = 0;
  int negators = 0;
  int modifiers = 0;
  std::vector<std::string> errors;  ///< "line N: reason" for malformed lines
};
sentiment_lexicon_stats inspect_sentiment_lexicon(std::string_view tsv);

}  // namespace frontdesk::domain
