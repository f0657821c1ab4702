#include "domain/business_hours.hpp"

#include <gtest/gtest.h>

namespace frontdesk::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TEST(business_hours, parses_ranges_single_days_and_wraps) {
  auto w = parse_business_hours("Mon-Fri 09:00-17:00; Sat 10:00-14:30");
  ASSERT_TRUE(w) << w.error();
  for (int d = 0; d < 5; ++d) {
    ASSERT_TRUE((*w)[d]);
    EXPECT_EQ((*w)[d]->open, hours(9));
    EXPECT_EQ((*w)[d]->close, hours(17));
  }
  ASSERT_TRUE((*w)[5]);
  EXPECT_EQ((*w)[5]->close, hours(14) + minutes(30));
  EXPECT_FALSE((*w)[6]);
  auto wrap = parse_business_hours("fri-mon 08:00-24:00");
  ASSERT_TRUE(wrap) << wrap.error();
  EXPECT_TRUE((*wrap)[4] && (*wrap)[5] && (*wrap)[6] && (*wrap)[0]);
  EXPECT_FALSE((*wrap)[1]);
}

TEST(business_hours, refuses_what_it_cannot_read) {
  for (const char* bad : {"", ";", "Mon-Fri", "Mon-Fri 9-17", "Xyz 09:00-17:00", "Mon 17:00-09:00",
                          "Mon 25:00-26:00", "Mon 09:00-17:60", "Mon-Fri 09:00 17:00"}) {
    auto w = parse_business_hours(bad);
    EXPECT_FALSE(w) << bad;
    if (!w) {
      EXPECT_FALSE(w.error().empty());
    }
  }
}

}  // namespace
}  // namespace frontdesk::domain
