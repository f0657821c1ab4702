// Queries that run on a schedule over tables that grow with every conversation use their
// indexes on SQLite (a partial index is used only when the query's WHERE visibly implies it).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "persistence/sql_text.hpp"
#include "persistence/store.hpp"
#include "store_fixture.hpp"

namespace frontdesk::persistence {
namespace {

/// SQLite's plan for `sql`, one line per step.
std::string plan_of(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  std::string plan;
  if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr) ==
      SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
      plan += '\n';
    }
  } else {
    plan = std::string("cannot prepare: ") + sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return plan;
}

TEST(sqlite_query_plan, unfired_timers_are_read_through_their_index_in_due_order) {
  testing::temp_dir dir;
  const auto path = (dir.path() / "plan.db").string();
  {
    auto opened = open_store("sqlite:" + path);
    ASSERT_TRUE(opened) << opened.error().message;
    ASSERT_TRUE(opened.value()->migrate());
  }
  const std::string plan = plan_of(path, sql::select_unfired_timers);
  EXPECT_NE(plan.find("USING INDEX timers_unfired"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN timers"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;  // the index gives the order
}

TEST(sqlite_query_plan, pending_outbox_entries_are_read_in_order_from_their_index) {
  testing::temp_dir dir;
  const auto path = (dir.path() / "plan.db").string();
  {
    auto opened = open_store("sqlite:" + path);
    ASSERT_TRUE(opened) << opened.error().message;
    ASSERT_TRUE(opened.value()->migrate());
  }
  const std::string plan = plan_of(path, sql::select_pending_outbox);
  EXPECT_NE(plan.find("USING INDEX outbox_pending"), std::string::npos) << plan;
  // No sort of every pending entry to keep the first few: the index gives the whole order.
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

}  // namespace
}  // namespace frontdesk::persistence
