#include "io/bearer_auth.hpp"

#include <gtest/gtest.h>

namespace frontdesk::io {
namespace {

bearer_auth sample() {
  auto a = bearer_auth::from_config(
      "tok-operator-1:op1:operator, tok-manager-2:mgr:manager,tok-admin-33:root:admin");
  EXPECT_TRUE(a.has_value());
  return a.has_value() ? *a : bearer_auth{};
}

TEST(BearerAuth, ParsesConfig) {
  EXPECT_EQ(sample().size(), 3u);
}

TEST(BearerAuth, RejectsBadConfig) {
  EXPECT_FALSE(bearer_auth::from_config("tok-operator-1:op1").has_value());
  EXPECT_FALSE(bearer_auth::from_config("tok-operator-1:op1:operator:extra").has_value());
  EXPECT_FALSE(bearer_auth::from_config("tok-operator-1:op1:superuser").has_value());
  EXPECT_FALSE(bearer_auth::from_config("short:op1:admin").has_value());
  EXPECT_FALSE(bearer_auth::from_config("tok-operator-1::admin").has_value());
  auto err = bearer_auth::from_config("tok-operator-1:a:admin,broken");
  ASSERT_FALSE(err.has_value());
  EXPECT_NE(err.error().find("entry 2"), std::string::npos);
  EXPECT_EQ(bearer_auth::from_config("").value().size(), 0u);
}

TEST(BearerAuth, MissingOrBadTokenIs401) {
  auto a = sample();
  auto missing = a.authorize(std::nullopt, operator_role::operator_);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().status, 401);
  EXPECT_EQ(missing.error().code, "missing_token");
  for (const char* bad : {"Bearer nope", "Bearer tok-operator-", "Bearer tok-operator-1x",
                          "Basic dG9rOng=", "tok-operator-1", "Bearer "}) {
    auto r = a.authorize(std::string_view(bad), operator_role::operator_);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().status, 401) << bad;
  }
}

TEST(BearerAuth, RolesAreOrdered) {
  auto a = sample();
  auto op = a.authorize("Bearer tok-operator-1", operator_role::operator_);
  ASSERT_TRUE(op.has_value());
  EXPECT_EQ(op->operator_id, "op1");
  EXPECT_EQ(op->role, operator_role::operator_);
  auto denied = a.authorize("Bearer tok-operator-1", operator_role::manager);
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().status, 403);
  EXPECT_TRUE(a.authorize("bearer tok-manager-2", operator_role::manager).has_value());
  EXPECT_EQ(a.authorize("Bearer tok-manager-2", operator_role::admin).error().status, 403);
  auto admin = a.authorize("Bearer  tok-admin-33 ", operator_role::admin);
  ASSERT_TRUE(admin.has_value());
  EXPECT_EQ(admin->operator_id, "root");
  EXPECT_TRUE(a.authorize("Bearer tok-admin-33", operator_role::operator_).has_value());
}

}  // namespace
}  // namespace frontdesk::io
