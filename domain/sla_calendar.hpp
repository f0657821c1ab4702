#pragma once
// Business-hours arithmetic and SLA deadlines per priority (PRODUCT.md "Triage" table).

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/expected.hpp"
#include "domain/priority.hpp"

namespace frontdesk::domain {

/// Opening hours of one weekday, local time, [open, close). close may be 24h (midnight).
struct day_hours {
  std::chrono::minutes open{0};
  std::chrono::minutes close{0};
};

struct sla_calendar_config {
  std::string time_zone = "America/New_York";  ///< IANA name, read from /usr/share/zoneinfo
  /// Index 0 = Monday .. 6 = Sunday; nullopt = closed. Default Mon–Fri 09:00–17:00.
  std::array<std::optional<day_hours>, 7> week = {
      day_hours{std::chrono::hours(9), std::chrono::hours(17)},
      day_hours{std::chrono::hours(9), std::chrono::hours(17)},
      day_hours{std::chrono::hours(9), std::chrono::hours(17)},
      day_hours{std::chrono::hours(9), std::chrono::hours(17)},
      day_hours{std::chrono::hours(9), std::chrono::hours(17)},
      std::nullopt,
      std::nullopt};
  std::vector<std::chrono::year_month_day> holidays;  ///< local dates, closed all day
};

/// A business calendar in one time zone. Cheap to copy (the zone is shared, immutable).
class sla_calendar {
 public:
  /// Errors: unknown time zone, open >= close, hours outside 00:00–24:00, no open day at all,
  /// invalid holiday date.
  static expected<sla_calendar, std::string> create(const sla_calendar_config& config);

  /// The instant when `duration` of business time has elapsed after `start`. Time outside
  /// opening hours, on closed weekdays and on holidays does not count. Opening and closing
  /// times are local wall-clock times, so a DST change moves them in UTC; on a day whose
  /// opening falls in a DST gap, the first valid instant after the gap is used.
  /// duration <= 0 returns start.
  std::chrono::sys_seconds add_business_time(std::chrono::sys_seconds start,
                                             std::chrono::seconds duration) const;

  /// Business time between two instants (0 when to <= from).
  std::chrono::seconds business_time_between(std::chrono::sys_seconds from,
                                             std::chrono::sys_seconds to) const;

  /// True inside opening hours.
  bool is_open(std::chrono::sys_seconds t) const;

  const std::string& time_zone() const noexcept;

 private:
  struct impl;
  explicit sla_calendar(std::shared_ptr<const impl> p) : impl_(std::move(p)) {}
  std::shared_ptr<const impl> impl_;
};

struct sla_targets {
  std::chrono::seconds first_response;
  std::chrono::seconds resolution;
};

/// SLA policy. Rule: P0 and P1 clocks run on wall-clock time, 24/7 (nights, weekends and
/// holidays count, so their alerts fire after hours); P2 and P3 clocks run on business time
/// of the calendar. Warnings fire when `warning_fraction` of the target has elapsed on the
/// same clock.
struct sla_policy {
  /// Index by priority: P0 15m/2h, P1 1h/8h, P2 4h/24h, P3 24h/72h.
  std::array<sla_targets, 4> targets = {{{std::chrono::minutes(15), std::chrono::hours(2)},
                                         {std::chrono::hours(1), std::chrono::hours(8)},
                                         {std::chrono::hours(4), std::chrono::hours(24)},
                                         {std::chrono::hours(24), std::chrono::hours(72)}}};
  std::array<bool, 4> wall_clock = {true, true, false, false};
  double warning_fraction = 0.75;  ///< 0 < f < 1
};

struct sla_deadlines {
  std::chrono::sys_seconds first_response_warning;
  std::chrono::sys_seconds first_response_due;
  std::chrono::sys_seconds resolution_warning;
  std::chrono::sys_seconds resolution_due;
};

/// Deadlines for a conversation of priority p whose clock starts at `start`.
sla_deadlines compute_sla_deadlines(priority p, std::chrono::sys_seconds start,
                                    const sla_calendar& calendar, const sla_policy& policy = {});

}  // namespace frontdesk::domain
