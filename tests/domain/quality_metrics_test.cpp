// Quality metrics on a small generated history, against values computed by hand.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

#include "domain/quality_metrics.hpp"

namespace {

using namespace frontdesk::domain;
using namespace std::chrono;

struct row {
  review_action action;
  bool ai;
  std::optional<double> tone, accuracy, policy;
  int day;  // days after Monday 2026-11-02 (ISO week 45)
  std::optional<int> review_min;
  double confidence;
  std::size_t edit_distance, draft_length;
  priority p;
  std::optional<bool> first_response_met;
};

std::vector<learning_record> history() {
  const std::vector<row> rows = {
      {review_action::approve, true, 5, 5, 5, 0, 5, 0.95, 0, 100, priority::p2, true},
      {review_action::approve, true, 4, 5, 5, 0, 10, 0.85, 0, 100, priority::p2, true},
      {review_action::edit, true, 4, 4, 5, 1, 20, 0.75, 10, 100, priority::p1, false},    // minor
      {review_action::edit, true, {}, {}, {}, 2, 30, 0.72, 50, 100, priority::p1, true},  // major
      {review_action::escalate, true, {}, {}, {}, 3, 2, 0.40, 0, 100, priority::p0, true},
      {review_action::reject, true, {}, {}, {}, 4, 8, 0.65, 0, 100, priority::p3, {}},
      {review_action::approve, true, {}, {}, {}, 7, 12, 0.91, 0, 100, priority::p2, false},
      {review_action::edit, true, {}, {}, {}, 8, 15, 0.88, 5, 50, priority::p2, true},  // minor
      {review_action::human_reply, true, {}, {}, {}, 9, 40, 0.55, 0, 100, priority::p3, {}},
      {review_action::human_reply, false, {}, {}, {}, 9, {}, 0.0, 0, 0, priority::p0, false},
  };
  std::vector<learning_record> out;
  const sys_seconds monday{sys_days{2026y / November / 2} + 10h};
  for (const auto& r : rows) {
    learning_record rec;
    rec.action = r.action;
    rec.ai_drafted = r.ai;
    rec.grade_tone = r.tone;
    rec.grade_accuracy = r.accuracy;
    rec.grade_policy = r.policy;
    rec.created_at = monday + days(r.day);
    if (r.review_min) rec.reviewed_at = rec.created_at + minutes(*r.review_min);
    rec.confidence = r.confidence;
    rec.edit_distance = r.edit_distance;
    rec.draft_length = r.draft_length;
    rec.priority = r.p;
    rec.first_response_met = r.first_response_met;
    out.push_back(rec);
  }
  return out;
}

TEST(quality_metrics, rates_and_targets) {
  const auto q = compute_quality(history());
  EXPECT_EQ(q.records, 10u);
  EXPECT_EQ(q.ai_drafts, 9u);
  EXPECT_EQ(q.reviewed, 9u);
  EXPECT_DOUBLE_EQ(*q.ai_draft_rate.value, 0.9);
  EXPECT_DOUBLE_EQ(*q.approval_rate.value, 3.0 / 9);
  EXPECT_EQ(q.approval_rate.target, 0.60);
  EXPECT_EQ(q.approval_rate.met, false);
  EXPECT_DOUBLE_EQ(*q.approval_without_major_edits.value, 5.0 / 9);
  EXPECT_EQ(q.approval_without_major_edits.target, 0.85);
  EXPECT_DOUBLE_EQ(*q.edit_rate.value, 3.0 / 9);
  EXPECT_EQ(q.edit_rate.met, false);
  EXPECT_DOUBLE_EQ(*q.escalation_rate.value, 1.0 / 9);
  EXPECT_EQ(q.escalation_rate.met, false);
  EXPECT_DOUBLE_EQ(*q.rejection_rate.value, 1.0 / 9);
  EXPECT_DOUBLE_EQ(*q.human_reply_rate.value, 1.0 / 9);
  EXPECT_FALSE(q.human_reply_rate.met);  // no target
}

TEST(quality_metrics, grades_and_review_times) {
  const auto q = compute_quality(history());
  EXPECT_DOUBLE_EQ(*q.average_tone.value, 13.0 / 3);
  EXPECT_EQ(q.average_tone.met, false);
  EXPECT_DOUBLE_EQ(*q.average_accuracy.value, 14.0 / 3);
  EXPECT_EQ(q.average_accuracy.met, false);
  EXPECT_DOUBLE_EQ(*q.average_policy.value, 5.0);
  EXPECT_EQ(q.average_policy.met, true);
  // minutes: 2 5 8 10 12 15 20 30 40
  EXPECT_DOUBLE_EQ(*q.median_review_minutes.value, 12.0);
  EXPECT_EQ(q.median_review_minutes.met, true);
  EXPECT_NEAR(*q.p90_review_minutes.value, 32.0, 1e-9);
}

TEST(quality_metrics, sla_per_priority) {
  const auto q = compute_quality(history());
  EXPECT_EQ(q.sla_by_priority[0].first_response_total, 2u);
  EXPECT_DOUBLE_EQ(*q.sla_by_priority[0].first_response_rate, 0.5);
  EXPECT_DOUBLE_EQ(*q.sla_by_priority[1].first_response_rate, 0.5);
  EXPECT_DOUBLE_EQ(*q.sla_by_priority[2].first_response_rate, 0.75);
  EXPECT_FALSE(q.sla_by_priority[3].first_response_rate);
  EXPECT_FALSE(q.sla_by_priority[2].resolution_rate);
}

TEST(quality_metrics, edit_trend_by_iso_week) {
  const auto q = compute_quality(history());
  ASSERT_EQ(q.edit_trend.size(), 2u);
  EXPECT_EQ(q.edit_trend[0].iso_year, 2026);
  EXPECT_EQ(q.edit_trend[0].iso_week, 45u);
  EXPECT_EQ(q.edit_trend[0].edits, 2u);
  EXPECT_DOUBLE_EQ(q.edit_trend[0].mean_edit_distance, 30.0);
  EXPECT_DOUBLE_EQ(q.edit_trend[0].mean_normalized, 0.3);
  EXPECT_EQ(q.edit_trend[1].iso_week, 46u);
  EXPECT_DOUBLE_EQ(q.edit_trend[1].mean_edit_distance, 5.0);
}

TEST(quality_metrics, confidence_calibration_and_brier) {
  const auto q = compute_quality(history());
  EXPECT_EQ(q.calibration[9].count, 2u);
  EXPECT_DOUBLE_EQ(*q.calibration[9].acceptance_rate, 1.0);
  EXPECT_EQ(q.calibration[8].count, 2u);
  EXPECT_EQ(q.calibration[7].count, 2u);
  EXPECT_DOUBLE_EQ(*q.calibration[7].acceptance_rate, 0.5);
  EXPECT_DOUBLE_EQ(*q.calibration[6].acceptance_rate, 0.0);
  EXPECT_EQ(q.calibration[0].count, 0u);
  EXPECT_FALSE(q.calibration[0].acceptance_rate);
  EXPECT_DOUBLE_EQ(q.calibration[3].lower, 0.3);
  EXPECT_NEAR(*q.brier_score.value, 1.5134 / 9, 1e-12);
}

TEST(quality_metrics, empty_and_odd_inputs) {
  const auto q = compute_quality({});
  EXPECT_EQ(q.records, 0u);
  EXPECT_FALSE(q.approval_rate.value);
  EXPECT_FALSE(q.approval_rate.met);
  EXPECT_FALSE(q.median_review_minutes.value);
  EXPECT_FALSE(q.brier_score.value);
  learning_record odd;
  odd.confidence = 7.0;  // clamped to 1 -> last bin
  odd.created_at = sys_seconds{sys_days{2026y / November / 2}};
  odd.reviewed_at = odd.created_at - 1h;  // clock skew: dropped from review times
  const auto r = compute_quality({odd});
  EXPECT_EQ(r.calibration[9].count, 1u);
  EXPECT_FALSE(r.median_review_minutes.value);
  EXPECT_DOUBLE_EQ(*r.brier_score.value, 0.0);
}

TEST(quality_metrics, percentile_and_iso_week) {
  EXPECT_FALSE(percentile({}, 0.5));
  EXPECT_DOUBLE_EQ(*percentile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(*percentile({7}, 0.9), 7.0);
  EXPECT_DOUBLE_EQ(*percentile({1, 2}, 2.0), 2.0);
  auto week = [](year_month_day d) { return iso_week_of(sys_seconds{sys_days{d}}); };
  EXPECT_EQ(week(2026y / January / 1), std::make_pair(2026, 1u));
  EXPECT_EQ(week(2027y / January / 1), std::make_pair(2026, 53u));
  EXPECT_EQ(week(2024y / December / 30), std::make_pair(2025, 1u));
  EXPECT_EQ(week(2026y / November / 9), std::make_pair(2026, 46u));
}

}  // namespace
