#include "domain/retry_after.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace std::chrono_literals;
using frontdesk::domain::max_retry_after;
using frontdesk::domain::parse_http_date;
using frontdesk::domain::parse_retry_after;

namespace {
constexpr std::int64_t rfc_example = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
}

TEST(RetryAfter, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("120", 0), 120s);
  EXPECT_EQ(parse_retry_after("0", 0), 0s);
  EXPECT_EQ(parse_retry_after("  7 ", 0), 7s);
}

TEST(RetryAfter, RejectsMalformedDeltas) {
  for (const char* bad : {"", " ", "-1", "1.5", "12a", "a12", "+5", "1 2", "0x10", "１"}) {
    EXPECT_FALSE(parse_retry_after(bad, 0).has_value()) << bad;
  }
}

TEST(RetryAfter, HugeDeltaSaturates) {
  EXPECT_EQ(parse_retry_after(std::string(400, '9'), 0), max_retry_after);
  EXPECT_EQ(parse_retry_after("99999999999999999999999", 0), max_retry_after);
}

TEST(RetryAfter, AllThreeDateForms) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), rfc_example);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), rfc_example);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), rfc_example);
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(parse_http_date("Tue, 29 Feb 2028 12:00:00 GMT"), 1835438400);
}

TEST(RetryAfter, DateBecomesDelayFromInjectedNow) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", rfc_example - 30), 30s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", rfc_example), 0s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", rfc_example + 999), 0s);
}

TEST(RetryAfter, RejectsMalformedDates) {
  for (const char* bad : {
           "Sun, 31 Feb 1994 08:49:37 GMT",  // no such day
           "Sun, 06 Nov 1994 24:49:37 GMT",  // hour
           "Sun, 06 Nov 1994 08:60:37 GMT",  // minute
           "Sun, 06 Foo 1994 08:49:37 GMT",  // month
           "Sun, 06 Nov 1994 08:49:37 UTC",  // zone
           "Sun, 06 Nov 1994 08:49:37 GMT trailing",
           "Sun, 6 Nov 1994 08:49:37 GMT",  // day must be two digits
           "Sun 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37", "Sun Nov  6 08:49:37",
           "Sun Nov 99 08:49:37 1994",
           "Tue, 29 Feb 2027 12:00:00 GMT",  // not a leap year
       }) {
    EXPECT_FALSE(parse_http_date(bad).has_value()) << bad;
    EXPECT_FALSE(parse_retry_after(bad, 0).has_value()) << bad;
  }
}

TEST(RetryAfter, HostileInputIsRejectedQuickly) {
  EXPECT_FALSE(parse_http_date(std::string(100000, 'S')).has_value());
  EXPECT_FALSE(parse_retry_after(std::string(100000, 'x'), 0).has_value());
  EXPECT_FALSE(parse_retry_after(std::string("12\0"
                                             "3",
                                             4),
                                 0)
                   .has_value());
}
