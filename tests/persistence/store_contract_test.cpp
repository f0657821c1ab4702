// One suite for every store operation, run against a SQLite file and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "persistence/commit_queue.hpp"
#include "persistence/migrations.hpp"
#include "store_fixture.hpp"

namespace frontdesk::persistence {
namespace {

using testing::at_ms;
using testing::sample_conversation;
using testing::sample_event;
using testing::sample_item;
using testing::sample_trace;

using testing::backend;
using testing::backend_name;

class store_contract : public testing::backend_store_test {};

TEST_P(store_contract, migrate_records_latest_version_and_is_idempotent) {
  const std::string backend_dir = GetParam() == backend::postgresql ? "postgresql" : "sqlite";
  const auto all = migrations_for(backend_dir);
  ASSERT_FALSE(all.empty());
  auto v = store_->schema_version();
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v.value(), all.back().version);
  ASSERT_TRUE(store_->migrate());
  EXPECT_EQ(store_->schema_version().value(), all.back().version);
}

TEST_P(store_contract, conversation_round_trips_every_field_and_updates_in_place) {
  auto c = sample_conversation(7);
  change_set set;
  set.conversation = c;
  apply_ok({set});
  auto got = store_->get_conversation(7);
  ASSERT_TRUE(got);
  ASSERT_TRUE(got.value().has_value());
  EXPECT_EQ(*got.value(), c);
  EXPECT_FALSE(got.value()->assignee.has_value());
  EXPECT_FALSE(got.value()->resolution_due.has_value());

  c.state = "escalated";
  c.assignee = 9;
  c.escalation_reason = "keyword:lawyer";
  c.resolution_due = at_ms(1'700'007'200'000);
  c.sla_breached = true;
  c.draft_version = 3;
  c.snapshot = R"({"state":"escalated","note":"it's \"quoted\"; DROP TABLE x; --"})";
  set.conversation = c;
  apply_ok({set});
  got = store_->get_conversation(7);
  ASSERT_TRUE(got && got.value());
  EXPECT_EQ(*got.value(), c);

  auto missing = store_->get_conversation(8);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing.value().has_value());
}

TEST_P(store_contract, duplicate_dedupe_key_applies_nothing_of_the_set) {
  change_set first;
  first.inbound = sample_event(1, "message_created:100");
  first.conversation = sample_conversation(1);
  first.traces.push_back(sample_trace(1, "received"));
  auto r = apply_ok({first});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, apply_outcome::inserted);

  change_set again = first;
  again.inbound->delivery_id = "another-delivery";
  again.conversation->state = "CHANGED";
  again.traces[0].to_state = "CHANGED";
  r = apply_ok({again});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, apply_outcome::duplicate);
  EXPECT_EQ(store_->get_conversation(1).value()->state, "received");
  EXPECT_EQ(store_->trace(1).value().size(), 1u);
}

TEST_P(store_contract, duplicate_delivery_id_with_new_dedupe_key_is_a_duplicate) {
  change_set first;
  first.inbound = sample_event(1, "message_created:1");
  apply_ok({first});
  change_set again;
  again.inbound = sample_event(1, "message_created:2");
  again.inbound->delivery_id = first.inbound->delivery_id;
  again.conversation = sample_conversation(1);
  auto r = apply_ok({again});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].outcome, apply_outcome::duplicate);
  EXPECT_FALSE(store_->get_conversation(1).value().has_value());

  // Without a delivery id only the dedupe key counts.
  change_set no_delivery;
  no_delivery.inbound = sample_event(1, "message_created:3");
  no_delivery.inbound->delivery_id.reset();
  change_set no_delivery_2 = no_delivery;
  no_delivery_2.inbound->dedupe_key = "message_created:4";
  r = apply_ok({no_delivery, no_delivery_2});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].outcome, apply_outcome::inserted);
  EXPECT_EQ(r[1].outcome, apply_outcome::inserted);
}

TEST_P(store_contract, duplicates_inside_one_batch_are_detected_in_order) {
  std::vector<change_set> sets(3);
  sets[0].inbound = sample_event(5, "k:1");
  sets[0].conversation = sample_conversation(5);
  sets[1].inbound = sample_event(5, "k:1");
  sets[1].inbound->delivery_id = "other";
  sets[1].conversation = sample_conversation(5);
  sets[1].conversation->state = "SHOULD_NOT_APPEAR";
  sets[2].inbound = sample_event(5, "k:2");
  sets[2].traces.push_back(sample_trace(5, "received"));
  auto r = apply_ok(sets);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].outcome, apply_outcome::inserted);
  EXPECT_EQ(r[1].outcome, apply_outcome::duplicate);
  EXPECT_EQ(r[2].outcome, apply_outcome::inserted);
  EXPECT_EQ(store_->get_conversation(5).value()->state, "received");
  EXPECT_EQ(store_->trace(5).value().size(), 1u);
}

TEST_P(store_contract, a_failing_set_rolls_back_the_whole_batch) {
  change_set good;
  good.inbound = sample_event(3, "k:good");
  good.conversation = sample_conversation(3);
  change_set bad;
  bad.traces.push_back(sample_trace(4, "received"));
  bad.traces[0].seq = 1;
  bad.traces.push_back(sample_trace(4, "triaged"));
  bad.traces[1].seq = 1;  // the same (conversation, seq) twice
  auto r = store_->apply({good, bad});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_error_code::conflict) << r.error().message;
  EXPECT_FALSE(store_->get_conversation(3).value().has_value());
  EXPECT_TRUE(store_->trace(4).value().empty());
  // The event was rolled back too: applying it again inserts it.
  auto again = apply_ok({good});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].outcome, apply_outcome::inserted);
}

TEST_P(store_contract, open_conversations_lists_only_those_not_closed) {
  change_set set;
  for (std::int64_t id : {30, 10, 20}) {
    set.conversation = sample_conversation(id);
    set.conversation->closed = (id == 20);
    apply_ok({set});
  }
  auto open = store_->open_conversations();
  ASSERT_TRUE(open);
  ASSERT_EQ(open.value().size(), 2u);
  EXPECT_EQ(open.value()[0].id, 10);
  EXPECT_EQ(open.value()[1].id, 30);
}

TEST_P(store_contract, messages_returns_the_latest_oldest_first_and_skips_repeated_ids) {
  change_set set;
  for (int i = 0; i < 5; ++i) {
    set.messages.push_back(message_row{9, 100 + i, i % 2 == 0 ? "customer" : "agent",
                                       "message " + std::to_string(i), "ada", at_ms(1'000 + i)});
  }
  set.messages.push_back(message_row{9, std::nullopt, "private_note", "note", "bot", at_ms(2'000)});
  set.messages.push_back(message_row{10, 100, "customer", "other conversation", "bob", at_ms(1)});
  apply_ok({set});
  change_set repeat;
  repeat.messages.push_back(message_row{9, 101, "agent", "repeated id", "ada", at_ms(3'000)});
  apply_ok({repeat});

  auto last3 = store_->messages(9, 3);
  ASSERT_TRUE(last3);
  ASSERT_EQ(last3.value().size(), 3u);
  EXPECT_EQ(last3.value()[0].content, "message 3");
  EXPECT_EQ(last3.value()[1].content, "message 4");
  EXPECT_EQ(last3.value()[2].content, "note");
  EXPECT_FALSE(last3.value()[2].message_id.has_value());
  auto all = store_->messages(9, 100).value();
  EXPECT_EQ(all.size(), 6u);
  EXPECT_EQ(all[1], set.messages[1]);
  EXPECT_TRUE(store_->messages(9, 0).value().empty());
}

TEST_P(store_contract, trace_seq_is_assigned_per_conversation_and_increases) {
  change_set a;
  a.traces = {sample_trace(1, "received"), sample_trace(1, "triaged"), sample_trace(2, "received")};
  auto r = apply_ok({a});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].trace_seqs, (std::vector<std::int64_t>{1, 2, 1}));
  change_set b;
  b.traces = {sample_trace(1, "drafting")};
  change_set c;
  c.traces = {sample_trace(1, "awaiting_approval")};
  r = apply_ok({b, c});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].trace_seqs, std::vector<std::int64_t>{3});
  EXPECT_EQ(r[1].trace_seqs, std::vector<std::int64_t>{4});
  auto t = store_->trace(1).value();
  ASSERT_EQ(t.size(), 4u);
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t[i].seq, static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(t[3].to_state, "awaiting_approval");
  auto expected = sample_trace(1, "awaiting_approval");
  expected.seq = 4;
  EXPECT_EQ(t[3], expected);
  change_set explicit_seq;
  explicit_seq.traces = {sample_trace(1, "sent")};
  explicit_seq.traces[0].seq = 10;
  EXPECT_EQ(apply_ok({explicit_seq})[0].trace_seqs, std::vector<std::int64_t>{10});
  change_set next;
  next.traces = {sample_trace(1, "graded")};
  EXPECT_EQ(apply_ok({next})[0].trace_seqs, std::vector<std::int64_t>{11});
}

TEST_P(store_contract, queue_orders_by_priority_then_age_and_pages_with_a_cursor) {
  change_set set;
  set.queue_items = {sample_item("a", 1, 1, "P2", 5'000), sample_item("b", 2, 1, "P1", 9'000),
                     sample_item("c", 3, 1, "P2", 1'000), sample_item("d", 4, 1, "P0", 7'000),
                     sample_item("e", 5, 1, "P3", 0),     sample_item("f", 6, 1, "P2", 1'000)};
  set.queue_items[4].status = "approved";
  set.queue_items[5].confidence = 0.5;
  set.queue_items[5].channel = "whatsapp";
  apply_ok({set});

  queue_filter all;
  all.limit = 500;
  auto page = store_->queue(all);
  ASSERT_TRUE(page) << page.error().message;
  std::vector<std::string> ids;
  for (const auto& q : page.value().items) ids.push_back(q.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"d", "b", "c", "f", "a", "e"}));
  EXPECT_FALSE(page.value().next_cursor.has_value());

  // Paging two at a time visits the same order exactly once.
  queue_filter paged;
  paged.limit = 2;
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto p = store_->queue(paged);
    ASSERT_TRUE(p) << p.error().message;
    for (const auto& q : p.value().items) seen.push_back(q.id);
    if (!p.value().next_cursor) break;
    paged.cursor = p.value().next_cursor;
  }
  EXPECT_EQ(seen, ids);

  queue_filter filtered;
  filtered.status = "pending";
  filtered.priority = "P2";
  filtered.min_confidence = 0.7;
  auto f = store_->queue(filtered).value();
  ASSERT_EQ(f.items.size(), 2u);
  EXPECT_EQ(f.items[0].id, "c");
  EXPECT_EQ(f.items[1].id, "a");
  EXPECT_EQ(f.items[0], set.queue_items[2]);
  queue_filter by_channel;
  by_channel.channel = "whatsapp";
  auto w = store_->queue(by_channel).value();
  ASSERT_EQ(w.items.size(), 1u);
  EXPECT_EQ(w.items[0].id, "f");
  queue_filter by_status;
  by_status.status = "approved";
  EXPECT_EQ(store_->queue(by_status).value().items.size(), 1u);
}

TEST_P(store_contract, queue_rejects_hostile_cursors_and_limits) {
  for (const std::string& cursor :
       std::vector<std::string>{"", "zz", "abc", "00", std::string(5000, 'a'), "7131",
                                "' OR 1=1 --", "71311f50321f61626331f78", "71311f50321f1f61"}) {
    queue_filter f;
    f.cursor = cursor;
    auto r = store_->queue(f);
    ASSERT_FALSE(r) << "accepted cursor '" << cursor << "'";
    EXPECT_EQ(r.error().code, store_error_code::invalid);
  }
  for (int limit : {0, -1, 501, 1 << 30}) {
    queue_filter f;
    f.limit = limit;
    auto r = store_->queue(f);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, store_error_code::invalid);
  }
  // Filters are values, never SQL.
  queue_filter injected;
  injected.status = "pending' OR '1'='1";
  change_set set;
  set.queue_items = {sample_item("a", 1, 1, "P2", 5'000)};
  apply_ok({set});
  auto r = store_->queue(injected);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.value().items.empty());
}

TEST_P(store_contract, queue_items_upsert_by_id_and_are_found_by_version) {
  change_set set;
  auto item = sample_item("q-1", 11, 2, "P1", 1'000);
  set.queue_items = {item};
  apply_ok({set});
  auto got = store_->queue_item("q-1");
  ASSERT_TRUE(got && got.value());
  EXPECT_EQ(*got.value(), item);

  item.status = "approved";
  item.action = "edit";
  item.reviewed_at = at_ms(2'000);
  item.operator_id = "op-7";
  item.edited_text = "Edited: it's here";
  item.grades = R"({"tone":5,"accuracy":4,"policy":5})";
  item.notes = "fixed the date";
  item.action_fingerprint = "sha256:abc";
  set.queue_items = {item};
  apply_ok({set});
  auto by_version = store_->queue_item_for(11, 2);
  ASSERT_TRUE(by_version && by_version.value());
  EXPECT_EQ(*by_version.value(), item);
  EXPECT_FALSE(store_->queue_item_for(11, 3).value().has_value());
  EXPECT_FALSE(store_->queue_item("nope").value().has_value());
}

TEST_P(store_contract, learning_and_audit_are_read_by_half_open_time_range) {
  change_set set;
  for (int i = 0; i < 3; ++i) {
    learning_record_row l;
    l.id = "l-" + std::to_string(i);
    l.conversation_id = 1;
    l.draft_version = i + 1;
    l.customer_message = "msg";
    l.draft = "draft";
    l.final_text = "final";
    l.action = "approve";
    l.edit_distance = i;
    l.grades = R"({"tone":4})";
    l.confidence = 0.9;
    l.drafter_version = "offline-1";
    l.reviewer = "op";
    l.review_seconds = 12.5;
    l.created_at = at_ms(1'000 * i);
    l.reviewed_at = at_ms(1'000 * i + 500);
    set.learning_records.push_back(l);
    set.audits.push_back(audit_row{at_ms(1'000 * i), "op", "approve", "q-" + std::to_string(i),
                                   R"({"status":"pending"})", R"({"status":"approved"})"});
  }
  apply_ok({set});
  auto l = store_->learning(at_ms(500), at_ms(2'500)).value();
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], set.learning_records[0]);
  EXPECT_EQ(l[1].id, "l-1");
  // Upsert by id: the outcome is followed later.
  change_set later;
  later.learning_records = {set.learning_records[0]};
  later.learning_records[0].outcome = "resolved";
  apply_ok({later});
  EXPECT_EQ(store_->learning(at_ms(0), at_ms(10'000)).value().size(), 3u);
  EXPECT_EQ(store_->learning(at_ms(0), at_ms(1'000)).value()[0].outcome, "resolved");

  auto a = store_->audit(at_ms(1'000), at_ms(2'001)).value();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], set.audits[1]);
  EXPECT_EQ(a[1], set.audits[2]);
}

TEST_P(store_contract, notifications_get_increasing_ids_and_are_read_after_an_id) {
  change_set set;
  set.notifications = {notification_row{0, "queue_item_created", 4, R"({"id":"q"})", at_ms(1)},
                       notification_row{0, "sla_warning", std::nullopt, "{}", at_ms(2)}};
  auto r = apply_ok({set, set});
  ASSERT_EQ(r.size(), 2u);
  ASSERT_EQ(r[0].notification_ids.size(), 2u);
  ASSERT_EQ(r[1].notification_ids.size(), 2u);
  EXPECT_LT(r[0].notification_ids[0], r[0].notification_ids[1]);
  EXPECT_LT(r[0].notification_ids[1], r[1].notification_ids[0]);
  auto all = store_->notifications(0, 100).value();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].id, r[0].notification_ids[0]);
  EXPECT_EQ(all[0].kind, "queue_item_created");
  EXPECT_EQ(all[0].conversation_id, std::optional<std::int64_t>(4));
  EXPECT_FALSE(all[1].conversation_id.has_value());
  auto after = store_->notifications(r[0].notification_ids[1], 1).value();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, r[1].notification_ids[0]);
}

TEST_P(store_contract, outbox_inserts_once_and_tracks_delivery) {
  const outbox_row o = testing::sample_reply(7, 2, 100);
  change_set set;
  set.outbox = {o};
  // Each set says which of its entries were new: only those are announced to the outbox.
  EXPECT_EQ(apply_ok({set}).at(0).outbox_inserted, std::vector<bool>{true});
  change_set again;
  again.outbox = {o};
  again.outbox[0].payload = R"({"content":"SECOND"})";
  const auto repeated = apply_ok({again, again});
  ASSERT_EQ(repeated.size(), 2u);
  EXPECT_EQ(repeated[0].outbox_inserted, std::vector<bool>{false});
  EXPECT_EQ(repeated[1].outbox_inserted, std::vector<bool>{false});
  outbox_row other = o;
  other.id = "note:7:2";
  other.kind = "private_note";
  other.created_at = at_ms(50);
  set.outbox = {other};
  apply_ok({set});

  outbox_row older_note = other;
  older_note.id = "note:7:1";
  older_note.created_at = at_ms(40);
  set.outbox = {older_note};
  apply_ok({set});

  // A public reply (a customer is waiting) comes before notes, then oldest first.
  auto pending = store_->pending_outbox(10).value();
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0], o);
  EXPECT_EQ(pending[1], older_note);
  EXPECT_EQ(pending[2], other);
  ASSERT_TRUE(store_->mark_outbox("note:7:1", "delivered", std::nullopt, 1));

  ASSERT_TRUE(store_->mark_outbox("reply:7:2", "pending", std::nullopt, 1));
  EXPECT_EQ(store_->pending_outbox(10).value()[0].attempts, 1);
  ASSERT_TRUE(store_->mark_outbox("reply:7:2", "delivered", "cw-msg-991", 2));
  pending = store_->pending_outbox(10).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, "note:7:2");
  ASSERT_TRUE(store_->mark_outbox("note:7:2", "failed", std::nullopt, 5));
  EXPECT_TRUE(store_->pending_outbox(10).value().empty());
  auto unknown = store_->mark_outbox("reply:999:1", "delivered", std::nullopt, 1);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, store_error_code::invalid);
  // A second delivery of the same id after it was delivered still does not duplicate it.
  set.outbox = {o};
  apply_ok({set});
  EXPECT_TRUE(store_->pending_outbox(10).value().empty());
}

TEST_P(store_contract, giving_up_an_outbox_entry_stores_its_alert_in_the_same_transaction) {
  const outbox_row o = testing::sample_reply(8, 1, 100);
  change_set set;
  set.outbox = {o};
  apply_ok({set});
  notification_row tell;
  tell.kind = "notification";
  tell.conversation_id = 8;
  tell.payload = R"({"kind":"delivery_failed"})";
  tell.created_at = at_ms(200);

  // Unknown entry: refused, and the alert is not stored either.
  auto unknown = store_->give_up_outbox("reply:999:1", 8, tell);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, store_error_code::invalid);
  EXPECT_TRUE(store_->notifications(0, 10).value().empty());

  auto id = store_->give_up_outbox(o.id, 8, tell);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_TRUE(store_->pending_outbox(10).value().empty());
  const auto stored = store_->notifications(0, 10).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, *id);
  EXPECT_EQ(stored[0].conversation_id, 8);
  EXPECT_EQ(stored[0].payload, tell.payload);
}

TEST_P(store_contract, timers_upsert_delete_and_list_unfired) {
  change_set set;
  set.timer_upserts = {timer_row{1, "first_response", at_ms(5'000), 1, false},
                       timer_row{1, "approval_30m", at_ms(3'000), 1, false},
                       timer_row{2, "first_response", at_ms(4'000), 1, false}};
  apply_ok({set});
  change_set update;
  update.timer_upserts = {timer_row{1, "first_response", at_ms(6'000), 2, false},
                          timer_row{2, "first_response", at_ms(4'000), 1, true}};
  update.timer_deletes = {timer_key{1, "approval_30m"}, timer_key{9, "missing"}};
  apply_ok({update});
  auto t1 = store_->timers(1).value();
  ASSERT_EQ(t1.size(), 1u);
  EXPECT_EQ(t1[0], (timer_row{1, "first_response", at_ms(6'000), 2, false}));
  auto unfired = store_->unfired_timers(at_ms(6'000)).value();
  ASSERT_EQ(unfired.size(), 1u);
  EXPECT_EQ(unfired[0].conversation_id, 1);
  EXPECT_EQ(store_->timers(2).value().at(0).fired, true);
  // Only timers due by the given time: the bound is inclusive.
  EXPECT_TRUE(store_->unfired_timers(at_ms(5'999)).value().empty());
  change_set more;
  more.timer_upserts = {timer_row{3, "approval_30m", at_ms(1'000), 1, false},
                        timer_row{4, "first_response", at_ms(9'000), 1, false}};
  apply_ok({more});
  auto near = store_->unfired_timers(at_ms(6'000)).value();
  ASSERT_EQ(near.size(), 2u);
  EXPECT_EQ(near[0].conversation_id, 3);  // by due time
  EXPECT_EQ(near[1].conversation_id, 1);
  EXPECT_EQ(store_->unfired_timers(at_ms(9'000)).value().size(), 3u);
}

TEST_P(store_contract, customer_history_counts_unresolved_and_finds_the_last_grade) {
  auto h = store_->customer_history(42, 99);
  ASSERT_TRUE(h);
  EXPECT_EQ(h.value().unresolved_conversations, 0);
  EXPECT_FALSE(h.value().last_ai_grade.has_value());

  change_set set;
  for (std::int64_t id : {1, 2, 3}) {
    set.conversation = sample_conversation(id, 42);
    set.conversation->closed = (id == 3);
    apply_ok({set});
  }
  set.conversation = sample_conversation(4, 43);
  apply_ok({set});
  learning_record_row l;
  l.id = "l-old";
  l.conversation_id = 1;
  l.grades = R"({"tone":5,"accuracy":5,"policy":5})";
  l.reviewed_at = at_ms(1'000);
  learning_record_row newer = l;
  newer.id = "l-new";
  newer.conversation_id = 3;
  newer.grades = R"({"tone":2,"accuracy":3,"policy":1})";
  newer.reviewed_at = at_ms(2'000);
  learning_record_row ungraded = l;
  ungraded.id = "l-ungraded";
  ungraded.grades = "";
  ungraded.reviewed_at = at_ms(3'000);
  change_set learn;
  learn.learning_records = {l, newer, ungraded};
  apply_ok({learn});
  h = store_->customer_history(42, 99);  // asked for a conversation not stored yet
  ASSERT_TRUE(h);
  EXPECT_EQ(h.value().unresolved_conversations, 2);
  ASSERT_TRUE(h.value().last_ai_grade.has_value());
  EXPECT_DOUBLE_EQ(*h.value().last_ai_grade, 2.0);
  // The conversation asking is not one of its contact's other open conversations.
  EXPECT_EQ(store_->customer_history(42, 1).value().unresolved_conversations, 1);
  EXPECT_EQ(store_->customer_history(42, 3).value().unresolved_conversations, 2);
  EXPECT_EQ(store_->customer_history(43, 99).value().unresolved_conversations, 1);
  EXPECT_EQ(store_->customer_history(43, 4).value().unresolved_conversations, 0);
  EXPECT_FALSE(store_->customer_history(43, 4).value().last_ai_grade.has_value());
}

TEST_P(store_contract, count_queue_by_status_and_ping) {
  change_set set;
  set.queue_items = {sample_item("a", 1, 1, "P2", 1), sample_item("b", 2, 1, "P2", 2),
                     sample_item("c", 3, 1, "P2", 3)};
  set.queue_items[2].status = "superseded";
  apply_ok({set});
  auto counts = store_->count_queue_by_status();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts.value().size(), 2u);
  EXPECT_EQ(counts.value().at("pending"), 2);
  EXPECT_EQ(counts.value().at("superseded"), 1);
  EXPECT_TRUE(store_->ping());
}

TEST_P(store_contract, hostile_and_large_text_is_stored_verbatim) {
  const std::string hostile =
      "it's \"quoted\"; DROP TABLE conversations; -- \\ \\' $1 ?1 %s \xc3\xa9\xe2\x9c\x93 "
      "\t\r\n E'\\x00' $$ dollar $$";
  std::string big(1 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 97) big[i] = '\'';
  change_set set;
  set.inbound = sample_event(1, hostile);
  set.inbound->body = big;
  set.conversation = sample_conversation(1);
  set.conversation->snapshot = hostile;
  set.messages.push_back(message_row{1, 1, "customer", big, hostile, at_ms(1)});
  auto r = apply_ok({set});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(store_->get_conversation(1).value()->snapshot, hostile);
  auto m = store_->messages(1, 1).value();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].content, big);
  EXPECT_EQ(m[0].sender, hostile);
  EXPECT_EQ(store_->apply({set}).value()[0].outcome, apply_outcome::duplicate);
}

TEST_P(store_contract, extreme_numbers_survive) {
  auto c = sample_conversation(std::numeric_limits<std::int64_t>::max());
  c.contact_id = std::numeric_limits<std::int64_t>::min();
  c.updated_at = at_ms(-1);
  change_set set;
  set.conversation = c;
  auto item = sample_item("x", 1, 1, "P0", 0);
  item.confidence = 0.1 + 0.2;  // not exactly representable in short decimal
  set.queue_items = {item};
  apply_ok({set});
  EXPECT_EQ(*store_->get_conversation(c.id).value(), c);
  EXPECT_EQ(store_->queue_item("x").value()->confidence, 0.1 + 0.2);
}

TEST_P(store_contract, empty_batch_and_empty_set_succeed) {
  auto none = store_->apply({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none.value().empty());
  auto one = apply_ok({change_set{}});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].outcome, apply_outcome::inserted);
}

TEST_P(store_contract, a_newer_schema_is_refused) {
  {
    // Simulate a database written by a future binary.
    change_set nothing;
    ASSERT_TRUE(store_->apply({nothing}));
  }
  if (GetParam() == backend::postgresql) {
    pqxx::connection c(*testing::postgresql_uri());
    pqxx::work tx(c);
    tx.exec("INSERT INTO " + schema_->name() +
            ".schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
    tx.commit();
  } else {
    store_.reset();
    auto raw = open_store(uri_);
    ASSERT_TRUE(raw);
    store_ = std::move(raw.value());
    // Reach the file through a second store-independent connection.
    std::string path = uri_.substr(std::string("sqlite:").size());
    std::string cmd =
        "sqlite3 '" + path + "' \"INSERT INTO schema_migrations VALUES (9999, 'future', 0)\"";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  auto r = store_->migrate();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_error_code::too_new);
  EXPECT_NE(r.error().message.find("9999"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;
}

TEST_P(store_contract, concurrent_readers_see_committed_writes) {
  std::atomic<bool> done{false};
  std::atomic<int> read_errors{0};
  std::atomic<std::int64_t> max_seen{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto open = store_->open_conversations();
        if (!open) {
          ++read_errors;
          continue;
        }
        std::int64_t n = static_cast<std::int64_t>(open.value().size());
        std::int64_t prev = max_seen.load();
        while (n > prev && !max_seen.compare_exchange_weak(prev, n)) {
        }
      }
    });
  }
  for (std::int64_t i = 1; i <= 50; ++i) {
    change_set set;
    set.conversation = sample_conversation(i);
    apply_ok({set});
  }
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(read_errors.load(), 0);
  EXPECT_LE(max_seen.load(), 50);
  EXPECT_EQ(store_->open_conversations().value().size(), 50u);
}

TEST_P(store_contract, commit_queue_groups_concurrent_submissions) {
  auto shared = std::shared_ptr<store>(std::move(store_));
  commit_queue_options options;
  options.max_batch = 64;
  commit_queue queue(shared, options);
  constexpr int threads = 8;
  constexpr int per_thread = 50;
  std::atomic<int> inserted{0}, duplicates{0}, errors{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < threads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        change_set set;
        // Every key is submitted twice (by threads t and t^1) so half are duplicates.
        const std::string key = "k:" + std::to_string(t / 2) + ":" + std::to_string(i);
        set.inbound = sample_event(t / 2 * 1000 + i, key);
        set.inbound->delivery_id.reset();
        set.conversation = sample_conversation(t / 2 * 1000 + i);
        set.traces = {sample_trace(t / 2 * 1000 + i, "received")};
        auto r = queue.submit_and_wait(std::move(set));
        if (!r) {
          ++errors;
        } else if (r.value().outcome == apply_outcome::duplicate) {
          ++duplicates;
        } else {
          ++inserted;
        }
      }
    });
  }
  for (auto& p : producers) p.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(inserted.load(), threads * per_thread / 2);
  EXPECT_EQ(duplicates.load(), threads * per_thread / 2);
  EXPECT_EQ(shared->open_conversations().value().size(),
            static_cast<std::size_t>(threads * per_thread / 2));
  const auto stats = queue.stats();
  EXPECT_EQ(stats.committed_sets, static_cast<std::uint64_t>(threads * per_thread));
  EXPECT_LE(stats.transactions, stats.committed_sets);
  EXPECT_TRUE(queue.healthy());
  // Each conversation got exactly one trace row despite the duplicate submissions.
  EXPECT_EQ(shared->trace(0).value().size(), 1u);
}

TEST_P(store_contract, commit_queue_isolates_a_bad_set_in_a_batch) {
  auto shared = std::shared_ptr<store>(std::move(store_));
  commit_queue_options options;
  options.max_delay = std::chrono::milliseconds(50);  // make the three land in one batch
  options.max_batch = 3;
  commit_queue queue(shared, options);
  std::vector<std::promise<result<apply_result>>> promises(3);
  std::vector<change_set> sets(3);
  sets[0].conversation = sample_conversation(1);
  sets[1].traces = {sample_trace(2, "a"), sample_trace(2, "b")};
  sets[1].traces[0].seq = 5;
  sets[1].traces[1].seq = 5;
  sets[2].conversation = sample_conversation(3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(queue.submit(
        sets[i], [&promises, i](result<apply_result> r) { promises[i].set_value(std::move(r)); }));
  }
  auto r0 = promises[0].get_future().get();
  auto r1 = promises[1].get_future().get();
  auto r2 = promises[2].get_future().get();
  EXPECT_TRUE(r0);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().code, store_error_code::conflict);
  EXPECT_TRUE(r2);
  EXPECT_TRUE(shared->get_conversation(1).value().has_value());
  EXPECT_TRUE(shared->get_conversation(3).value().has_value());
  EXPECT_TRUE(queue.healthy());
}

TEST_P(store_contract, commit_queue_waiting_only_while_busy_commits_a_lone_set_at_once) {
  auto shared = std::shared_ptr<store>(std::move(store_));
  commit_queue_options options;
  options.max_delay = std::chrono::hours(1);  // a lone set waiting for company would hang here
  options.delay_only_when_busy = true;
  commit_queue queue(shared, options);
  // Nothing else waiting, no batch before it, no commit within the last max_delay.
  std::promise<result<apply_result>> done;
  change_set one;
  one.conversation = sample_conversation(7);
  ASSERT_TRUE(queue.submit(one, [&done](result<apply_result> r) { done.set_value(std::move(r)); }));
  auto committed = done.get_future();
  ASSERT_EQ(committed.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  EXPECT_TRUE(committed.get());
  EXPECT_TRUE(shared->get_conversation(7).value().has_value());
}

TEST_P(store_contract, commit_queue_commits_what_is_waiting_when_stopped) {
  auto shared = std::shared_ptr<store>(std::move(store_));
  std::atomic<int> ok{0};
  {
    commit_queue queue(shared);
    for (int i = 1; i <= 20; ++i) {
      change_set set;
      set.conversation = sample_conversation(i);
      queue.submit(std::move(set), [&ok](result<apply_result> r) { ok += r ? 1 : 0; });
    }
  }
  EXPECT_EQ(ok.load(), 20);
  EXPECT_EQ(shared->open_conversations().value().size(), 20u);
  commit_queue stopped(shared);
  stopped.stop();
  bool called = false;
  change_set late;
  late.conversation = sample_conversation(99);
  EXPECT_FALSE(stopped.submit(late, [&](result<apply_result> r) {
    called = true;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, store_error_code::unavailable);
  }));
  EXPECT_TRUE(called);
  EXPECT_FALSE(shared->get_conversation(99).value().has_value());
}

INSTANTIATE_TEST_SUITE_P(backends, store_contract,
                         ::testing::Values(backend::sqlite_file, backend::postgresql),
                         backend_name);

}  // namespace
}  // namespace frontdesk::persistence
