#include "config/log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace frontdesk::log {
namespace {

TEST(log, key_value_lines_quote_and_mask) {
  const std::string line = format_line(false, level::info, "webhook_accepted",
                                       {{"conv", std::int64_t{42}},
                                        {"from", "jane@example.com"},
                                        {"text", "card 4111 1111 1111 1111 \"now\"\nbye"}});
  EXPECT_EQ(line,
            "level=info event=webhook_accepted conv=42 from=j***@example.com "
            "text=\"card ****-****-****-1111 \\\"now\\\"\\nbye\"");
}

TEST(log, json_lines_are_valid_json_and_masked) {
  const std::string line = format_line(true, level::warn, "x", {{"phone", "+1 555 010 2345"}});
  auto v = boost::json::parse(line);
  EXPECT_EQ(v.at("level").as_string(), "warn");
  EXPECT_EQ(v.at("phone").as_string(), "***-**45");
}

TEST(log, levels_filter_and_capture_gets_timestamped_lines) {
  std::string out;
  capture(&out);
  init({"kv", "warn"});
  info("hidden");
  warn("shown", {{"req", "r-1"}});
  init({"json", "info"});
  info("as_json", {{"email", "a@b.io"}});
  capture(nullptr);
  init({"kv", "info"});
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  EXPECT_NE(out.find("level=warn event=shown req=r-1"), std::string::npos);
  EXPECT_EQ(out.rfind("ts=", 0), 0u);
  const std::string last = out.substr(out.find('\n') + 1);
  auto v = boost::json::parse(last.substr(0, last.size() - 1));
  EXPECT_EQ(v.at("email").as_string(), "a***@b.io");
  EXPECT_TRUE(v.as_object().contains("ts"));
}

}  // namespace
}  // namespace frontdesk::log
