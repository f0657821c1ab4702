#include "domain/sla_calendar.hpp"

#include <date/tz.h>
#include <algorithm>
#include <set>
#include <stdexcept>

namespace frontdesk::domain {

using std::chrono::seconds;
using std::chrono::sys_seconds;

struct sla_calendar::impl {
  std::string name;
  const date::time_zone* zone = nullptr;
  std::array<std::optional<day_hours>, 7> week;
  std::set<int> holidays;  // days since epoch (local dates)

  // Local day number (days since 1970-01-01, local calendar) of instant t.
  date::local_days local_day(sys_seconds t) const {
    const auto local = zone->to_local(t);
    return std::chrono::floor<date::days>(local);
  }

  // UTC instant of a local wall-clock time; in a DST gap the instant after the gap.
  sys_seconds to_sys(date::local_seconds local) const {
    const auto info = zone->get_info(local);
    switch (info.result) {
      case date::local_info::unique:
        return sys_seconds{local.time_since_epoch() - info.first.offset};
      case date::local_info::ambiguous:
        return sys_seconds{local.time_since_epoch() - info.first.offset};  // earlier instant
      case date::local_info::nonexistent:
        return info.second.begin;
    }
    return sys_seconds{local.time_since_epoch() - info.first.offset};
  }

  // Opening interval of a local day, in UTC; nullopt when closed.
  std::optional<std::pair<sys_seconds, sys_seconds>> opening(date::local_days day) const {
    if (holidays.count(static_cast<int>(day.time_since_epoch().count()))) return std::nullopt;
    const date::weekday wd{day};
    const unsigned monday_based = (wd.c_encoding() + 6) % 7;
    const auto& hours = week[monday_based];
    if (!hours) return std::nullopt;
    const auto open = to_sys(date::local_seconds{day} + hours->open);
    const auto close = to_sys(date::local_seconds{day} + hours->close);
    if (close <= open) return std::nullopt;
    return std::make_pair(open, close);
  }
};

expected<sla_calendar, std::string> sla_calendar::create(const sla_calendar_config& config) {
  auto p = std::make_shared<impl>();
  p->name = config.time_zone;
  try {
    p->zone = date::locate_zone(config.time_zone);
  } catch (const std::exception&) {
    return unexpected{std::string("unknown time zone \"") + config.time_zone + "\""};
  }
  bool any_open = false;
  for (std::size_t d = 0; d < 7; ++d) {
    const auto& h = config.week[d];
    if (!h) continue;
    if (h->open < std::chrono::minutes(0) || h->close > std::chrono::hours(24) ||
        h->open >= h->close) {
      return unexpected{"invalid opening hours for weekday " + std::to_string(d)};
    }
    any_open = true;
  }
  if (!any_open) return unexpected{std::string("calendar has no opening hours")};
  p->week = config.week;
  for (const auto& day : config.holidays) {
    if (!day.ok()) return unexpected{std::string("invalid holiday date")};
    p->holidays.insert(static_cast<int>(std::chrono::sys_days{day}.time_since_epoch().count()));
  }
  return sla_calendar(std::move(p));
}

const std::string& sla_calendar::time_zone() const noexcept {
  return impl_->name;
}

bool sla_calendar::is_open(sys_seconds t) const {
  const auto day = impl_->local_day(t);
  for (auto d : {day - date::days(1), day}) {  // an opening can end after local midnight in UTC
    const auto o = impl_->opening(d);
    if (o && t >= o->first && t < o->second) return true;
  }
  return false;
}

sys_seconds sla_calendar::add_business_time(sys_seconds start, seconds duration) const {
  if (duration <= seconds(0)) return start;
  seconds remaining = duration;
  sys_seconds cursor = start;
  auto day = impl_->local_day(start) - date::days(1);
  // Every week has some opening hours (checked in create) and holidays are finite,
  // so this terminates; the bound only protects against absurd durations.
  const long max_days = 366L * 200;
  for (long n = 0; n < max_days; ++n, day += date::days(1)) {
    const auto o = impl_->opening(day);
    if (!o || o->second <= cursor) continue;
    const sys_seconds from = std::max(cursor, o->first);
    const seconds available = o->second - from;
    if (remaining <= available) return from + remaining;
    remaining -= available;
    cursor = o->second;
  }
  return cursor + remaining;
}

seconds sla_calendar::business_time_between(sys_seconds from, sys_seconds to) const {
  if (to <= from) return seconds(0);
  seconds total(0);
  for (auto day = impl_->local_day(from) - date::days(1); day <= impl_->local_day(to);
       day += date::days(1)) {
    const auto o = impl_->opening(day);
    if (!o) continue;
    const auto a = std::max(from, o->first);
    const auto b = std::min(to, o->second);
    if (b > a) total += b - a;
  }
  return total;
}

sla_deadlines compute_sla_deadlines(priority p, sys_seconds start, const sla_calendar& calendar,
                                    const sla_policy& policy) {
  const auto index = static_cast<std::size_t>(p);
  const auto& target = policy.targets[index];
  const bool wall = policy.wall_clock[index];
  const double f = std::clamp(policy.warning_fraction, 0.0, 1.0);
  auto add = [&](seconds d) { return wall ? start + d : calendar.add_business_time(start, d); };
  auto fraction = [&](seconds d) {
    return seconds(static_cast<seconds::rep>(static_cast<double>(d.count()) * f));
  };
  return {add(fraction(target.first_response)), add(target.first_response),
          add(fraction(target.resolution)), add(target.resolution)};
}

}  // namespace frontdesk::domain
