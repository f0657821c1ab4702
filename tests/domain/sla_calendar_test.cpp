// Business-hours arithmetic across weekends, holidays and DST (America/New_York, 2026).

#include <gtest/gtest.h>

#include <chrono>

#include "domain/sla_calendar.hpp"

namespace {

using namespace frontdesk::domain;
using namespace std::chrono;
using std::chrono::sys_seconds;

sys_seconds utc(year_month_day d, hours h, minutes m = minutes(0)) {
  return sys_seconds{sys_days{d}} + h + m;
}

sla_calendar new_york(std::vector<year_month_day> holidays = {}) {
  sla_calendar_config config;
  config.holidays = std::move(holidays);
  auto c = sla_calendar::create(config);
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error());
  return *c;
}

TEST(sla_calendar, weekend_and_spring_dst_change) {
  const auto cal = new_york();
  // Fri 2026-03-06 16:00 EST (21:00Z) + 2h: 1h on Friday, 1h on Monday 09:00 EDT (13:00Z).
  EXPECT_EQ(cal.add_business_time(utc(2026y / March / 6, 21h), 2h), utc(2026y / March / 9, 14h));
}

TEST(sla_calendar, autumn_dst_change) {
  const auto cal = new_york();
  // Fri 2026-10-30 16:30 EDT (20:30Z) + 1h: 30m Friday, 30m Monday 09:00 EST (14:00Z).
  EXPECT_EQ(cal.add_business_time(utc(2026y / October / 30, 20h, 30min), 1h),
            utc(2026y / November / 2, 14h, 30min));
  // Monday 2026-11-02 opens at 14:00Z (EST), the Monday before at 13:00Z (EDT).
  EXPECT_FALSE(cal.is_open(utc(2026y / November / 2, 13h, 30min)));
  EXPECT_TRUE(cal.is_open(utc(2026y / November / 2, 14h)));
  EXPECT_TRUE(cal.is_open(utc(2026y / October / 26, 13h)));
}

TEST(sla_calendar, holidays_are_skipped) {
  const auto cal = new_york({2026y / November / 26});  // Thanksgiving
  // Wed 16:00 EST + 2h: 1h Wednesday, Thursday closed, Friday 09:00-10:00 EST.
  EXPECT_EQ(cal.add_business_time(utc(2026y / November / 25, 21h), 2h),
            utc(2026y / November / 27, 15h));
  EXPECT_FALSE(cal.is_open(utc(2026y / November / 26, 16h)));
}

TEST(sla_calendar, start_before_opening_and_zero_duration) {
  const auto cal = new_york();
  EXPECT_EQ(cal.add_business_time(utc(2026y / November / 23, 12h), 4h),
            utc(2026y / November / 23, 18h));
  EXPECT_EQ(cal.add_business_time(utc(2026y / November / 23, 12h), 0s),
            utc(2026y / November / 23, 12h));
  EXPECT_EQ(cal.add_business_time(utc(2026y / November / 23, 12h), -5s),
            utc(2026y / November / 23, 12h));
  // Exactly at closing time: the next opening.
  EXPECT_EQ(cal.add_business_time(utc(2026y / November / 23, 22h), 1s),
            utc(2026y / November / 24, 14h) + 1s);
}

TEST(sla_calendar, business_time_between_inverts_add) {
  const auto cal = new_york({2026y / November / 26});
  const auto start = utc(2026y / November / 20, 19h, 17min);
  for (const seconds d :
       {seconds(1), seconds(3600), seconds(8 * 3600), seconds(100000), seconds(700000)}) {
    const auto end = cal.add_business_time(start, d);
    EXPECT_EQ(cal.business_time_between(start, end), d) << d.count();
  }
  EXPECT_EQ(
      cal.business_time_between(utc(2026y / November / 23, 20h), utc(2026y / November / 23, 10h)),
      0s);
  // A full week around DST: 5 days x 8h either way.
  EXPECT_EQ(cal.business_time_between(utc(2026y / March / 7, 0h), utc(2026y / March / 14, 0h)),
            40h);
}

TEST(sla_calendar, deadlines_p0_p1_wall_clock_after_hours) {
  const auto cal = new_york();
  const auto saturday_night = utc(2026y / November / 21, 23h);
  const auto p0 = compute_sla_deadlines(priority::p0, saturday_night, cal);
  EXPECT_EQ(p0.first_response_due, saturday_night + 15min);
  EXPECT_EQ(p0.first_response_warning, saturday_night + 11min + 15s);
  EXPECT_EQ(p0.resolution_due, saturday_night + 2h);
  EXPECT_EQ(p0.resolution_warning, saturday_night + 90min);
  const auto p1 = compute_sla_deadlines(priority::p1, saturday_night, cal);
  EXPECT_EQ(p1.first_response_due, saturday_night + 1h);
  EXPECT_EQ(p1.resolution_due, saturday_night + 8h);
}

TEST(sla_calendar, deadlines_p2_p3_business_time) {
  const auto cal = new_york({2026y / November / 26});
  const auto saturday_night = utc(2026y / November / 21, 23h);
  const auto p2 = compute_sla_deadlines(priority::p2, saturday_night, cal);
  EXPECT_EQ(p2.first_response_due, utc(2026y / November / 23, 18h));      // Mon 13:00 EST
  EXPECT_EQ(p2.first_response_warning, utc(2026y / November / 23, 17h));  // 3h in
  EXPECT_EQ(p2.resolution_due, utc(2026y / November / 25, 22h));          // Wed 17:00 EST
  const auto p3 = compute_sla_deadlines(priority::p3, saturday_night, cal);
  EXPECT_EQ(p3.first_response_due, utc(2026y / November / 25, 22h));
  EXPECT_EQ(p3.resolution_due, utc(2026y / December / 4, 22h));  // 9 business days, holiday skipped
  sla_policy policy;
  policy.warning_fraction = 0.5;
  policy.wall_clock = {true, true, true, true};
  EXPECT_EQ(compute_sla_deadlines(priority::p3, saturday_night, cal, policy).first_response_warning,
            saturday_night + 12h);
}

TEST(sla_calendar, opening_inside_a_dst_gap) {
  sla_calendar_config config;
  config.week = {};
  config.week[6] = day_hours{hours(2) + minutes(30), hours(4)};  // Sunday 02:30-04:00
  const auto cal = sla_calendar::create(config);
  ASSERT_TRUE(cal);
  // 2026-03-08 02:30 does not exist in New York; the day opens at 03:00 EDT = 07:00Z.
  EXPECT_EQ(cal->add_business_time(utc(2026y / March / 7, 12h), 30min),
            utc(2026y / March / 8, 7h, 30min));
}

TEST(sla_calendar, other_zone_and_round_the_clock) {
  sla_calendar_config config;
  config.time_zone = "Europe/Berlin";
  for (auto& d : config.week) d = day_hours{hours(0), hours(24)};
  const auto cal = sla_calendar::create(config);
  ASSERT_TRUE(cal);
  EXPECT_EQ(cal->time_zone(), "Europe/Berlin");
  const auto t = utc(2026y / March / 28, 22h);  // across the Berlin DST change (29 March)
  EXPECT_EQ(cal->add_business_time(t, 10h), t + 10h);
}

TEST(sla_calendar, invalid_configurations_are_errors) {
  sla_calendar_config bad_zone;
  bad_zone.time_zone = "Mars/Olympus_Mons";
  EXPECT_FALSE(sla_calendar::create(bad_zone));
  bad_zone.time_zone = "../../etc/passwd";
  EXPECT_FALSE(sla_calendar::create(bad_zone));
  bad_zone.time_zone = "";
  EXPECT_FALSE(sla_calendar::create(bad_zone));
  sla_calendar_config closed;
  closed.week = {};
  EXPECT_EQ(sla_calendar::create(closed).error(), "calendar has no opening hours");
  sla_calendar_config inverted;
  inverted.week[0] = day_hours{hours(17), hours(9)};
  EXPECT_FALSE(sla_calendar::create(inverted));
  sla_calendar_config too_long;
  too_long.week[0] = day_hours{hours(0), hours(25)};
  EXPECT_FALSE(sla_calendar::create(too_long));
  sla_calendar_config bad_holiday;
  bad_holiday.holidays = {2026y / February / 30};
  EXPECT_FALSE(sla_calendar::create(bad_holiday));
}

}  // namespace
