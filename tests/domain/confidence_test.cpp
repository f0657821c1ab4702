// The documented confidence formula, checked against hand-computed values.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "domain/confidence.hpp"

namespace {

using namespace frontdesk::domain;

TEST(confidence, formula_without_self_report) {
  confidence_input in;
  in.top_relevance = 0.9;
  in.articles_above_min_relevance = 3;
  in.intent_certainty = 0.8;
  // R = 0.7*0.9 + 0.3*1 = 0.93; base = (0.5*0.93 + 0.2*0.8) / 0.7 = 0.625 / 0.7
  EXPECT_NEAR(confidence(in), 0.625 / 0.7, 1e-12);
  EXPECT_FALSE(is_low_confidence(confidence(in)));
}

TEST(confidence, formula_with_self_report_and_red_flags) {
  confidence_input in;
  in.top_relevance = 0.8;
  in.articles_above_min_relevance = 1;
  in.intent_certainty = 0.5;
  in.llm_self_report = 0.9;
  // R = 0.56 + 0.15 = 0.71; base = 0.355 + 0.1 + 0.27 = 0.725
  EXPECT_NEAR(confidence(in), 0.725, 1e-12);
  in.sentiment_score = -0.3;  // negative: penalty 0.10
  EXPECT_NEAR(confidence(in), 0.725 * 0.9, 1e-12);
  in.sentiment_score = -0.8;  // very negative: 0.15
  in.trigger_count = 5;       // capped at 0.30
  EXPECT_NEAR(confidence(in), 0.725 * 0.55, 1e-12);
}

TEST(confidence, knowledge_unavailable_is_always_low) {
  confidence_input in;
  in.knowledge_available = false;
  in.top_relevance = 1.0;  // ignored
  in.articles_above_min_relevance = 5;
  in.intent_certainty = 1.0;
  in.llm_self_report = 1.0;
  // base = 0.2 + 0.3 = 0.5; penalty 0.25
  EXPECT_NEAR(confidence(in), 0.375, 1e-12);
  EXPECT_TRUE(is_low_confidence(confidence(in)));
}

TEST(confidence, clamps_hostile_inputs) {
  confidence_input in;
  in.top_relevance = 7.0;
  in.articles_above_min_relevance = -3;
  in.intent_certainty = std::numeric_limits<double>::quiet_NaN();
  in.llm_self_report = -2.0;
  in.trigger_count = -1;
  in.sentiment_score = std::numeric_limits<double>::quiet_NaN();
  const double c = confidence(in);
  EXPECT_NEAR(c, 0.5 * 0.7, 1e-12);
  EXPECT_GE(c, 0.0);
  EXPECT_LE(c, 1.0);
  EXPECT_TRUE(is_low_confidence(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ(low_confidence_threshold, 0.70);
  EXPECT_TRUE(is_low_confidence(0.6999));
  EXPECT_FALSE(is_low_confidence(0.70));
}

}  // namespace
