#include "bench/harness/conversation_ledger.hpp"

#include <gtest/gtest.h>

namespace frontdesk::bench {
namespace {

constexpr std::int64_t s = 1'000'000'000;

TEST(ConversationLedger, ParallelSimulatedCallsCountOnceInTheOverhead) {
  conversation_ledger ledger(100, 4);
  const std::int64_t sent = mono_ns();
  ledger.message_sent(ledger.at(1), sent);
  ledger.sim_time(101, 10 * s);  // two calls held 10 s each, side by side
  ledger.sim_time(101, 10 * s);
  ledger.note_received(101, sent + 30 * s);
  const auto latency = ledger.note_latency.snapshot();
  const auto overhead = ledger.note_overhead.snapshot();
  ASSERT_EQ(latency.count(), 1u);
  EXPECT_NEAR(static_cast<double>(latency.max()), 30.0 * s, 0.02 * 30 * s);
  // 30 s minus the 10 s the calls overlapped in, not minus their 20 s sum.
  EXPECT_NEAR(static_cast<double>(overhead.max()), 20.0 * s, 0.02 * 20 * s);
  EXPECT_EQ(ledger.at(1).private_notes.load(), 1u);
  EXPECT_EQ(ledger.at(1).sim_ns.load(), 20 * s);
}

TEST(ConversationLedger, WaitingBeforeTheMessageAndAfterTheNoteIsNotCharged) {
  conversation_ledger ledger(100, 4);
  ledger.sim_time(102, 1);  // an old call, long over
  const std::int64_t sent = mono_ns();
  ledger.message_sent(ledger.at(2), sent);
  ledger.sim_time(102, 100 * s);  // still running when the note arrives at +10 s
  ledger.note_received(102, sent + 10 * s);
  // All 10 s were spent waiting on the simulator: no overhead left.
  EXPECT_LT(ledger.note_overhead.snapshot().max(), static_cast<std::uint64_t>(s / 10));
}

TEST(ConversationLedger, OneNoteTimingPerMessageAndRepliesMatchApprovals) {
  conversation_ledger ledger(100, 4);
  const std::int64_t t = mono_ns();
  ledger.message_sent(ledger.at(0), t);
  ledger.note_received(100, t + s);
  ledger.note_received(100, t + 2 * s);  // a second note for the same message is not timed
  EXPECT_EQ(ledger.note_latency.snapshot().count(), 1u);
  EXPECT_EQ(ledger.at(0).private_notes.load(), 2u);

  ledger.at(0).approve_sent_ns.store(t);
  ledger.reply_received(100, t + s);
  ledger.reply_received(100, t + 2 * s);  // no approval waiting: counted, not timed
  EXPECT_EQ(ledger.reply_latency.snapshot().count(), 1u);
  EXPECT_EQ(ledger.at(0).public_replies.load(), 2u);
}

TEST(ConversationLedger, IdsOutsideTheRunAreCountedNotStored) {
  conversation_ledger ledger(100, 4);
  EXPECT_EQ(ledger.find(99), nullptr);
  EXPECT_EQ(ledger.find(104), nullptr);
  EXPECT_EQ(ledger.find(-1), nullptr);
  EXPECT_NE(ledger.find(103), nullptr);
  ledger.note_received(5000, mono_ns());
  ledger.reply_received(-7, mono_ns());
  ledger.sim_time(1 << 30, s);
  EXPECT_EQ(ledger.unknown_conversation_calls.load(), 2u);
  EXPECT_EQ(ledger.notes_seen.load(), 1u);
}

}  // namespace
}  // namespace frontdesk::bench
