// SQLite's write-ahead log is copied back into the database file while the store runs, and is
// then reused from its start: it does not grow with everything ever written.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "persistence/commit_queue.hpp"
#include "persistence/store.hpp"
#include "store_fixture.hpp"

namespace frontdesk::persistence {
namespace {

using testing::sample_event;

/// About 6 MiB of inbound events (well past the 1,000-page checkpoint threshold).
void write_round(store& s, int round) {
  const std::string body(3000, 'x');
  for (int batch = 0; batch < 20; ++batch) {
    std::vector<change_set> sets;
    for (int i = 0; i < 100; ++i) {
      change_set set;
      const std::string key = std::to_string(round) + ":" + std::to_string(batch * 100 + i);
      set.inbound = sample_event(batch * 100 + i, key);
      set.inbound->body = body;
      sets.push_back(std::move(set));
    }
    ASSERT_TRUE(s.apply(sets));
  }
}

template <class Pred>
bool eventually(Pred pred) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

std::uintmax_t size_of(const std::filesystem::path& p) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

TEST(sqlite_checkpoint, the_log_is_copied_into_the_database_while_the_store_runs) {
  testing::temp_dir dir;
  const auto db = dir.path() / "ck.db";
  const auto wal = dir.path() / "ck.db-wal";
  auto opened = open_store("sqlite:" + db.string());
  ASSERT_TRUE(opened) << opened.error().message;
  auto& s = **opened;
  ASSERT_TRUE(s.migrate());

  // A round is about 9 MiB of log when nothing restarts it.
  write_round(s, 1);
  ASSERT_GT(size_of(wal), 1u << 20);
  // The database file holds the rows before the store closes (it is a few pages until then
  // when nothing checkpoints).
  ASSERT_TRUE(eventually([&] { return size_of(db) > 5u << 20; })) << size_of(db);

  // Once the checkpointer has copied everything (it also runs every 5 s without commits),
  // the next write starts the log again from its beginning: it stays at most one round long.
  std::this_thread::sleep_for(std::chrono::seconds(6));
  write_round(s, 2);
  EXPECT_LT(size_of(wal), 12u << 20) << "the log grows with everything written";
  ASSERT_TRUE(eventually([&] { return size_of(db) > 10u << 20; })) << size_of(db);
  // What was copied is still there: an event of the first round is a duplicate.
  change_set again;
  again.inbound = sample_event(0, "1:0");
  EXPECT_EQ(s.apply({again}).value().at(0).outcome, apply_outcome::duplicate);
}

/// The longest the log gets while producers keep the group-commit writer busy for `span`.
std::uintmax_t longest_log_under_load(std::int64_t restart_pages, std::chrono::seconds span) {
  testing::temp_dir dir;
  const auto db = dir.path() / "busy.db";
  store_options options;
  options.sqlite_wal_restart_pages = restart_pages;
  auto opened = open_store("sqlite:" + db.string(), options);
  EXPECT_TRUE(opened) << opened.error().message;
  if (!opened) return 0;
  std::shared_ptr<store> s = std::move(*opened);
  EXPECT_TRUE(s->migrate());
  commit_queue queue(s);
  std::atomic<bool> stop{false};
  std::vector<std::thread> producers;
  for (int p = 0; p < 8; ++p) {
    producers.emplace_back([&, p] {
      const std::string body(3000, 'x');
      for (int i = 0; !stop; ++i) {
        change_set set;
        set.inbound = sample_event(i, std::to_string(p) + ":" + std::to_string(i));
        set.inbound->body = body;
        EXPECT_TRUE(queue.submit_and_wait(std::move(set)));
      }
    });
  }
  std::uintmax_t longest = 0;
  const auto end = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < end) {
    longest = std::max(longest, size_of(dir.path() / "busy.db-wal"));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop = true;
  for (auto& t : producers) t.join();
  return longest;
}

TEST(sqlite_checkpoint, a_writer_that_never_pauses_still_keeps_the_log_short) {
  // 1,000 pages (4 MiB): the writer restarts the log itself once it is past that.
  const std::uintmax_t longest = longest_log_under_load(1000, std::chrono::seconds(3));
  EXPECT_LT(longest, std::uintmax_t{12} << 20) << "the log grew with the load";
}

}  // namespace
}  // namespace frontdesk::persistence
