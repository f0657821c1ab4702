// The audit itself can fail: a real store left by a real server passes it, and each kind of
// damage a crash could do (a lost message, a second reply, a lost outbox entry, a gap in the
// trace, ...) written into a copy of that store is reported.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "tests/crash/harness.hpp"
#include "tests/crash/store_audit.hpp"
#include "tests/crash/workload.hpp"

namespace frontdesk::crash_testing {
namespace {

using namespace std::chrono_literals;

class store_audit_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    original_ = std::make_unique<scratch_dir>("audit-original");
    io::http_client client;
    server_process server(setup_in(original_->path()));
    std::string why;
    ASSERT_TRUE(start_ready(server, client, why)) << why;
    frontdesk_api api = api_for(client, server);
    book_ = std::make_unique<ledger>();
    std::int64_t next_message = 1;
    workload w(api, *book_, conversations_, 7, next_message);
    w.send_message(7);
    std::string busy;
    ASSERT_TRUE(wait_settled(api, conversations_, *book_, 30s, busy)) << busy;
    w.approve_some();
    w.send_message(8);
    ASSERT_TRUE(wait_settled(api, conversations_, *book_, 30s, busy)) << busy;
    ASSERT_EQ(book_->acknowledged.size(), 2u) << server.log_tail();
    ASSERT_EQ(book_->approvals.size(), 1u) << server.log_tail();
    std::this_thread::sleep_for(1500ms);  // the outbox delivers the reply and the notes
    bool forced = false;
    const exit_status st = server.terminate(20s, forced);
    ASSERT_FALSE(forced);
    ASSERT_EQ(st.code, 0) << st.describe();
  }
  static void TearDownTestSuite() {
    original_.reset();
    book_.reset();
  }

  /// The audit of a copy of the original store after `sql` ran on it.
  std::vector<std::string> audit_after(const std::string& sql) {
    scratch_dir copy("audit-copy");
    for (const auto& e : std::filesystem::directory_iterator(original_->path())) {
      if (e.path().filename().string().rfind("db.sqlite", 0) == 0) {
        std::filesystem::copy_file(e.path(), copy.path() / e.path().filename());
      }
    }
    const auto db = copy.path() / "db.sqlite";
    if (!sql.empty()) {
      sqlite3* h = nullptr;
      EXPECT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
      char* err = nullptr;
      EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
          << (err ? err : "");
      sqlite3_free(err);
      sqlite3_close(h);
    }
    ledger book = *book_;
    return audit_store(db, book, conversations_, true).violations;
  }

  static bool mentions(const std::vector<std::string>& violations, const std::string& what) {
    for (const std::string& v : violations) {
      if (v.find(what) != std::string::npos) return true;
    }
    return false;
  }

  static inline std::unique_ptr<scratch_dir> original_;
  static inline std::unique_ptr<ledger> book_;
  static inline const std::vector<std::int64_t> conversations_{7, 8};
};

TEST_F(store_audit_test, the_store_of_a_real_server_passes) {
  const auto v = audit_after("");
  EXPECT_TRUE(v.empty()) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, a_lost_acknowledged_message_is_reported) {
  const auto v =
      audit_after("DELETE FROM messages WHERE kind = 'customer' AND conversation_id = 8");
  EXPECT_TRUE(mentions(v, "acknowledged message")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, a_lost_conversation_is_reported) {
  const auto v = audit_after("DELETE FROM conversations WHERE id = 8");
  EXPECT_TRUE(mentions(v, "is missing")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, a_forgotten_delivery_is_reported) {
  const auto v = audit_after("DELETE FROM inbound_events");
  EXPECT_TRUE(mentions(v, "not in inbound_events")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, a_second_reply_is_reported) {
  const auto v = audit_after(
      "INSERT INTO messages (conversation_id, message_id, kind, content, sender, created_at) "
      "SELECT conversation_id, NULL, kind, content, sender, created_at FROM messages "
      "WHERE kind = 'reply'");
  EXPECT_TRUE(mentions(v, "reply messages")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, a_lost_outbox_reply_is_reported) {
  const auto v = audit_after("DELETE FROM outbox WHERE kind = 'public_reply'");
  EXPECT_TRUE(mentions(v, "outbox replies")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, an_outbox_entry_left_pending_is_reported) {
  const auto v = audit_after("UPDATE outbox SET status = 'pending' WHERE kind = 'public_reply'");
  EXPECT_TRUE(mentions(v, "pending")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, an_approval_undone_is_reported) {
  const auto v = audit_after(
      "UPDATE queue_items SET status = 'pending' WHERE conversation_id = 7;"
      "UPDATE conversations SET state = 'awaiting_approval' WHERE id = 7");
  EXPECT_TRUE(mentions(v, "acknowledged approval")) << ::testing::PrintToString(v);
  EXPECT_TRUE(mentions(v, "back in awaiting_approval")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, a_draft_version_going_back_is_reported) {
  const auto v = audit_after("UPDATE conversations SET draft_version = 0 WHERE id = 7");
  EXPECT_TRUE(mentions(v, "draft_version 0 is below")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, a_gap_in_the_trace_is_reported) {
  const auto v = audit_after("DELETE FROM traces WHERE conversation_id = 7 AND seq = 2");
  EXPECT_TRUE(mentions(v, "trace row 2 has seq 3")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, a_trace_behind_the_snapshot_is_reported) {
  const auto v = audit_after(
      "DELETE FROM traces WHERE conversation_id = 7 AND seq = "
      "(SELECT MAX(seq) FROM traces WHERE conversation_id = 7)");
  EXPECT_TRUE(mentions(v, "the snapshot counts")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, a_lost_timer_is_reported) {
  const auto v = audit_after("DELETE FROM timers WHERE conversation_id = 8");
  EXPECT_TRUE(mentions(v, "is not stored")) << ::testing::PrintToString(v);
}

TEST_F(store_audit_test, a_conversation_stuck_mid_draft_is_reported) {
  const auto v = audit_after("UPDATE conversations SET state = 'drafting' WHERE id = 8");
  EXPECT_TRUE(mentions(v, "still drafting after settling")) << ::testing::PrintToString(v);
  EXPECT_TRUE(mentions(v, "snapshot says")) << ::testing::PrintToString(v);
}

}  // namespace
}  // namespace frontdesk::crash_testing
