// A heap-kept optional with value semantics.

#include <gtest/gtest.h>

#include <string>

#include "domain/boxed.hpp"

namespace {

using frontdesk::domain::boxed;

TEST(boxed, is_absent_until_given_a_value_and_holds_only_a_pointer) {
  static_assert(sizeof(boxed<std::string>) == sizeof(void*));
  boxed<std::string> b;
  EXPECT_FALSE(b);
  b = std::string("first");
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, "first");
  EXPECT_EQ(b->size(), 5u);
  b.reset();
  EXPECT_FALSE(b.has_value());
  b.get_or_create() += "made";
  EXPECT_EQ(*b, "made");
}

TEST(boxed, copies_the_value_not_the_pointer) {
  boxed<std::string> a(std::string("one"));
  boxed<std::string> c = a;
  *c += "!";
  EXPECT_EQ(*a, "one");
  EXPECT_EQ(*c, "one!");
  c = a;
  EXPECT_EQ(*c, "one");
  EXPECT_NE(&*c, &*a);
}

TEST(boxed, compares_values_and_absence) {
  boxed<std::string> none1, none2;
  boxed<std::string> x(std::string("x")), y(std::string("x")), z(std::string("z"));
  EXPECT_TRUE(none1 == none2);
  EXPECT_TRUE(x == y);
  EXPECT_FALSE(x == z);
  EXPECT_FALSE(x == none1);
  EXPECT_FALSE(none1 == x);
}

}  // namespace
