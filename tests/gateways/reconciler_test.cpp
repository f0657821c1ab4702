// The whole path on a real runtime (SQLite) with the Chatwoot gateway as outbox delivery, and
// the reconciler recovering customer messages whose webhook never came.

#include "actors/reconciler.hpp"

#include <gtest/gtest.h>

#include "persistence/read_pool.hpp"
#include "tests/actors/fixture.hpp"
#include "tests/gateways/gateway_fixture.hpp"

namespace frontdesk::actors::testing {
namespace {

test_support::chatwoot_server_options small_pages() {
  test_support::chatwoot_server_options o;
  o.conversations_page_size = 2;
  o.messages_page_size = 3;
  return o;
}

class chatwoot_runtime_test : public runtime_test {
 protected:
  test_support::chatwoot_server server{small_pages()};
  caf::actor_system_config gcfg;
  std::unique_ptr<caf::actor_system> gsys;
  std::unique_ptr<chatwoot_gateway> gw;
  caf::actor rec;

  void SetUp() override {
    runtime_test::SetUp();
    server.start();
    gsys = std::make_unique<caf::actor_system>(gcfg);
    auto g = chatwoot_gateway::start(*gsys, test_options(server));
    ASSERT_TRUE(g) << g.error();
    gw = std::move(*g);
  }
  void TearDown() override {
    if (rec) caf::anon_send_exit(rec, caf::exit_reason::user_shutdown);
    rec = nullptr;
    if (rt) rt->stop();
    gw->stop();
    runtime_test::TearDown();
    gw.reset();
    gsys.reset();
    server.stop();
  }

  void start_with_chatwoot() {
    runtime_hooks hooks;
    auto c = ctl;
    hooks.drafter = [c](caf::actor_system& sys) { return sys.spawn(test_drafter, c); };
    hooks.delivery = gw->delivery();
    auto r = runtime::start(settings, hooks);
    ASSERT_TRUE(r) << r.error();
    rt = std::move(*r);
  }

  void spawn_rec(bool with_store) {
    runtime* r = rt.get();
    reconciler_options o;
    o.interval = std::chrono::milliseconds(0);  // passes only on tick
    rec = spawn_reconciler(
        rt->system(), gw->reader(), [r](conversation_command cmd) { r->submit(std::move(cmd)); },
        with_store ? rt->reads() : nullptr, o);
  }

  reconciler_stats rec_stats() {
    caf::scoped_actor self{rt->system()};
    reconciler_stats out;
    self->request(rec, std::chrono::seconds(5), stats_atom::value)
        .receive([&](const reconciler_stats& s) { out = s; },
                 [&](const caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
    return out;
  }

  /// Runs one pass and waits until it ended and its submissions were answered.
  reconciler_stats pass() {
    const auto before = rec_stats().passes;
    caf::anon_send(rec, tick_atom::value);
    reconciler_stats s;
    EXPECT_TRUE(eventually([&] {
      s = rec_stats();
      const auto answered = s.messages_recovered + s.duplicates + s.refused + s.unavailable;
      return s.passes > before && !s.running && answered == s.messages_submitted;
    }));
    return s;
  }

  bool store_has_message(std::int64_t conv, std::int64_t id) {
    auto msgs = rt->store()->messages(conv, 100);
    if (!msgs) return false;
    for (const auto& m : *msgs)
      if (m.message_id == id) return true;
    return false;
  }
};

TEST_F(chatwoot_runtime_test, ApprovedDraftReachesChatwootExactlyOnceThroughAmbiguity) {
  start_with_chatwoot();
  const auto conv = server.add_conversation("open", "Channel::Email");
  const auto asked = server.add_customer_message(conv, "Where is my order?");
  ASSERT_EQ(ask(customer_message(conv, asked)).outcome, command_reply::status::applied);
  ASSERT_TRUE(eventually([&] { return state_of(conv) == "awaiting_approval"; }));
  ASSERT_TRUE(eventually([&] { return server.private_notes(conv).size() == 1; }));
  const std::string note = server.private_notes(conv)[0];
  EXPECT_NE(note.find("**AI DRAFT** (confidence: 90%)"), std::string::npos) << note;
  EXPECT_NE(note.find("about: Where is my order?"), std::string::npos) << note;
  EXPECT_NE(note.find("test-drafter"), std::string::npos) << note;
  EXPECT_TRUE(server.public_replies(conv).empty());

  // The reply is created, then the connection drops before the answer: ambiguous.
  server.inject(test_support::fault{test_support::fault_kind::reset_after_processing, 1});
  const auto version = static_cast<std::uint64_t>(row(conv)->draft_version);
  ASSERT_EQ(ask(approve(conv, version)).outcome, command_reply::status::applied);
  ASSERT_TRUE(eventually([&] {
    auto pending = rt->store()->pending_outbox(50);
    return pending && pending->empty() && !server.public_replies(conv).empty();
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // outbox ticks pass
  const auto replies = server.public_replies(conv);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_NE(replies[0].find("about: Where is my order?"), std::string::npos);
  const auto labels = server.conversation(conv)->labels;
  EXPECT_NE(std::find(labels.begin(), labels.end(), "frontdesk_approved"), labels.end());
}

TEST_F(chatwoot_runtime_test, LowConfidenceDraftIsHandedOffWithLabelsAndNote) {
  ctl->confidence = 0.3;
  start_with_chatwoot();
  const auto conv = server.add_conversation();
  const auto asked = server.add_customer_message(conv, "Can I change my address?");
  ASSERT_EQ(ask(customer_message(conv, asked)).outcome, command_reply::status::applied);
  ASSERT_TRUE(eventually([&] { return state_of(conv) == "escalated"; }));
  ASSERT_TRUE(eventually([&] { return !server.private_notes(conv).empty(); }));
  ASSERT_TRUE(eventually([&] {
    const auto l = server.conversation(conv)->labels;
    return std::find(l.begin(), l.end(), "low_confidence") != l.end();
  }));
  const auto notes = server.private_notes(conv);
  EXPECT_NE(notes.back().find("LOW CONFIDENCE"), std::string::npos) << notes.back();
  EXPECT_NE(notes.back().find("> Hello Jane"), std::string::npos) << notes.back();
  EXPECT_TRUE(server.public_replies(conv).empty());
}

TEST_F(chatwoot_runtime_test, ReconcilerFeedsAMissedMessageExactlyOnceAcrossPasses) {
  start_with_chatwoot();
  spawn_rec(true);
  const auto conv = server.add_conversation();
  const auto lost = server.add_customer_message(conv, "Hello? Anyone there?");

  auto s = pass();
  EXPECT_EQ(s.messages_submitted, 1u);
  EXPECT_EQ(s.messages_recovered, 1u);
  EXPECT_TRUE(store_has_message(conv, lost));
  EXPECT_TRUE(eventually([&] { return state_of(conv) == "awaiting_approval"; }));

  s = pass();  // nothing new
  EXPECT_EQ(s.messages_submitted, 1u);
  EXPECT_EQ(s.messages_recovered, 1u);
  EXPECT_EQ(s.passes, 2u);

  // Four more while the webhook is down: more than one page of messages.
  std::vector<std::int64_t> more;
  for (int i = 0; i < 4; ++i)
    more.push_back(server.add_customer_message(conv, "ping " + std::to_string(i)));
  s = pass();
  EXPECT_EQ(s.messages_submitted, 5u);
  EXPECT_EQ(s.messages_recovered, 5u);
  for (auto id : more) EXPECT_TRUE(store_has_message(conv, id)) << id;
  s = pass();
  EXPECT_EQ(s.messages_submitted, 5u);
}

TEST_F(chatwoot_runtime_test, ReconcilerSkipsWhatTheWebhookDeliveredAndCoversEveryPage) {
  start_with_chatwoot();
  spawn_rec(true);
  // Five open conversations (page size 2): two got their webhook, three did not.
  std::vector<std::int64_t> convs, msgs;
  for (int i = 0; i < 5; ++i) {
    convs.push_back(server.add_conversation());
    msgs.push_back(server.add_customer_message(convs.back(), "Question " + std::to_string(i)));
  }
  server.add_conversation("resolved");  // not listed
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(
        ask(customer_message(convs[static_cast<std::size_t>(i)], msgs[static_cast<std::size_t>(i)]))
            .outcome,
        command_reply::status::applied);
  }
  const auto s = pass();
  EXPECT_EQ(s.conversations_scanned, 5u);
  EXPECT_EQ(s.messages_submitted, 3u);
  EXPECT_EQ(s.messages_recovered, 3u);
  EXPECT_EQ(s.errors, 0u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_TRUE(store_has_message(convs[i], msgs[i])) << i;
}

TEST_F(chatwoot_runtime_test, WithoutTheStoreLookupTheDedupeKeyStillCountsAMessageOnce) {
  start_with_chatwoot();
  spawn_rec(false);
  const auto conv = server.add_conversation();
  const auto m = server.add_customer_message(conv, "Seen by the webhook");
  ASSERT_EQ(ask(customer_message(conv, m)).outcome, command_reply::status::applied);
  const auto s = pass();
  EXPECT_EQ(s.messages_submitted, 1u);
  EXPECT_EQ(s.messages_recovered, 0u);
  EXPECT_EQ(s.duplicates, 1u);
}

TEST_F(chatwoot_runtime_test, ReconcilerCountsChatwootOutagesAsErrorsAndRecovers) {
  start_with_chatwoot();
  spawn_rec(true);
  const auto conv = server.add_conversation();
  const auto m = server.add_customer_message(conv, "During the outage");
  server.inject(test_support::fault{test_support::fault_kind::status_500, 6});
  auto s = pass();
  EXPECT_GE(s.errors, 1u);
  EXPECT_EQ(s.messages_submitted, 0u);
  s = pass();
  EXPECT_EQ(s.messages_submitted, 1u);
  EXPECT_EQ(s.messages_recovered, 1u);
  EXPECT_TRUE(store_has_message(conv, m));
}

}  // namespace
}  // namespace frontdesk::actors::testing
