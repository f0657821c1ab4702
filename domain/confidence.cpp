#include "domain/confidence.hpp"

#include <algorithm>
#include <cmath>

namespace frontdesk::domain {

namespace {
double unit(double v) {
  return std::isnan(v) ? 0.0 : std::clamp(v, 0.0, 1.0);
}
}  // namespace

double confidence(const confidence_input& in) noexcept {
  const double relevance = unit(in.top_relevance);
  const double coverage = std::min(1.0, std::max(0, in.articles_above_min_relevance) / 2.0);
  const double retrieval = in.knowledge_available ? 0.7 * relevance + 0.3 * coverage : 0.0;
  const double intent = unit(in.intent_certainty);
  const double base = in.llm_self_report
                          ? 0.5 * retrieval + 0.2 * intent + 0.3 * unit(*in.llm_self_report)
                          : (0.5 * retrieval + 0.2 * intent) / 0.7;
  double penalty = 0.0;
  if (!in.knowledge_available) penalty += 0.25;
  const double s = std::isnan(in.sentiment_score) ? 0.0 : in.sentiment_score;
  if (s <= -0.6) {
    penalty += 0.15;
  } else if (s <= -0.15) {
    penalty += 0.10;
  }
  penalty += std::min(0.30, 0.15 * std::max(0, in.trigger_count));
  return std::clamp(base * (1.0 - penalty), 0.0, 1.0);
}

bool is_low_confidence(double c) noexcept {
  return std::isnan(c) || c < low_confidence_threshold;
}

}  // namespace frontdesk::domain
