// A possibly absent instant in one word.

#include <gtest/gtest.h>

#include <optional>

#include "fsm/optional_time.hpp"

namespace {

using frontdesk::fsm::optional_time;
using frontdesk::fsm::time_point;
using std::chrono::milliseconds;

TEST(optional_time, behaves_like_an_optional_time_point) {
  static_assert(sizeof(optional_time) == 8);
  optional_time t;
  EXPECT_FALSE(t);
  const time_point at(milliseconds(1'700'000'000'123));
  EXPECT_EQ(t.value_or(at), at);
  t = at;
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, at);
  EXPECT_TRUE(t == at);
  EXPECT_FALSE(optional_time() == at);
  const std::optional<time_point> as_std = t;
  EXPECT_EQ(as_std, at);
  t.reset();
  EXPECT_FALSE(t.has_value());
  EXPECT_EQ(static_cast<std::optional<time_point>>(t), std::nullopt);
}

TEST(optional_time, keeps_the_epoch_and_times_before_it) {
  // Zero and negative instants are values, not absence.
  const optional_time epoch = time_point(milliseconds(0));
  ASSERT_TRUE(epoch);
  EXPECT_EQ((*epoch).time_since_epoch().count(), 0);
  const optional_time before = time_point(milliseconds(-5));
  ASSERT_TRUE(before);
  EXPECT_EQ((*before).time_since_epoch().count(), -5);
  EXPECT_TRUE(optional_time(std::optional<time_point>()) == optional_time());
}

}  // namespace
