#pragma once
// Quality metrics over learning records, each beside its PRODUCT.md target ("Learning and
// quality").

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "domain/priority.hpp"

namespace frontdesk::domain {

enum class review_action { approve, edit, escalate, reject, human_reply };

/// One reviewed draft (or a human-only reply) as used for metrics.
struct learning_record {
  review_action action = review_action::approve;
  bool ai_drafted = true;  ///< an AI draft existed (false: triage sent it straight to a human)
  std::optional<double> grade_tone;                     ///< 1..5
  std::optional<double> grade_accuracy;                 ///< 1..5
  std::optional<double> grade_policy;                   ///< 1..5
  std::chrono::sys_seconds created_at{};                ///< draft queued
  std::optional<std::chrono::sys_seconds> reviewed_at;  ///< operator acted
  double confidence = 0.0;                              ///< 0..1 as computed for the draft
  std::size_t edit_distance = 0;                        ///< code points changed (edit action)
  std::size_t draft_length = 0;                         ///< code points in the draft
  domain::priority priority = priority::p2;
  std::optional<bool> first_response_met;
  std::optional<bool> resolution_met;
};

/// A value with the target it is held to. met is empty when there is no target or no data.
struct metric {
  std::optional<double> value;  ///< empty when there is no data
  std::optional<double> target;
  bool higher_is_better = true;
  std::optional<bool> met;
};

struct sla_compliance {
  std::size_t first_response_total = 0;
  std::optional<double> first_response_rate;
  std::size_t resolution_total = 0;
  std::optional<double> resolution_rate;
};

struct week_edit_distance {
  int iso_year = 0;
  unsigned iso_week = 0;
  std::size_t edits = 0;
  double mean_edit_distance = 0.0;
  double mean_normalized = 0.0;  ///< edit distance / draft length
};

struct calibration_bin {
  double lower = 0.0;  ///< confidence in [lower, lower + 0.1); the last bin includes 1.0
  std::size_t count = 0;
  std::optional<double> acceptance_rate;
};

struct quality_report {
  std::size_t records = 0;
  std::size_t ai_drafts = 0;  ///< records with ai_drafted
  std::size_t reviewed = 0;   ///< AI drafts with an operator action (the rate denominator)
  metric ai_draft_rate;       ///< ai_drafts / records
  metric approval_rate;       ///< approve / reviewed, target >= 0.60
  metric approval_without_major_edits;  ///< (approve + minor edits) / reviewed, target >= 0.85
  metric edit_rate;                     ///< edit / reviewed, target <= 0.30
  metric escalation_rate;               ///< escalate / reviewed, target <= 0.10
  metric rejection_rate;                ///< reject / reviewed, target <= 0.05
  metric human_reply_rate;              ///< human_reply / reviewed
  metric average_tone;                  ///< target >= 4.5
  metric average_accuracy;              ///< target >= 4.7
  metric average_policy;                ///< target >= 4.8
  metric median_review_minutes;         ///< target <= 15
  metric p90_review_minutes;
  std::array<sla_compliance, 4> sla_by_priority;  ///< index = priority
  std::vector<week_edit_distance> edit_trend;     ///< edits grouped by ISO week, oldest first
  std::array<calibration_bin, 10> calibration;
  metric brier_score;  ///< mean (confidence - accepted)^2 over reviewed AI drafts; lower is better
};

struct quality_options {
  /// An edit is major when edit_distance > major_edit_fraction * draft_length.
  double major_edit_fraction = 0.20;
};

/// Definitions: "reviewed" = ai_drafted records whose action is any of the five.
/// "accepted" (for calibration and Brier) = approve, or edit that is not major.
/// Review time = reviewed_at - created_at (records with reviewed_at, negative ones dropped),
/// median and p90 by linear interpolation between closest ranks. Grades are means of the
/// grades present. ISO weeks are computed on created_at in UTC.
quality_report compute_quality(const std::vector<learning_record>& records,
                               const quality_options& options = {});

/// p in [0, 1] of a sample, linear interpolation between closest ranks; nullopt when empty.
std::optional<double> percentile(std::vector<double> values, double p);

/// ISO 8601 week (year, week) of a UTC instant.
std::pair<int, unsigned> iso_week_of(std::chrono::sys_seconds t);

}  // namespace frontdesk::domain
