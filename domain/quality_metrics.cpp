#include "domain/quality_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace frontdesk::domain {

namespace {

metric with_target(std::optional<double> value, std::optional<double> target,
                   bool higher_is_better) {
  metric m;
  m.value = value;
  m.target = target;
  m.higher_is_better = higher_is_better;
  if (value && target) m.met = higher_is_better ? *value >= *target : *value <= *target;
  return m;
}

std::optional<double> ratio(std::size_t part, std::size_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

std::optional<double> mean_of(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

}  // namespace

std::optional<double> percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  p = std::clamp(p, 0.0, 1.0);
  const double rank = p * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = static_cast<std::size_t>(std::ceil(rank));
  return values[lo] + (values[hi] - values[lo]) * (rank - static_cast<double>(lo));
}

std::pair<int, unsigned> iso_week_of(std::chrono::sys_seconds t) {
  using namespace std::chrono;
  const sys_days day = floor<days>(t);
  // ISO weeks belong to the year of their Thursday.
  const weekday wd{day};
  const int monday_based = static_cast<int>((wd.c_encoding() + 6) % 7);
  const sys_days thursday = day - days(monday_based) + days(3);
  const year_month_day ymd{thursday};
  const sys_days jan1 = sys_days{ymd.year() / January / 1};
  const auto week = static_cast<unsigned>((thursday - jan1).count() / 7 + 1);
  return {static_cast<int>(ymd.year()), week};
}

quality_report compute_quality(const std::vector<learning_record>& records,
                               const quality_options& options) {
  quality_report r;
  r.records = records.size();
  std::size_t approve = 0, edit = 0, minor_edit = 0, escalate = 0, reject = 0, human = 0;
  std::vector<double> tone, accuracy, policy, review_minutes;
  std::map<std::pair<int, unsigned>, std::array<double, 3>> weeks;  // count, sum ed, sum norm
  std::array<std::size_t, 10> bin_count{};
  std::array<std::size_t, 10> bin_accepted{};
  double brier_sum = 0.0;

  for (const auto& rec : records) {
    if (rec.ai_drafted) ++r.ai_drafts;
    auto& sla = r.sla_by_priority[static_cast<std::size_t>(rec.priority)];
    if (rec.first_response_met) {
      ++sla.first_response_total;
      sla.first_response_rate =
          sla.first_response_rate.value_or(0) + (*rec.first_response_met ? 1 : 0);
    }
    if (rec.resolution_met) {
      ++sla.resolution_total;
      sla.resolution_rate = sla.resolution_rate.value_or(0) + (*rec.resolution_met ? 1 : 0);
    }
    if (rec.grade_tone) tone.push_back(*rec.grade_tone);
    if (rec.grade_accuracy) accuracy.push_back(*rec.grade_accuracy);
    if (rec.grade_policy) policy.push_back(*rec.grade_policy);
    if (rec.reviewed_at && *rec.reviewed_at >= rec.created_at) {
      review_minutes.push_back(static_cast<double>((*rec.reviewed_at - rec.created_at).count()) /
                               60.0);
    }
    if (!rec.ai_drafted) continue;
    ++r.reviewed;
    bool accepted = false;
    switch (rec.action) {
      case review_action::approve:
        ++approve;
        accepted = true;
        break;
      case review_action::edit: {
        ++edit;
        const bool major = static_cast<double>(rec.edit_distance) >
                           options.major_edit_fraction * static_cast<double>(rec.draft_length);
        if (!major) {
          ++minor_edit;
          accepted = true;
        }
        auto& w = weeks[iso_week_of(rec.created_at)];
        w[0] += 1;
        w[1] += static_cast<double>(rec.edit_distance);
        w[2] += rec.draft_length
                    ? static_cast<double>(rec.edit_distance) / static_cast<double>(rec.draft_length)
                    : 1.0;
        break;
      }
      case review_action::escalate:
        ++escalate;
        break;
      case review_action::reject:
        ++reject;
        break;
      case review_action::human_reply:
        ++human;
        break;
    }
    const double c = std::isnan(rec.confidence) ? 0.0 : std::clamp(rec.confidence, 0.0, 1.0);
    const auto bin = std::min<std::size_t>(9, static_cast<std::size_t>(c * 10.0 + 1e-9));
    ++bin_count[bin];
    if (accepted) ++bin_accepted[bin];
    const double outcome = accepted ? 1.0 : 0.0;
    brier_sum += (c - outcome) * (c - outcome);
  }
  for (auto& sla : r.sla_by_priority) {
    if (sla.first_response_total)
      *sla.first_response_rate /= static_cast<double>(sla.first_response_total);
    if (sla.resolution_total) *sla.resolution_rate /= static_cast<double>(sla.resolution_total);
  }

  r.ai_draft_rate = with_target(ratio(r.ai_drafts, r.records), std::nullopt, true);
  r.approval_rate = with_target(ratio(approve, r.reviewed), 0.60, true);
  r.approval_without_major_edits = with_target(ratio(approve + minor_edit, r.reviewed), 0.85, true);
  r.edit_rate = with_target(ratio(edit, r.reviewed), 0.30, false);
  r.escalation_rate = with_target(ratio(escalate, r.reviewed), 0.10, false);
  r.rejection_rate = with_target(ratio(reject, r.reviewed), 0.05, false);
  r.human_reply_rate = with_target(ratio(human, r.reviewed), std::nullopt, false);
  r.average_tone = with_target(mean_of(tone), 4.5, true);
  r.average_accuracy = with_target(mean_of(accuracy), 4.7, true);
  r.average_policy = with_target(mean_of(policy), 4.8, true);
  r.median_review_minutes = with_target(percentile(review_minutes, 0.5), 15.0, false);
  r.p90_review_minutes = with_target(percentile(review_minutes, 0.9), std::nullopt, false);
  for (const auto& [key, w] : weeks) {
    r.edit_trend.push_back(
        {key.first, key.second, static_cast<std::size_t>(w[0]), w[1] / w[0], w[2] / w[0]});
  }
  for (std::size_t b = 0; b < 10; ++b) {
    r.calibration[b].lower = static_cast<double>(b) / 10.0;
    r.calibration[b].count = bin_count[b];
    r.calibration[b].acceptance_rate = ratio(bin_accepted[b], bin_count[b]);
  }
  r.brier_score =
      with_target(r.reviewed ? std::optional<double>(brier_sum / static_cast<double>(r.reviewed))
                             : std::nullopt,
                  std::nullopt, false);
  return r;
}

}  // namespace frontdesk::domain
