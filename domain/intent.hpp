#pragma once
// Classifies what a customer message is about (order status, refund, ...) with a certainty.

#include <optional>
#include <string_view>
#include <vector>

namespace frontdesk::domain {

enum class intent {
  order_status,
  shipping,
  returns,
  refund,
  payment,
  product_question,
  account,
  feedback,
  other
};

/// "order_status", "shipping", "returns", "refund", "payment", "product_question", "account",
/// "feedback", "other".
std::string_view to_string(intent i) noexcept;
std::optional<intent> parse_intent(std::string_view text) noexcept;

struct intent_result {
  domain::intent value = intent::other;
  double certainty = 0.0;  ///< 0..1
  double score = 0.0;      ///< summed cue weight of the winner
};

/// Sums cue weights (embedded domain/data/intent_cues.tsv) per intent.
/// With s1 the best total and s2 the runner-up:
///   certainty = (1 - exp(-s1)) * s1 / (s1 + s2)
/// so one weak cue gives ~0.6, several agreeing cues approach 1, and a close runner-up
/// halves it. No cue at all: intent::other with certainty 0.
intent_result classify_intent(std::string_view text);

}  // namespace frontdesk::domain
