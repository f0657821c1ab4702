// SQLite's write-ahead log is copied back into the database file while the store runs, and is
// then reused from its start: it does not grow with everything ever written.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

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

  write_round(s, 1);
  const std::uintmax_t round_bytes = size_of(wal);
  ASSERT_GT(round_bytes, 5u << 20);
  // The database file holds the rows before the store closes (it is a few pages until then
  // when nothing checkpoints).
  ASSERT_TRUE(eventually([&] { return size_of(db) > 5u << 20; })) << size_of(db);

  // Once the checkpointer has copied everything (it also runs every 5 s without commits),
  // the next write starts the log again from its beginning: it stays one round long.
  std::this_thread::sleep_for(std::chrono::seconds(6));
  write_round(s, 2);
  EXPECT_LT(size_of(wal), round_bytes + round_bytes / 4) << "the log grows with everything written";
  ASSERT_TRUE(eventually([&] { return size_of(db) > 10u << 20; })) << size_of(db);
  // What was copied is still there: an event of the first round is a duplicate.
  change_set again;
  again.inbound = sample_event(0, "1:0");
  EXPECT_EQ(s.apply({again}).value().at(0).outcome, apply_outcome::duplicate);
}

}  // namespace
}  // namespace frontdesk::persistence
