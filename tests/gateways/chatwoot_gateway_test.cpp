// Outbox delivery to a real (local) Chatwoot over loopback: every kind's wire calls, exactly one
// public reply per approval under every fault, Retry-After, the breaker, TLS trust.

#include "actors/chatwoot_gateway.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>

#include "actors/chatwoot_payloads.hpp"
#include "tests/gateways/gateway_fixture.hpp"

namespace frontdesk::actors::testing {
namespace {

using test_support::fault;
using test_support::fault_kind;

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_F(gateway_test, PublicReplyIsPostedOnceAndLabelledApproved) {
  start();
  const auto conv = server.add_conversation();
  const auto asked = server.add_customer_message(conv, "Where is my order?");
  const auto r = deliver(reply_row(conv, "It ships today.", asked));
  ASSERT_TRUE(r.delivered) << r.error;
  EXPECT_EQ(server.public_replies(conv), std::vector<std::string>{"It ships today."});
  const auto msgs = server.messages(conv);
  EXPECT_EQ(r.external_id, std::to_string(msgs.back().id));
  EXPECT_EQ(requests_to("POST", "/messages"), 1u);
  // A first delivery does not search: nothing can be there yet.
  EXPECT_EQ(requests_to("GET", "/messages"), 0u);
  EXPECT_TRUE(has(server.conversation(conv)->labels, "frontdesk_approved"));
  EXPECT_EQ(gw->stats().replies_posted, 1u);
}

TEST_F(gateway_test, EditedReplyAddsEditedLabelAndKeepsExistingLabels) {
  start();
  const auto conv = server.add_conversation();
  const auto asked = server.add_customer_message(conv, "Refund?");
  set_labels(conv, {"vip", "billing"});
  const auto r = deliver(reply_row(conv, "Refund issued.", asked, "edit"));
  ASSERT_TRUE(r.delivered) << r.error;
  const auto labels = server.conversation(conv)->labels;
  EXPECT_TRUE(has(labels, "vip"));
  EXPECT_TRUE(has(labels, "billing"));
  EXPECT_TRUE(has(labels, "frontdesk_edited"));
  EXPECT_FALSE(has(labels, "frontdesk_approved"));
}

struct fault_case {
  const char* name;
  fault f;
};

void PrintTo(const fault_case& c, std::ostream* os) {
  *os << c.name;
}

class reply_fault_test : public gateway_test, public ::testing::WithParamInterface<fault_case> {};

TEST_P(reply_fault_test, ExactlyOneReplyReachesTheCustomer) {
  start();
  const auto conv = server.add_conversation();
  const auto asked = server.add_customer_message(conv, "Hello?");
  server.inject(GetParam().f);
  const auto r = deliver_until_done(reply_row(conv, "Hi! Here is your answer.", asked));
  ASSERT_TRUE(r.delivered) << r.error;
  EXPECT_EQ(server.public_replies(conv), std::vector<std::string>{"Hi! Here is your answer."});
  // The outbox may hand the row over again after a crash: still one copy.
  const auto again = deliver(reply_row(conv, "Hi! Here is your answer.", asked, "approve", 3));
  ASSERT_TRUE(again.delivered) << again.error;
  EXPECT_EQ(again.external_id, r.external_id);
  EXPECT_EQ(server.public_replies(conv).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    faults, reply_fault_test,
    ::testing::Values(
        fault_case{"status_500_then_ok", fault{fault_kind::status_500, 2, 0ms, "1"}},
        fault_case{"rate_limited_429", fault{fault_kind::rate_limit_429, 1, 0ms, "1"}},
        fault_case{"status_503", fault{fault_kind::status_503, 1, 0ms, "0"}},
        fault_case{"slow_past_request_timeout", fault{fault_kind::delay, 1, 1500ms, "1"}},
        fault_case{"reset_before_processing",
                   fault{fault_kind::reset_before_processing, 2, 0ms, "1"}},
        fault_case{"reset_after_processing",
                   fault{fault_kind::reset_after_processing, 1, 0ms, "1"}},
        fault_case{"reset_after_processing_twice",
                   fault{fault_kind::reset_after_processing, 2, 0ms, "1"}},
        fault_case{"unparseable_2xx", fault{fault_kind::invalid_json, 1, 0ms, "1"}}),
    [](const ::testing::TestParamInfo<fault_case>& i) { return std::string(i.param.name); });

TEST_F(gateway_test, SlowPastTheCallDeadlineStillSendsOnce) {
  auto o = test_options(server);
  o.call_deadline = 400ms;
  o.request_timeout = 2s;  // the deadline, not the request timeout, ends the call
  start(o);
  const auto conv = server.add_conversation();
  const auto asked = server.add_customer_message(conv, "Hello?");
  server.inject(fault{fault_kind::delay, 1, 1200ms, "1"});
  const auto first = deliver(reply_row(conv, "Answer.", asked));
  EXPECT_FALSE(first.delivered);
  EXPECT_FALSE(first.give_up);
  const auto r = deliver_until_done(reply_row(conv, "Answer.", asked, "approve", 1));
  ASSERT_TRUE(r.delivered) << r.error;
  EXPECT_EQ(server.public_replies(conv).size(), 1u);
}

TEST_F(gateway_test, RedeliveryAfterACrashFindsTheReplyInsteadOfResending) {
  start();
  const auto conv = server.add_conversation();
  const auto asked = server.add_customer_message(conv, "Hi");
  const auto first = deliver(reply_row(conv, "Done.", asked));
  ASSERT_TRUE(first.delivered);
  // Crash before the row was marked: after the restart the outbox hands it over again, never
  // marked as tried, as maybe sent (an entry committed before the start).
  auto after_crash = reply_row(conv, "Done.", asked);
  after_crash.maybe_sent = true;
  const auto second = deliver(after_crash);
  ASSERT_TRUE(second.delivered) << second.error;
  EXPECT_EQ(second.external_id, first.external_id);
  EXPECT_EQ(server.public_replies(conv).size(), 1u);
  EXPECT_EQ(gw->stats().replies_already_there, 1u);
  EXPECT_EQ(requests_to("POST", "/messages"), 1u);
}

TEST_F(gateway_test, RedeliveryPostsWhenTheReplyIsCertainlyAbsent) {
  start();
  const auto conv = server.add_conversation();
  const auto asked = server.add_customer_message(conv, "Hi");
  // Crashed before sending: attempts > 0 but nothing on the server.
  const auto r = deliver(reply_row(conv, "Done.", asked, "approve", 2));
  ASSERT_TRUE(r.delivered) << r.error;
  EXPECT_EQ(server.public_replies(conv), std::vector<std::string>{"Done."});
  EXPECT_EQ(gw->stats().replies_posted, 1u);
}

TEST_F(gateway_test, AnIdenticalOlderReplyIsNotMistakenForThisOne) {
  start();
  const auto conv = server.add_conversation();
  server.add_customer_message(conv, "Thanks");
  server.add_agent_reply(conv, "You're welcome!");  // an earlier, identical reply
  const auto asked = server.add_customer_message(conv, "Thanks again");
  const auto r = deliver(reply_row(conv, "You're welcome!", asked, "approve", 1));
  ASSERT_TRUE(r.delivered) << r.error;
  EXPECT_EQ(server.public_replies(conv).size(), 2u);
}

TEST_F(gateway_test, AttemptsAreCountedAndRetryAfterIsHonoured) {
  start();
  const auto conv = server.add_conversation();
  const auto asked = server.add_customer_message(conv, "Hi");
  server.inject(fault{fault_kind::rate_limit_429, 2, 0ms, "1"});
  const auto r = deliver(reply_row(conv, "Spaced out.", asked));
  ASSERT_TRUE(r.delivered) << r.error;
  std::vector<std::chrono::steady_clock::time_point> posts;
  for (const auto& q : server.requests())
    if (q.method == "POST" && q.path.ends_with("/messages")) posts.push_back(q.received_at);
  ASSERT_EQ(posts.size(), 3u);  // 429, 429, created
  for (std::size_t i = 1; i < posts.size(); ++i) {
    EXPECT_GE(posts[i] - posts[i - 1], 900ms) << "retry " << i << " came before Retry-After";
  }
  const auto s = supervisor_stats();
  EXPECT_GE(s.attempts, 3u);
  EXPECT_GE(s.retries, 2u);
  EXPECT_EQ(server.public_replies(conv).size(), 1u);
}

TEST_F(gateway_test, ClientErrorsGiveUpWithoutRetrying) {
  start();
  const auto r = deliver(reply_row(999999, "Nobody home.", 0));
  EXPECT_FALSE(r.delivered);
  EXPECT_TRUE(r.give_up) << r.error;
  EXPECT_EQ(requests_to("POST", "/messages"), 1u);
  EXPECT_EQ(supervisor_stats().breaker, domain::breaker_state::closed);
}

TEST_F(gateway_test, WrongTokenGivesUp) {
  auto o = test_options(server);
  o.api_token = "wrong";
  start(o);
  const auto conv = server.add_conversation();
  const auto r = deliver(row_of("priority", conv, R"({"priority":"P1"})"));
  EXPECT_TRUE(r.give_up) << r.error;
  EXPECT_NE(r.error.find("unauthorized"), std::string::npos) << r.error;
}

TEST_F(gateway_test, MalformedRowsAreRefusedWithoutAnyRequest) {
  start();
  const auto conv = server.add_conversation();
  EXPECT_TRUE(deliver(row_of("public_reply", conv, "{")).give_up);
  EXPECT_TRUE(deliver(row_of("public_reply", conv, R"({"content":"   "})")).give_up);
  EXPECT_TRUE(deliver(row_of("priority", conv, R"({"priority":"P9"})")).give_up);
  EXPECT_TRUE(deliver(row_of("handoff", conv, R"({"reason":[]})")).give_up);
  EXPECT_TRUE(deliver(row_of("private_note", conv, R"({"draft":1})")).give_up);
  EXPECT_TRUE(deliver(row_of("carrier_pigeon", conv, "{}")).give_up);
  EXPECT_TRUE(deliver(row_of("priority", 0, R"({"priority":"P1"})")).give_up);
  EXPECT_TRUE(server.requests().empty());
  EXPECT_EQ(gw->stats().given_up, 7u);
}

TEST_F(gateway_test, BreakerOpensRowsStayPendingThenDeliverWhenChatwootIsBack) {
  auto o = test_options(server);
  o.budget.max_attempts = 1;  // one attempt per call: each failure reaches the outbox
  o.breaker.consecutive_failures = 3;
  o.breaker.open_duration = 300ms;
  start(o);
  const auto conv = server.add_conversation();
  const auto asked = server.add_customer_message(conv, "Hi");
  server.inject(fault{fault_kind::status_500, 3, 0ms, "1"});
  std::vector<persistence::outbox_row> rows;
  for (int i = 1; i <= 4; ++i)
    rows.push_back(reply_row(conv, "Reply " + std::to_string(i), asked, "approve", 0, i));
  for (int i = 0; i < 3; ++i) {
    const auto r = deliver(rows[static_cast<std::size_t>(i)]);
    EXPECT_FALSE(r.delivered);
    EXPECT_FALSE(r.give_up) << r.error;  // a 5xx keeps the row for later
  }
  const auto posts_before = requests_to("POST", "/messages");
  const auto refused = deliver(rows[3]);
  EXPECT_FALSE(refused.delivered);
  EXPECT_FALSE(refused.give_up);
  EXPECT_NE(refused.error.find("circuit_open"), std::string::npos) << refused.error;
  EXPECT_EQ(requests_to("POST", "/messages"), posts_before);  // failed fast
  EXPECT_EQ(supervisor_stats().breaker, domain::breaker_state::open);

  std::this_thread::sleep_for(400ms);  // the open period passes; the fault is used up
  for (auto& row : rows) {
    ++row.attempts;
    const auto r = deliver_until_done(row);
    ASSERT_TRUE(r.delivered) << r.error;
  }
  const auto replies = server.public_replies(conv);
  ASSERT_EQ(replies.size(), 4u);
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(has(replies, "Reply " + std::to_string(i)));
  const auto s = supervisor_stats();
  EXPECT_EQ(s.breaker, domain::breaker_state::closed);
  EXPECT_GE(s.breaker_opened, 1u);
  EXPECT_GE(s.rejected_open, 1u);
}

TEST_F(gateway_test, PrivateNoteShowsTheDraftAndIsNotDuplicatedOnRedelivery) {
  start();
  const auto conv = server.add_conversation();
  const std::string payload = R"({"draft_version":1,"draft":"Your parcel is on its way.",
    "confidence":0.83,"recommended_action":"approve","drafter_version":"test-drafter",
    "generated_at_ms":1767323045000,"flags":[],"tags":["shipping"],
    "sources":[{"id":"shipping","title":"Shipping","version":2,"relevance":0.9}],
    "sentiment":{"label":"neutral","urgency":"low"}})";
  auto row = row_of("private_note", conv, payload, "note:" + std::to_string(conv) + ":1");
  const auto r = deliver(row);
  ASSERT_TRUE(r.delivered) << r.error;
  const auto notes = server.private_notes(conv);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0], render_draft_note(payload).value());
  EXPECT_NE(notes[0].find("Your parcel is on its way."), std::string::npos);
  EXPECT_NE(notes[0].find("confidence: 83%"), std::string::npos);
  EXPECT_TRUE(server.public_replies(conv).empty());  // nothing reaches the customer
  row.attempts = 1;
  const auto again = deliver(row);
  ASSERT_TRUE(again.delivered) << again.error;
  EXPECT_EQ(server.private_notes(conv).size(), 1u);
  EXPECT_EQ(gw->stats().notes_already_there, 1u);
}

TEST_F(gateway_test, HandoffAssignsLabelsAndLeavesANote) {
  auto o = test_options(server);
  o.category_teams = {{"billing", 3}};
  start(o);
  const auto conv = server.add_conversation();
  set_labels(conv, {"vip"});
  const auto r = deliver(row_of("handoff", conv,
                                R"({"reason":"low_confidence","low_confidence":true,
        "draft":"Perhaps a refund?","draft_version":2,"assignee_id":12,"category":"billing"})"));
  ASSERT_TRUE(r.delivered) << r.error;
  const auto c = server.conversation(conv);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->assignee_id.value_or(0), 12);
  EXPECT_EQ(c->team_id.value_or(0), 3);
  EXPECT_TRUE(has(c->labels, "vip"));
  EXPECT_TRUE(has(c->labels, "escalated"));
  EXPECT_TRUE(has(c->labels, "low_confidence"));
  const auto notes = server.private_notes(conv);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("LOW CONFIDENCE"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("> Perhaps a refund?"), std::string::npos) << notes[0];
  EXPECT_TRUE(server.public_replies(conv).empty());
  EXPECT_EQ(gw->stats().handoffs, 1u);
}

TEST_F(gateway_test, HandoffToAnUnknownAgentStillLabelsAndNotes) {
  start();
  const auto conv = server.add_conversation();
  const auto r =
      deliver(row_of("handoff", conv, R"({"reason":"ai_unavailable","low_confidence":false,
        "assignee_id":4040})"));
  ASSERT_TRUE(r.delivered) << r.error;
  const auto c = server.conversation(conv);
  EXPECT_FALSE(c->assignee_id);
  EXPECT_TRUE(has(c->labels, "escalated"));
  EXPECT_FALSE(has(c->labels, "low_confidence"));
  ASSERT_EQ(server.private_notes(conv).size(), 1u);
  EXPECT_NE(server.private_notes(conv)[0].find("please answer"), std::string::npos);
}

TEST_F(gateway_test, PriorityMapsToChatwootLevels) {
  start();
  const auto conv = server.add_conversation();
  ASSERT_TRUE(deliver(row_of("priority", conv, R"({"priority":"P0"})")).delivered);
  EXPECT_EQ(server.conversation(conv)->priority.value_or(""), "urgent");
  ASSERT_TRUE(deliver(row_of("priority", conv, R"({"priority":"P3"})")).delivered);
  EXPECT_EQ(server.conversation(conv)->priority.value_or(""), "low");
  EXPECT_EQ(gw->stats().priorities, 2u);
}

TEST_F(gateway_test, ConnectionsOpenedForABurstServeTheNextBurst) {
  auto o = test_options(server);
  o.max_in_flight = 32;
  o.max_connections = 32;
  start(o);
  constexpr int burst = 20;
  std::vector<std::int64_t> convs;
  for (int i = 0; i < burst; ++i) convs.push_back(server.add_conversation());
  // Every note is held 150 ms by Chatwoot, so a burst's calls overlap.
  auto send_burst = [&](int round) {
    server.inject(fault{fault_kind::delay, burst, 150ms, "1"});
    auto fn = gw->delivery();
    std::vector<std::future<delivery_result>> done;
    for (int i = 0; i < burst; ++i) {
      auto p = std::make_shared<std::promise<delivery_result>>();
      done.push_back(p->get_future());
      const std::string payload =
          R"({"draft_version":1,"draft":"Round )" + std::to_string(round) +
          R"(","confidence":0.8,"recommended_action":"approve","flags":[],"tags":[],"sources":[]})";
      fn(row_of("private_note", convs[i], payload,
                "note:" + std::to_string(convs[i]) + ":" + std::to_string(round)),
         [p](delivery_result r) { p->set_value(std::move(r)); });
    }
    for (auto& f : done) {
      ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
      const delivery_result r = f.get();
      EXPECT_TRUE(r.delivered) << r.error;
    }
  };
  send_burst(1);
  const std::size_t opened = server.accepted_connections();
  EXPECT_GT(opened, 8u);  // the calls ran side by side, more than a handful of connections
  send_burst(2);
  // The second burst found the first burst's connections waiting (no handshake per call).
  EXPECT_EQ(server.accepted_connections(), opened);
  for (auto conv : convs) EXPECT_EQ(server.private_notes(conv).size(), 2u);
}

TEST_F(gateway_test, AfterStopRowsAreKeptForLater) {
  start();
  const auto conv = server.add_conversation();
  gw->stop();
  const auto r = deliver(reply_row(conv, "Late.", 0));
  EXPECT_FALSE(r.delivered);
  EXPECT_FALSE(r.give_up);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(gateway_test, StartRefusesMissingSettings) {
  auto o = test_options(server);
  o.base_url.clear();
  EXPECT_FALSE(chatwoot_gateway::start(*sys, o));
  o = test_options(server);
  o.account_id = 0;
  EXPECT_FALSE(chatwoot_gateway::start(*sys, o));
  o = test_options(server);
  o.api_token.clear();
  EXPECT_FALSE(chatwoot_gateway::start(*sys, o));
}

test_support::chatwoot_server_options tls_server() {
  test_support::chatwoot_server_options o;
  o.tls = true;
  return o;
}

class tls_gateway_test : public gateway_test {
 protected:
  tls_gateway_test() : gateway_test(tls_server()) {}
};

TEST_F(tls_gateway_test, SelfSignedCertificateIsRejectedUnlessTrusted) {
  start();
  const auto conv = server.add_conversation();
  const auto r = deliver(row_of("priority", conv, R"({"priority":"P1"})"));
  EXPECT_FALSE(r.delivered);
  EXPECT_FALSE(r.give_up) << r.error;  // a transport failure: kept, alerting via the outbox
  EXPECT_TRUE(server.requests().empty());
  EXPECT_FALSE(server.conversation(conv)->priority);
}

TEST_F(tls_gateway_test, TrustedSelfSignedCertificateWorks) {
  auto o = test_options(server);
  o.extra_ca_pem = server.certificate_pem();
  start(o);
  const auto conv = server.add_conversation();
  const auto asked = server.add_customer_message(conv, "Secure?");
  const auto r = deliver(reply_row(conv, "Yes, over TLS.", asked));
  ASSERT_TRUE(r.delivered) << r.error;
  EXPECT_EQ(server.public_replies(conv), std::vector<std::string>{"Yes, over TLS."});
}

}  // namespace
}  // namespace frontdesk::actors::testing
