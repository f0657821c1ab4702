// Batches as the commit queue builds them: many sets in one store::apply, written table by table
// (PostgreSQL: one multi-row statement per table when no key repeats) and conversations updated in
// place (SQLite). Every set must come back exactly as written, whichever path the batch took.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "persistence/commit_queue.hpp"
#include "store_fixture.hpp"

namespace frontdesk::persistence {
namespace {

using testing::at_ms;
using testing::sample_conversation;
using testing::sample_event;
using testing::sample_trace;

using testing::backend;
using testing::backend_name;

/// Text that breaks naive quoting in SQL, in array literals ({"a","b"}) and in CSV-like formats.
std::vector<std::string> hostile_texts() {
  return {"",
          "NULL",
          "null",
          "{}",
          "{NULL}",
          "a,b",
          "\"",
          "\\",
          "\\\"",
          "\"\\\"",
          "}",
          "{",
          " leading and trailing ",
          "line\nbreak\r\ttab",
          "it's; DROP TABLE conversations; --",
          "$1 ?1 %s $$",
          "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80",
          "{\"json\":[1,2,{\"k\":\"v\"}]}",
          "ARRAY[1]::text[]"};
}

class batch_write : public testing::backend_store_test {
 protected:
  /// The shape of an accepted webhook: event, conversation upsert, one trace row.
  static change_set append(std::int64_t conversation, const std::string& key) {
    change_set set;
    set.inbound = sample_event(conversation, key);
    set.conversation = sample_conversation(conversation);
    set.traces.push_back(sample_trace(conversation, "received"));
    return set;
  }
};

TEST_P(batch_write, hostile_text_in_every_column_of_a_large_batch_round_trips) {
  const auto texts = hostile_texts();
  std::vector<change_set> sets;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto id = static_cast<std::int64_t>(i + 1);
    const std::string& t = texts[i];
    change_set set = append(id, "key:" + std::to_string(i) + ":" + t);
    if (i % 3 == 0) {
      set.inbound->delivery_id.reset();
    } else {
      set.inbound->delivery_id = "delivery:" + std::to_string(i) + ":" + t;
    }
    set.inbound->event = t;
    set.inbound->body = t;
    auto& c = *set.conversation;
    c.channel = t;
    c.state = t;
    c.priority = t;
    c.snapshot = t;
    c.escalation_reason = i % 2 == 0 ? std::optional<std::string>(t) : std::nullopt;
    c.assignee =
        i % 2 == 0 ? std::optional<std::int64_t>(-static_cast<std::int64_t>(i)) : std::nullopt;
    c.resolution_due = i % 2 == 1 ? std::optional<timestamp>(at_ms(-5)) : std::nullopt;
    c.sla_breached = i % 2 == 0;
    auto& tr = set.traces[0];
    tr.from_state = t;
    tr.to_state = t;
    tr.event = t;
    tr.cause = t;
    tr.actor = t;
    tr.detail = t;
    tr.event_data = t;
    sets.push_back(set);
  }
  // One large value among the hostile ones.
  std::string big(1 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 89) big[i] = i % 2 == 0 ? '"' : '\\';
  sets[1].conversation->snapshot = big;
  sets[2].inbound->body = big;

  const auto results = apply_ok(sets);
  ASSERT_EQ(results.size(), sets.size());
  for (std::size_t i = 0; i < sets.size(); ++i) {
    SCOPED_TRACE("set " + std::to_string(i));
    EXPECT_EQ(results[i].outcome, apply_outcome::inserted);
    EXPECT_EQ(results[i].trace_seqs, std::vector<std::int64_t>{1});
    const auto got = store_->get_conversation(sets[i].conversation->id);
    ASSERT_TRUE(got && got.value());
    EXPECT_EQ(*got.value(), *sets[i].conversation);
    const auto trace = store_->trace(sets[i].conversation->id).value();
    ASSERT_EQ(trace.size(), 1u);
    auto expected = sets[i].traces[0];
    expected.seq = 1;
    EXPECT_EQ(trace[0], expected);
  }
  // Every event was stored under its own keys: the whole batch again is all duplicates.
  for (const auto& r : apply_ok(sets)) EXPECT_EQ(r.outcome, apply_outcome::duplicate);
}

TEST_P(batch_write, text_with_nul_bytes_is_stored_as_a_batch_of_one_would_store_it) {
  const std::string with_nul("before\0after", 12);
  // Alone: the reference for what this backend keeps of such text.
  change_set alone = append(100, std::string("alone\0", 6));
  alone.conversation->snapshot = with_nul;
  alone.traces[0].detail = with_nul;
  ASSERT_EQ(apply_ok({alone}).at(0).outcome, apply_outcome::inserted);
  const auto reference = store_->get_conversation(100).value()->snapshot;
  const auto reference_detail = store_->trace(100).value().at(0).detail;

  std::vector<change_set> sets;
  for (std::int64_t id = 1; id <= 3; ++id) {
    change_set s = append(id, "nul:" + std::to_string(id) + std::string("\0tail", 5));
    s.inbound->body = with_nul;
    s.conversation->snapshot = with_nul;
    s.traces[0].detail = with_nul;
    sets.push_back(s);
  }
  for (const auto& r : apply_ok(sets)) EXPECT_EQ(r.outcome, apply_outcome::inserted);
  for (std::int64_t id = 1; id <= 3; ++id) {
    EXPECT_EQ(store_->get_conversation(id).value()->snapshot, reference);
    EXPECT_EQ(store_->trace(id).value().at(0).detail, reference_detail);
  }
  for (const auto& r : apply_ok(sets)) EXPECT_EQ(r.outcome, apply_outcome::duplicate);
}

TEST_P(batch_write, stored_and_repeated_events_make_exactly_their_sets_duplicates) {
  apply_ok({append(1, "seen:1")});
  std::vector<change_set> sets;
  sets.push_back(append(2, "new:2"));
  sets.push_back(append(1, "seen:1"));  // stored before
  sets.back().conversation->state = "MUST_NOT_APPEAR";
  sets.push_back(append(3, "new:3"));
  sets.push_back(append(4, "new:4"));
  sets.back().inbound->delivery_id = sets[0].inbound->delivery_id;  // same delivery, in batch
  sets.back().conversation->state = "MUST_NOT_APPEAR";
  sets.push_back(append(5, "new:3"));  // same dedupe key as an earlier set of this batch
  sets.back().conversation->state = "MUST_NOT_APPEAR";
  sets.push_back(append(6, "new:6"));
  const auto r = apply_ok(sets);
  ASSERT_EQ(r.size(), 6u);
  const std::vector<apply_outcome> expected = {apply_outcome::inserted,  apply_outcome::duplicate,
                                               apply_outcome::inserted,  apply_outcome::duplicate,
                                               apply_outcome::duplicate, apply_outcome::inserted};
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i].outcome, expected[i]) << "set " << i;
  EXPECT_EQ(store_->get_conversation(1).value()->state, "received");
  EXPECT_FALSE(store_->get_conversation(4).value().has_value());
  EXPECT_FALSE(store_->get_conversation(5).value().has_value());
  EXPECT_EQ(store_->trace(1).value().size(), 1u);
  EXPECT_TRUE(store_->trace(4).value().empty());
  for (std::int64_t id : {2, 3, 6}) {
    EXPECT_TRUE(store_->get_conversation(id).value().has_value()) << id;
    EXPECT_EQ(store_->trace(id).value().size(), 1u) << id;
  }
  // No key repeats inside this batch; one event was stored by the batch before.
  std::vector<change_set> next = {append(10, "new:10"), append(2, "new:2"), append(11, "new:11")};
  next[1].conversation->state = "MUST_NOT_APPEAR";
  const auto n = apply_ok(next);
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[0].outcome, apply_outcome::inserted);
  EXPECT_EQ(n[1].outcome, apply_outcome::duplicate);
  EXPECT_EQ(n[2].outcome, apply_outcome::inserted);
  EXPECT_TRUE(n[1].trace_seqs.empty());
  EXPECT_EQ(n[2].trace_seqs, std::vector<std::int64_t>{1});
  EXPECT_EQ(store_->get_conversation(2).value()->state, "received");
  EXPECT_EQ(store_->trace(2).value().size(), 1u);
  EXPECT_TRUE(store_->get_conversation(11).value().has_value());
}

TEST_P(batch_write, a_batch_of_only_stored_events_applies_nothing) {
  std::vector<change_set> sets = {append(1, "a"), append(2, "b"), append(3, "c")};
  apply_ok(sets);
  for (auto& s : sets) s.conversation->state = "MUST_NOT_APPEAR";
  for (const auto& r : apply_ok(sets)) EXPECT_EQ(r.outcome, apply_outcome::duplicate);
  for (std::int64_t id : {1, 2, 3}) {
    EXPECT_EQ(store_->get_conversation(id).value()->state, "received");
    EXPECT_EQ(store_->trace(id).value().size(), 1u);
  }
}

TEST_P(batch_write, one_conversation_twice_in_a_batch_ends_as_the_later_set_wrote_it) {
  std::vector<change_set> sets = {append(7, "k:1"), append(8, "k:2"), append(7, "k:3")};
  sets[0].conversation->state = "triaged";
  sets[2].conversation->state = "drafting";
  sets[2].conversation->draft_version = 2;
  const auto r = apply_ok(sets);
  ASSERT_EQ(r.size(), 3u);
  // Two traces of conversation 7 in one batch: consecutive seqs, in set order.
  EXPECT_EQ(r[0].trace_seqs, std::vector<std::int64_t>{1});
  EXPECT_EQ(r[1].trace_seqs, std::vector<std::int64_t>{1});
  EXPECT_EQ(r[2].trace_seqs, std::vector<std::int64_t>{2});
  EXPECT_EQ(*store_->get_conversation(7).value(), *sets[2].conversation);
  EXPECT_EQ(store_->trace(7).value().size(), 2u);
}

TEST_P(batch_write, trace_seqs_continue_from_stored_rows_and_honour_explicit_seqs) {
  change_set first;
  first.traces = {sample_trace(1, "a"), sample_trace(1, "b")};
  apply_ok({first});
  std::vector<change_set> sets(4);
  sets[0].traces = {sample_trace(1, "c")};
  sets[1].traces = {sample_trace(2, "a")};
  sets[2].traces = {sample_trace(3, "a")};
  sets[2].traces[0].seq = 40;
  sets[3].traces = {sample_trace(4, "a"), sample_trace(5, "a")};
  const auto r = apply_ok(sets);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].trace_seqs, std::vector<std::int64_t>{3});
  EXPECT_EQ(r[1].trace_seqs, std::vector<std::int64_t>{1});
  EXPECT_EQ(r[2].trace_seqs, std::vector<std::int64_t>{40});
  EXPECT_EQ(r[3].trace_seqs, (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(store_->trace(1).value().back().to_state, "c");
  EXPECT_EQ(store_->trace(3).value().at(0).seq, 40);
}

TEST_P(batch_write, a_conflicting_row_fails_the_whole_batch_and_the_queue_isolates_it) {
  change_set stored;
  stored.traces = {sample_trace(9, "a")};
  stored.traces[0].seq = 1;
  apply_ok({stored});
  std::vector<change_set> sets = {append(1, "k:1"), append(9, "k:9"), append(3, "k:3")};
  sets[1].traces[0].seq = 1;  // (9, 1) exists
  auto r = store_->apply(sets);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_error_code::conflict) << r.error().message;
  EXPECT_FALSE(store_->get_conversation(1).value().has_value());

  auto shared = std::shared_ptr<store>(std::move(store_));
  commit_queue_options options;
  options.max_delay = std::chrono::milliseconds(50);
  options.max_batch = sets.size();
  commit_queue queue(shared, options);
  std::vector<std::promise<result<apply_result>>> promises(sets.size());
  for (std::size_t i = 0; i < sets.size(); ++i) {
    ASSERT_TRUE(queue.submit(sets[i], [&promises, i](result<apply_result> got) {
      promises[i].set_value(std::move(got));
    }));
  }
  auto r0 = promises[0].get_future().get();
  auto r1 = promises[1].get_future().get();
  auto r2 = promises[2].get_future().get();
  ASSERT_TRUE(r0) << r0.error().message;
  EXPECT_EQ(r0.value().trace_seqs, std::vector<std::int64_t>{1});
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().code, store_error_code::conflict);
  ASSERT_TRUE(r2) << r2.error().message;
  EXPECT_TRUE(shared->get_conversation(1).value().has_value());
  EXPECT_FALSE(shared->get_conversation(9).value().has_value());
  EXPECT_TRUE(shared->get_conversation(3).value().has_value());
  // The failed set's event was rolled back with it: submitting it fixed succeeds.
  sets[1].traces[0].seq = 0;
  auto again = queue.submit_and_wait(sets[1]);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again.value().outcome, apply_outcome::inserted);
  EXPECT_EQ(again.value().trace_seqs, std::vector<std::int64_t>{2});
}

TEST_P(batch_write, contact_and_closed_changes_keep_the_indexes_right) {
  constexpr std::int64_t none = 0;  // no conversation is left out of the counts
  std::vector<change_set> sets;
  for (std::int64_t id = 1; id <= 4; ++id) {
    change_set s;
    s.conversation = sample_conversation(id, 42);
    sets.push_back(s);
  }
  apply_ok(sets);
  EXPECT_EQ(store_->customer_history(42, none).value().unresolved_conversations, 4);
  // Same indexed values, other columns change (updated in place).
  sets[0].conversation->state = "drafting";
  // Closed changes.
  sets[1].conversation->closed = true;
  // Contact changes.
  sets[2].conversation->contact_id = 43;
  apply_ok(sets);
  for (const auto& s : sets) {
    EXPECT_EQ(*store_->get_conversation(s.conversation->id).value(), *s.conversation);
  }
  EXPECT_EQ(store_->customer_history(42, none).value().unresolved_conversations, 2);
  EXPECT_EQ(store_->customer_history(43, none).value().unresolved_conversations, 1);
  auto open = store_->open_conversations().value();
  ASSERT_EQ(open.size(), 3u);
  EXPECT_EQ(open[0].id, 1);
  EXPECT_EQ(open[1].id, 3);
  EXPECT_EQ(open[2].id, 4);
  // Reopened and moved back, one set after another in a single batch.
  change_set reopen;
  reopen.conversation = *sets[1].conversation;
  reopen.conversation->closed = false;
  change_set back;
  back.conversation = *sets[2].conversation;
  back.conversation->contact_id = 42;
  change_set close_again = reopen;
  close_again.conversation->closed = true;
  apply_ok({reopen, back, close_again});
  EXPECT_TRUE(store_->get_conversation(2).value()->closed);
  EXPECT_EQ(store_->customer_history(42, none).value().unresolved_conversations, 3);
  EXPECT_EQ(store_->customer_history(43, none).value().unresolved_conversations, 0);
  EXPECT_EQ(store_->open_conversations().value().size(), 3u);
}

TEST_P(batch_write, concurrent_producers_through_the_queue_lose_nothing) {
  auto shared = std::shared_ptr<store>(std::move(store_));
  constexpr int threads = 16;
  constexpr int per_thread = 40;
  {
    commit_queue queue(shared);
    std::vector<std::thread> producers;
    for (int t = 0; t < threads; ++t) {
      producers.emplace_back([&queue, t] {
        for (int i = 0; i < per_thread; ++i) {
          // Five conversations per producer, so conversations repeat across batches.
          const std::int64_t conversation = t * 100 + i % 5;
          auto r = queue.submit_and_wait(
              append(conversation, "p:" + std::to_string(t) + ":" + std::to_string(i)));
          ASSERT_TRUE(r) << r.error().message;
          EXPECT_EQ(r.value().outcome, apply_outcome::inserted);
          EXPECT_EQ(r.value().trace_seqs, std::vector<std::int64_t>{i / 5 + 1});
        }
      });
    }
    for (auto& p : producers) p.join();
  }
  for (int t = 0; t < threads; ++t) {
    for (int k = 0; k < 5; ++k) {
      const auto trace = shared->trace(t * 100 + k).value();
      ASSERT_EQ(trace.size(), static_cast<std::size_t>(per_thread / 5));
      for (std::size_t i = 0; i < trace.size(); ++i) {
        EXPECT_EQ(trace[i].seq, static_cast<std::int64_t>(i + 1));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(backends, batch_write,
                         ::testing::Values(backend::sqlite_file, backend::postgresql),
                         backend_name);

}  // namespace
}  // namespace frontdesk::persistence
