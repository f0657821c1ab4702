// PostgreSQL under bad conditions: an unreachable server, and a server killed mid-test
// (pg_ctl stop -m immediate) then started again. The restart uses a private cluster so tests
// running in parallel against the shared one are not disturbed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <sstream>
#include <thread>

#include "persistence/commit_queue.hpp"
#include "store_fixture.hpp"

namespace frontdesk::persistence {
namespace {

using testing::sample_conversation;
using testing::sample_event;

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 512> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

/// A PostgreSQL cluster of this test's own, made by scripts/pg-throwaway.
class private_cluster {
 public:
  private_cluster() {
    const std::string script = std::string(FRONTDESK_SOURCE_DIR) + "/scripts/pg-throwaway";
    const auto line = run("bash -c 'source \"" + script +
                          "\" && pg_throwaway_start >/dev/null && echo \"$PG_THROWAWAY_DIR "
                          "$PG_THROWAWAY_PORT $FRONTDESK_TEST_PG $pg_bin\"' 2>/dev/null");
    std::istringstream in(line);
    in >> dir_ >> port_ >> uri_ >> bin_;
  }
  ~private_cluster() {
    if (dir_.empty()) return;
    stop();
    run("rm -rf '" + dir_ + "'");
  }
  bool started() const { return !uri_.empty() && !bin_.empty(); }
  const std::string& uri() const { return uri_; }

  void stop() { run(as_postgres() + bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate stop"); }
  void start() {
    run(as_postgres() + bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
        "/log -w -t 30 -o \"-c listen_addresses=127.0.0.1 -p " + port_ + " -k " + dir_ +
        "\" start");
  }

 private:
  static std::string as_postgres() { return ::geteuid() == 0 ? "runuser -u postgres -- " : ""; }
  std::string dir_, port_, uri_, bin_;
};

TEST(postgresql_conditions, an_unreachable_server_answers_unavailable) {
  FD_REQUIRE_POSTGRESQL();
  store_options options;
  options.connect_timeout_seconds = 2;
  auto opened = open_store("postgresql://frontdesk@127.0.0.1:1/frontdesk", options);
  ASSERT_TRUE(opened) << opened.error().message;
  auto m = opened.value()->migrate();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, store_error_code::unavailable) << m.error().message;
  auto p = opened.value()->ping();
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, store_error_code::unavailable);
  auto r = opened.value()->get_conversation(1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_error_code::unavailable);
}

TEST(postgresql_conditions, a_query_before_migrate_is_a_clear_error) {
  FD_REQUIRE_POSTGRESQL();
  testing::pg_schema schema(*testing::postgresql_uri());
  auto opened = open_store(schema.uri());
  ASSERT_TRUE(opened);
  auto r = opened.value()->get_conversation(1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_error_code::invalid);
  EXPECT_NE(r.error().message.find("does not exist"), std::string::npos) << r.error().message;
  ASSERT_TRUE(opened.value()->migrate());
  EXPECT_TRUE(opened.value()->get_conversation(1));
}

TEST(postgresql_conditions, a_killed_server_is_unavailable_then_recovers_by_itself) {
  FD_REQUIRE_POSTGRESQL();
  private_cluster cluster;
  ASSERT_TRUE(cluster.started()) << "could not start a private PostgreSQL cluster";
  store_options options;
  options.connect_timeout_seconds = 2;
  auto opened = open_store(cluster.uri(), options);
  ASSERT_TRUE(opened);
  std::shared_ptr<store> s = std::move(opened.value());
  ASSERT_TRUE(s->migrate());
  commit_queue_options qo;
  qo.retry_interval = std::chrono::milliseconds(50);
  commit_queue queue(s, qo);

  change_set before;
  before.inbound = sample_event(1, "k:before");
  before.conversation = sample_conversation(1);
  auto committed = queue.submit_and_wait(before);
  ASSERT_TRUE(committed) << committed.error().message;
  ASSERT_TRUE(s->get_conversation(1));  // warm a pooled reader connection too

  cluster.stop();

  change_set during;
  during.inbound = sample_event(2, "k:during");
  during.conversation = sample_conversation(2);
  auto failed = queue.submit_and_wait(during);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, store_error_code::unavailable) << failed.error().message;
  EXPECT_FALSE(queue.healthy());
  auto direct = s->apply({during});
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, store_error_code::unavailable);
  auto read = s->get_conversation(1);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, store_error_code::unavailable);

  cluster.start();
  for (int i = 0; i < 600 && !queue.healthy(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(queue.healthy()) << "the queue did not recover after the server restarted";
  auto after = queue.submit_and_wait(during);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after.value().outcome, apply_outcome::inserted);
  // What was committed before the crash is still there, and its event is still deduplicated.
  auto kept = s->get_conversation(1);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_TRUE(kept.value().has_value());
  auto again = queue.submit_and_wait(before);
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value().outcome, apply_outcome::duplicate);
}

}  // namespace
}  // namespace frontdesk::persistence
