// The event_data column of trace rows: migration of existing databases and round trips through
// both backends, replayed from each.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <pqxx/pqxx>
#include <string>

#include "app/tools.hpp"
#include "persistence/migrations.hpp"
#include "tests/persistence/store_fixture.hpp"
#include "tests/tools/tool_fixture.hpp"

namespace frontdesk::app {
namespace {
using persistence::trace_row;
using testing::recorded_history;
using testing::run_tool;

constexpr const char* schema_migrations_ddl =
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL);";
constexpr const char* old_trace_row =
    "INSERT INTO traces (conversation_id, seq, at, from_state, to_state, event, cause, actor, "
    "detail) VALUES (5, 1, 1778062532000, 'new', 'received', 'customer_message', "
    "'webhook:message_created:1', 'customer', '')";

/// The trace row the version-1 schema held, as read after the upgrade.
trace_row expected_old_row() {
  trace_row r;
  r.conversation_id = 5;
  r.seq = 1;
  r.at = persistence::timestamp{std::chrono::milliseconds(1'778'062'532'000)};
  r.from_state = "new";
  r.to_state = "received";
  r.event = "customer_message";
  r.cause = "webhook:message_created:1";
  r.actor = "customer";
  return r;
}

/// After the upgrade: old rows intact with empty event_data, new rows keep theirs, and a
/// history written now replays.
void check_upgraded(persistence::store& s, const std::string& uri, const std::string& backend) {
  auto v = s.schema_version();
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, persistence::migrations_for(backend).back().version);
  auto old = s.trace(5);
  ASSERT_TRUE(old) << old.error().message;
  ASSERT_EQ(old->size(), 1u);
  EXPECT_EQ(old->front(), expected_old_row());
  EXPECT_EQ(old->front().event_data, "");

  const auto rows = recorded_history(6);
  persistence::change_set cs;
  cs.traces = rows;
  ASSERT_TRUE(s.apply({cs}));
  auto back = s.trace(6);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, rows);
  EXPECT_FALSE(back->front().event_data.empty());

  const auto ok = run_tool(run_replay, {"6", "--db", uri});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  // An old row without a recorded event cannot be replayed, and says so.
  const auto old_replay = run_tool(run_replay, {"5", "--db", uri});
  EXPECT_EQ(old_replay.code, 2);
  EXPECT_NE(old_replay.err.find("carries no recorded event"), std::string::npos) << old_replay.err;
}

TEST(trace_storage, sqlite_upgrade_keeps_old_rows_and_adds_event_data) {
  testing::temp_dir dir;
  const std::string path = (dir.path() / "v1.db").string();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const auto v1 = persistence::migrations_for("sqlite").front();
    ASSERT_EQ(v1.version, 1);
    const std::string sql = std::string(schema_migrations_ddl) + std::string(v1.sql) +
                            ";INSERT INTO schema_migrations VALUES (1, 'initial', 0);" +
                            old_trace_row;
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
  const std::string uri = "sqlite:" + path;
  auto s = persistence::open_store(uri);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s.value()->migrate());
  check_upgraded(*s.value(), uri, "sqlite");
  // Migrating again changes nothing.
  ASSERT_TRUE(s.value()->migrate());
  EXPECT_EQ(s.value()->trace(6)->size(), recorded_history(6).size());
}

TEST(trace_storage, postgresql_upgrade_keeps_old_rows_and_adds_event_data) {
  FD_REQUIRE_POSTGRESQL();
  persistence::testing::pg_schema schema(*persistence::testing::postgresql_uri());
  {
    pqxx::connection c(schema.uri());
    pqxx::work tx(c);
    const auto v1 = persistence::migrations_for("postgresql").front();
    ASSERT_EQ(v1.version, 1);
    tx.exec(schema_migrations_ddl);
    tx.exec(std::string(v1.sql));
    tx.exec("INSERT INTO schema_migrations VALUES (1, 'initial', 0)");
    tx.exec(old_trace_row);
    tx.commit();
  }
  auto s = persistence::open_store(schema.uri());
  ASSERT_TRUE(s);
  auto m = s.value()->migrate();
  ASSERT_TRUE(m) << m.error().message;
  check_upgraded(*s.value(), schema.uri(), "postgresql");
}

TEST(trace_storage, postgresql_replay_reports_a_tampered_row) {
  FD_REQUIRE_POSTGRESQL();
  persistence::testing::pg_schema schema(*persistence::testing::postgresql_uri());
  auto s = persistence::open_store(schema.uri());
  ASSERT_TRUE(s);
  ASSERT_TRUE(s.value()->migrate());
  auto rows = recorded_history(7);
  rows[4].to_state = "closed";
  persistence::change_set cs;
  cs.traces = rows;
  ASSERT_TRUE(s.value()->apply({cs}));
  const auto r = run_tool(run_replay, {"7", "--db", schema.uri()});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("replay differs at seq " + std::to_string(rows[4].seq) + ":"),
            std::string::npos)
      << r.out;
  const auto t = run_tool(run_trace, {"7", "--db", schema.uri(), "--format", "json"});
  EXPECT_EQ(t.code, 0) << t.err;
}

}  // namespace
}  // namespace frontdesk::app
