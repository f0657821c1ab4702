#pragma once
// How sure we are that an AI draft can go to review rather than straight to a human.

#include <optional>

namespace frontdesk::domain {

/// Drafts below this go to a human, flagged LOW CONFIDENCE (PRODUCT.md "Conversation states").
inline constexpr double low_confidence_threshold = 0.70;

struct confidence_input {
  bool knowledge_available = true;        ///< false when the knowledge base could not be queried
  double top_relevance = 0.0;             ///< best article relevance, 0..1
  int articles_above_min_relevance = 0;   ///< articles at or above the minimum relevance (0.7)
  double intent_certainty = 0.0;          ///< 0..1, from classify_intent
  std::optional<double> llm_self_report;  ///< the model's own confidence 0..1, if it gave one
  double sentiment_score = 0.0;           ///< -1..1
  int trigger_count = 0;                  ///< escalation triggers found by triage
};

/// Formula (all inputs clamped to their ranges; NaN counts as 0):
///   R = knowledge_available ? 0.7 * top_relevance + 0.3 * min(1, articles_above_min / 2) : 0
///   I = intent_certainty
///   base = with an LLM self-report L:  0.5 R + 0.2 I + 0.3 L
///          without:                    (0.5 R + 0.2 I) / 0.7
///   penalty = 0.25 if knowledge unavailable
///           + 0.10 if sentiment_score <= -0.15, 0.15 if <= -0.6
///           + 0.15 per trigger, at most 0.30
///   confidence = clamp(base * (1 - penalty), 0, 1)
/// Retrieval dominates because a draft without good sources is the main risk; the
/// self-report is useful but models over-report, so it never carries more than 30 %.
double confidence(const confidence_input& input) noexcept;

/// confidence < low_confidence_threshold.
bool is_low_confidence(double confidence) noexcept;

}  // namespace frontdesk::domain
