#include "bench/harness/child_server.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace frontdesk::bench {
namespace {

child_options shell(const std::string& script, const std::string& log) {
  child_options o;
  o.executable = "/bin/sh";
  o.args = {"-c", script};
  o.log_path = log;
  o.env = {{"BENCH_CHILD", "1"}};
  return o;
}

std::string temp_log(const char* name) {
  const auto p = std::filesystem::temp_directory_path() /
                 (std::string(name) + "-" + std::to_string(::getpid()) + ".log");
  std::filesystem::remove(p);
  return p.string();
}

TEST(ChildServer, FindsThePortOfThisStartNotAnEarlierOne) {
  const std::string log = temp_log("bench-child");
  {
    auto first = child_server::spawn(
        shell("echo 'frontdesk: serving on http://127.0.0.1:4321/'; exec sleep 30", log));
    ASSERT_TRUE(first) << first.error();
    auto port = first->wait_for_port(std::chrono::seconds(10));
    ASSERT_TRUE(port) << port.error();
    EXPECT_EQ(*port, 4321);
    const auto [status, took] = first->stop(std::chrono::seconds(10));
    EXPECT_EQ(status, 128 + 15);  // sh's sleep ends on SIGTERM
  }
  // The same log file: the second start prints its line only later.
  auto second = child_server::spawn(
      shell("sleep 0.3; echo 'frontdesk: serving on http://127.0.0.1:5555/'; exec sleep 30", log));
  ASSERT_TRUE(second);
  auto port = second->wait_for_port(std::chrono::seconds(10));
  ASSERT_TRUE(port) << port.error();
  EXPECT_EQ(*port, 5555);
  second->kill_now();
  EXPECT_FALSE(second->running());
  std::filesystem::remove(log);
}

TEST(ChildServer, ReportsAnEarlyExitWithTheLog) {
  const std::string log = temp_log("bench-child-exit");
  auto c = child_server::spawn(shell("echo 'configuration error: bad key' >&2; exit 2", log));
  ASSERT_TRUE(c);
  auto port = c->wait_for_port(std::chrono::seconds(10));
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().find("status 2"), std::string::npos) << port.error();
  EXPECT_NE(port.error().find("bad key"), std::string::npos);
  std::filesystem::remove(log);
}

TEST(ChildServer, TheChildGetsOnlyTheGivenSettings) {
  const std::string log = temp_log("bench-child-env");
  ::setenv("FRONTDESK_DB", "sqlite:/should/not/leak", 1);
  auto c = child_server::spawn(shell(
      "echo \"db=${FRONTDESK_DB:-unset} mine=$BENCH_CHILD\"; echo 'serving on http://x:1/'", log));
  ::unsetenv("FRONTDESK_DB");
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->wait_for_port(std::chrono::seconds(10)));
  const auto [status, took] = c->stop(std::chrono::seconds(10));
  EXPECT_EQ(status, 0);
  EXPECT_NE(c->log_tail(200).find("db=unset mine=1"), std::string::npos) << c->log_tail(200);
  std::filesystem::remove(log);
}

TEST(ChildServer, AMissingExecutableIsAnExitNotAHang) {
  child_options o;
  o.executable = "/nonexistent/frontdesk";
  o.log_path = temp_log("bench-child-missing");
  auto c = child_server::spawn(o);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->wait_for_port(std::chrono::seconds(10)));
  std::filesystem::remove(o.log_path);
}

}  // namespace
}  // namespace frontdesk::bench
