// SQLite under bad conditions: a held write lock, garbage files, damaged pages, a full database,
// and durability across reopening.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "persistence/commit_queue.hpp"
#include "persistence/sqlite_store.hpp"
#include "store_fixture.hpp"

namespace frontdesk::persistence {
namespace {

using testing::sample_conversation;
using testing::sample_event;
using testing::sample_trace;

/// A second, independent connection to the same file, closed on scope exit.
struct raw_connection {
  explicit raw_connection(const std::string& path) { sqlite3_open(path.c_str(), &db); }
  ~raw_connection() { sqlite3_close(db); }
  int exec(const char* text) { return sqlite3_exec(db, text, nullptr, nullptr, nullptr); }
  sqlite3* db = nullptr;
};

std::unique_ptr<store> open_migrated(const std::string& uri, const store_options& options = {}) {
  auto opened = open_store(uri, options);
  EXPECT_TRUE(opened) << opened.error().message;
  if (!opened) return nullptr;
  auto m = opened.value()->migrate();
  EXPECT_TRUE(m) << m.error().message;
  return std::move(opened.value());
}

TEST(sqlite_conditions, a_held_write_lock_answers_unavailable_then_recovers) {
  testing::temp_dir dir;
  const auto path = (dir.path() / "locked.db").string();
  store_options options;
  options.busy_timeout = std::chrono::milliseconds(100);
  auto s = open_migrated("sqlite:" + path, options);
  ASSERT_TRUE(s);

  raw_connection other(path);
  ASSERT_EQ(other.exec("BEGIN IMMEDIATE"), SQLITE_OK);

  change_set set;
  set.inbound = sample_event(1, "k:1");
  set.conversation = sample_conversation(1);
  auto r = s->apply({set});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_error_code::unavailable);
  EXPECT_NE(r.error().message.find("lock"), std::string::npos) << r.error().message;
  // Readers are not blocked by a writer in WAL mode.
  EXPECT_TRUE(s->get_conversation(1));

  ASSERT_EQ(other.exec("COMMIT"), SQLITE_OK);
  auto again = s->apply({set});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again.value()[0].outcome, apply_outcome::inserted);
}

TEST(sqlite_conditions, commit_queue_reports_unhealthy_while_locked_and_accepts_again) {
  testing::temp_dir dir;
  const auto path = (dir.path() / "locked.db").string();
  store_options options;
  options.busy_timeout = std::chrono::milliseconds(50);
  auto s = std::shared_ptr<store>(open_migrated("sqlite:" + path, options));
  ASSERT_TRUE(s);
  commit_queue_options qo;
  qo.retry_interval = std::chrono::milliseconds(20);
  commit_queue queue(s, qo);

  raw_connection other(path);
  // The held write lock also fails the queue's ping (which checks that a write could start).
  ASSERT_EQ(other.exec("BEGIN IMMEDIATE"), SQLITE_OK);
  ASSERT_EQ(other.exec("INSERT INTO timers VALUES (1, 'x', 1, 1, 0)"), SQLITE_OK);
  change_set set;
  set.conversation = sample_conversation(1);
  auto r = queue.submit_and_wait(set);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_error_code::unavailable);
  EXPECT_FALSE(queue.healthy());
  auto refused = queue.submit_and_wait(set);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, store_error_code::unavailable);

  ASSERT_EQ(other.exec("COMMIT"), SQLITE_OK);
  for (int i = 0; i < 500 && !queue.healthy(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(queue.healthy());
  auto ok = queue.submit_and_wait(set);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(s->get_conversation(1).value().has_value());
  EXPECT_EQ(s->timers(1).value().size(), 1u);
}

TEST(sqlite_conditions, a_file_of_garbage_is_reported_as_corrupt) {
  testing::temp_dir dir;
  const auto path = (dir.path() / "garbage.db").string();
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>((i * 7919) % 251));
  }
  auto opened = open_store("sqlite:" + path);
  store_error error;
  if (opened) {
    auto m = opened.value()->migrate();
    ASSERT_FALSE(m);
    error = m.error();
  } else {
    error = opened.error();
  }
  EXPECT_EQ(error.code, store_error_code::corrupt) << error.message;
  EXPECT_NE(error.message.find("not a database"), std::string::npos) << error.message;
}

TEST(sqlite_conditions, damaged_pages_are_reported_as_corrupt) {
  testing::temp_dir dir;
  const auto path = (dir.path() / "damaged.db").string();
  {
    auto s = open_migrated("sqlite:" + path);
    ASSERT_TRUE(s);
    for (int batch = 0; batch < 5; ++batch) {
      std::vector<change_set> sets(100);
      for (int i = 0; i < 100; ++i) {
        sets[i].conversation = sample_conversation(batch * 100 + i);
        sets[i].conversation->snapshot = std::string(300, 'a' + batch);
      }
      ASSERT_TRUE(s->apply(sets));
    }
  }
  // Fold the WAL into the file, then overwrite everything after the first page.
  {
    raw_connection raw(path);
    ASSERT_EQ(raw.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE"), SQLITE_OK);
  }
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    const auto size = static_cast<std::int64_t>(f.tellg());
    ASSERT_GT(size, 8192);
    f.seekp(4096);
    for (std::int64_t i = 4096; i < size; ++i) f.put(static_cast<char>(0xA5 ^ (i & 0xff)));
  }
  auto opened = open_store("sqlite:" + path);
  store_error error;
  if (!opened) {
    error = opened.error();
  } else {
    auto s = std::move(opened.value());
    auto read = s->open_conversations();
    ASSERT_FALSE(read);
    error = read.error();
  }
  EXPECT_EQ(error.code, store_error_code::corrupt) << error.message;
}

TEST(sqlite_conditions, a_full_database_answers_unavailable_and_keeps_what_was_committed) {
  testing::temp_dir dir;
  const auto path = (dir.path() / "full.db").string();
  {
    auto s = open_migrated("sqlite:" + path);
    ASSERT_TRUE(s);
  }
  store_options options;
  options.sqlite_max_pages = 60;  // a quota just above the empty schema
  auto s = open_migrated("sqlite:" + path, options);
  ASSERT_TRUE(s);
  std::optional<store_error> failure;
  int committed = 0;
  for (int i = 0; i < 1000 && !failure; ++i) {
    change_set set;
    set.inbound = sample_event(i, "k:" + std::to_string(i));
    set.inbound->body = std::string(2000, 'b');
    set.conversation = sample_conversation(i);
    auto r = s->apply({set});
    if (r) {
      ++committed;
    } else {
      failure = r.error();
    }
  }
  ASSERT_TRUE(failure.has_value()) << "the quota was never reached";
  EXPECT_EQ(failure->code, store_error_code::unavailable);
  EXPECT_NE(failure->message.find("full"), std::string::npos) << failure->message;
  EXPECT_GT(committed, 0);
  auto open = s->open_conversations();
  ASSERT_TRUE(open) << open.error().message;
  EXPECT_EQ(open.value().size(), static_cast<std::size_t>(committed));
  EXPECT_TRUE(s->ping());
}

TEST(sqlite_conditions, everything_survives_reopening) {
  testing::temp_dir dir;
  const auto uri = "sqlite:" + (dir.path() / "durable.db").string();
  change_set set;
  set.inbound = sample_event(3, "k:3");
  set.conversation = sample_conversation(3);
  set.conversation->state = "awaiting_approval";
  set.traces = {sample_trace(3, "received")};
  set.timer_upserts = {timer_row{3, "approval_30m", testing::at_ms(99), 4, false}};
  {
    auto s = open_migrated(uri);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->apply({set}));
  }
  auto s = open_migrated(uri);
  ASSERT_TRUE(s);
  auto open = s->open_conversations().value();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0], *set.conversation);
  EXPECT_EQ(s->unfired_timers(testing::at_ms(99)).value(), set.timer_upserts);
  EXPECT_EQ(s->apply({set}).value()[0].outcome, apply_outcome::duplicate);
}

TEST(sqlite_conditions, an_in_memory_store_works_for_tools_and_tests) {
  auto s = open_migrated("sqlite::memory:");
  ASSERT_TRUE(s);
  change_set set;
  set.conversation = sample_conversation(1);
  ASSERT_TRUE(s->apply({set}));
  EXPECT_TRUE(s->get_conversation(1).value().has_value());
  EXPECT_TRUE(s->ping());
}

TEST(sqlite_conditions, unusable_paths_and_uris_are_clear_errors) {
  auto missing_dir = open_store("sqlite:/nonexistent-dir-fd/x/y.db");
  store_error error;
  if (missing_dir) {
    auto m = missing_dir.value()->migrate();
    ASSERT_FALSE(m);
    error = m.error();
  } else {
    error = missing_dir.error();
  }
  EXPECT_EQ(error.code, store_error_code::unavailable) << error.message;
  EXPECT_NE(error.message.find("/nonexistent-dir-fd/x/y.db"), std::string::npos) << error.message;

  for (const char* uri : {"", "sqlite:", "mysql://x", "SQLITE:foo", "postgresql:/"}) {
    auto r = open_store(uri);
    ASSERT_FALSE(r) << uri;
    EXPECT_EQ(r.error().code, store_error_code::invalid) << uri;
  }
}

}  // namespace
}  // namespace frontdesk::persistence
