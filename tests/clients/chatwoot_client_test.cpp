// The Chatwoot client against a real local server speaking Chatwoot's API.
#include "io/chatwoot_client.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/backoff_retry_policy.hpp"
#include "io/http_client.hpp"
#include "tests/support/await.hpp"
#include "tests/support/chatwoot_server.hpp"

using namespace std::chrono_literals;
using namespace frontdesk;
using namespace frontdesk::io;
using test_support::await_result;
using test_support::chatwoot_server;
using test_support::fault;
using test_support::fault_kind;

namespace {

class ChatwootClient : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.start();
    conv_ = server_.add_conversation();
    client_ = std::make_unique<chatwoot_client>(http_, server_.endpoint());
  }

  template <class T, class F>
  cw_result<T> run(F&& f) {
    return await_result<cw_result<T>>([&](auto cb) { f(*client_, cb); });
  }

  cw_result<cw_message> reply(std::int64_t conv, const std::string& text) {
    return run<cw_message>([&](chatwoot_client& c, auto cb) { c.public_reply(conv, text, cb); });
  }

  chatwoot_server server_;
  http_client http_;
  std::unique_ptr<chatwoot_client> client_;
  std::int64_t conv_ = 0;
};

}  // namespace

TEST_F(ChatwootClient, PublicReplyCreatesOneOutgoingMessage) {
  auto m = reply(conv_, "Hi Jane, it ships tomorrow.");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_GT(m->id, 0);
  EXPECT_EQ(m->conversation_id, conv_);
  EXPECT_EQ(m->message_type, cw_message_type::outgoing);
  EXPECT_FALSE(m->is_private);
  EXPECT_EQ(m->content, "Hi Jane, it ships tomorrow.");
  EXPECT_GT(m->created_at, 1700000000);
  EXPECT_EQ(server_.public_replies(conv_), std::vector<std::string>{"Hi Jane, it ships tomorrow."});

  const auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].path,
            "/api/v1/accounts/1/conversations/" + std::to_string(conv_) + "/messages");
  EXPECT_EQ(reqs[0].header("api_access_token"), "test-token");
  auto body = boost::json::parse(reqs[0].body).as_object();
  EXPECT_EQ(body.at("content").as_string(), "Hi Jane, it ships tomorrow.");
  EXPECT_EQ(body.at("message_type").as_string(), "outgoing");
  EXPECT_EQ(body.at("private").as_bool(), false);
  EXPECT_EQ(body.at("content_type").as_string(), "text");
}

TEST_F(ChatwootClient, PrivateNoteIsPrivate) {
  auto m = run<cw_message>(
      [&](chatwoot_client& c, auto cb) { c.private_note(conv_, "Draft: \"quoted\" \u00e9", cb); });
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(m->is_private);
  EXPECT_EQ(server_.private_notes(conv_), std::vector<std::string>{"Draft: \"quoted\" \u00e9"});
  EXPECT_TRUE(server_.public_replies(conv_).empty());
}

TEST_F(ChatwootClient, ListMessagesPagesBackWithBefore) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 30; ++i)
    ids.push_back(server_.add_customer_message(conv_, "m" + std::to_string(i)));
  auto latest = run<cw_message_page>(
      [&](chatwoot_client& c, auto cb) { c.list_messages(conv_, std::nullopt, cb); });
  ASSERT_TRUE(latest) << latest.error().message;
  ASSERT_EQ(latest->messages.size(), 20u);
  EXPECT_EQ(latest->messages.front().id, ids[10]);
  EXPECT_EQ(latest->messages.back().id, ids[29]);
  EXPECT_EQ(latest->messages.back().message_type, cw_message_type::incoming);
  EXPECT_EQ(latest->messages.back().sender_type, "Contact");

  auto older = run<cw_message_page>(
      [&](chatwoot_client& c, auto cb) { c.list_messages(conv_, ids[10], cb); });
  ASSERT_TRUE(older);
  ASSERT_EQ(older->messages.size(), 10u);
  EXPECT_EQ(older->messages.front().content, "m0");
  EXPECT_EQ(server_.requests().back().target, "/api/v1/accounts/1/conversations/" +
                                                  std::to_string(conv_) +
                                                  "/messages?before=" + std::to_string(ids[10]));
}

TEST_F(ChatwootClient, GetConversationCarriesStateAndLastMessage) {
  server_.add_customer_message(conv_, "Where is my order?");
  auto c =
      run<cw_conversation>([&](chatwoot_client& cl, auto cb) { cl.get_conversation(conv_, cb); });
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->id, conv_);
  EXPECT_EQ(c->status, "open");
  EXPECT_EQ(c->channel, "Channel::WebWidget");
  EXPECT_EQ(c->contact.name, "Jane Doe");
  EXPECT_EQ(c->contact.email, "jane@example.com");
  EXPECT_FALSE(c->priority.has_value());
  ASSERT_TRUE(c->last_message.has_value());
  EXPECT_EQ(c->last_message->content, "Where is my order?");
  EXPECT_GT(c->last_activity_at, 0);
}

TEST_F(ChatwootClient, ListConversationsFiltersByStatusAndPages) {
  for (int i = 0; i < 30; ++i) server_.add_conversation("open");
  server_.add_conversation("resolved");
  auto p1 = run<cw_conversation_page>(
      [&](chatwoot_client& c, auto cb) { c.list_conversations("open", 1, cb); });
  ASSERT_TRUE(p1) << p1.error().message;
  EXPECT_EQ(p1->conversations.size(), 25u);
  EXPECT_EQ(p1->all_count, 31);
  auto p2 = run<cw_conversation_page>(
      [&](chatwoot_client& c, auto cb) { c.list_conversations("open", 2, cb); });
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->conversations.size(), 6u);
  auto resolved = run<cw_conversation_page>(
      [&](chatwoot_client& c, auto cb) { c.list_conversations("resolved", 1, cb); });
  ASSERT_TRUE(resolved);
  ASSERT_EQ(resolved->conversations.size(), 1u);
  EXPECT_EQ(resolved->conversations[0].status, "resolved");
  const auto last = server_.requests().back();
  EXPECT_EQ(last.query.at("assignee_type"), "all");
  EXPECT_EQ(last.query.at("status"), "resolved");
}

TEST_F(ChatwootClient, AssignAgentAndTeam) {
  auto a = run<cw_assignee>([&](chatwoot_client& c, auto cb) { c.assign_agent(conv_, 12, cb); });
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->id, 12);
  EXPECT_EQ(a->name, "Sam Agent");
  auto t = run<cw_assignee>([&](chatwoot_client& c, auto cb) { c.assign_team(conv_, 3, cb); });
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->name, "Support");
  auto conv = server_.conversation(conv_);
  EXPECT_EQ(conv->assignee_id, 12);
  EXPECT_EQ(conv->team_id, 3);
  auto got =
      run<cw_conversation>([&](chatwoot_client& c, auto cb) { c.get_conversation(conv_, cb); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->assignee_id, 12);
  EXPECT_EQ(got->team_id, 3);

  auto missing =
      run<cw_assignee>([&](chatwoot_client& c, auto cb) { c.assign_agent(conv_, 999, cb); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, chatwoot_error_kind::not_found);
}

TEST_F(ChatwootClient, AddLabelsKeepsLabelsSetByOthers) {
  auto set = run<std::vector<std::string>>(
      [&](chatwoot_client& c, auto cb) { c.set_labels(conv_, {"vip"}, cb); });
  ASSERT_TRUE(set) << set.error().message;
  auto added = run<std::vector<std::string>>([&](chatwoot_client& c, auto cb) {
    c.add_labels(conv_, {"shipping", "vip"}, cb);
  });
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(*added, (std::vector<std::string>{"vip", "shipping"}));
  EXPECT_EQ(server_.conversation(conv_)->labels, (std::vector<std::string>{"vip", "shipping"}));
  auto got =
      run<std::vector<std::string>>([&](chatwoot_client& c, auto cb) { c.get_labels(conv_, cb); });
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, (std::vector<std::string>{"vip", "shipping"}));
  // Nothing new to add: read only, no write.
  server_.clear_requests();
  auto again = run<std::vector<std::string>>(
      [&](chatwoot_client& c, auto cb) { c.add_labels(conv_, {"shipping"}, cb); });
  ASSERT_TRUE(again);
  EXPECT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].method, "GET");
}

TEST_F(ChatwootClient, ToggleStatusAndRejectInvalid) {
  auto r = run<cw_status_result>(
      [&](chatwoot_client& c, auto cb) { c.toggle_status(conv_, "resolved", cb); });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->success);
  EXPECT_EQ(r->current_status, "resolved");
  EXPECT_EQ(r->conversation_id, conv_);
  EXPECT_EQ(server_.conversation(conv_)->status, "resolved");
  auto bad = run<cw_status_result>(
      [&](chatwoot_client& c, auto cb) { c.toggle_status(conv_, "closed", cb); });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, chatwoot_error_kind::unprocessable);
  EXPECT_EQ(bad.error().status, 422);
}

TEST_F(ChatwootClient, TogglePrioritySetsAndClears) {
  auto r = run<bool>([&](chatwoot_client& c, auto cb) { c.toggle_priority(conv_, "urgent", cb); });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(server_.conversation(conv_)->priority, "urgent");
  r = run<bool>([&](chatwoot_client& c, auto cb) { c.toggle_priority(conv_, std::nullopt, cb); });
  ASSERT_TRUE(r);
  EXPECT_FALSE(server_.conversation(conv_)->priority.has_value());
  r = run<bool>([&](chatwoot_client& c, auto cb) { c.toggle_priority(conv_, "P0", cb); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, chatwoot_error_kind::unprocessable);
}

TEST_F(ChatwootClient, CustomAttributesReplaceAndValidate) {
  auto r = run<std::string>([&](chatwoot_client& c, auto cb) {
    c.set_custom_attributes(conv_, R"({"order_number":"1042","vip":true,"n":3})", cb);
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(boost::json::parse(*r),
            boost::json::parse(R"({"order_number":"1042","vip":true,"n":3})"));
  EXPECT_EQ(boost::json::parse(server_.conversation(conv_)->custom_attributes_json),
            boost::json::parse(*r));
  server_.clear_requests();
  for (const char* bad : {"[1,2]", "not json", "\"str\"", "{\"a\":"}) {
    auto e = run<std::string>(
        [&](chatwoot_client& c, auto cb) { c.set_custom_attributes(conv_, bad, cb); });
    ASSERT_FALSE(e) << bad;
    EXPECT_EQ(e.error().kind, chatwoot_error_kind::invalid_argument);
  }
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(ChatwootClient, AgentsAndHealth) {
  auto agents = run<std::vector<cw_agent>>([&](chatwoot_client& c, auto cb) { c.list_agents(cb); });
  ASSERT_TRUE(agents) << agents.error().message;
  ASSERT_EQ(agents->size(), 2u);
  EXPECT_EQ((*agents)[1].email, "sam@acme.example");
  EXPECT_EQ((*agents)[0].role, "administrator");
  auto h = run<std::string>([&](chatwoot_client& c, auto cb) { c.health(cb); });
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_EQ(*h, "woot");
  EXPECT_FALSE(server_.requests().back().header("api_access_token").has_value());
}

TEST_F(ChatwootClient, ErrorStatusesAreMapped) {
  chatwoot_endpoint wrong = server_.endpoint();
  wrong.api_token = "nope";
  chatwoot_client bad(http_, wrong);
  auto unauthorized =
      await_result<cw_result<cw_message>>([&](auto cb) { bad.public_reply(conv_, "x", cb); });
  ASSERT_FALSE(unauthorized);
  EXPECT_EQ(unauthorized.error().kind, chatwoot_error_kind::unauthorized);
  EXPECT_EQ(unauthorized.error().message, "Invalid Access Token");
  EXPECT_TRUE(server_.public_replies(conv_).empty());

  auto missing =
      run<cw_conversation>([&](chatwoot_client& c, auto cb) { c.get_conversation(9999, cb); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, chatwoot_error_kind::not_found);
  EXPECT_EQ(missing.error().message, "Resource could not be found");

  auto blank = reply(conv_, "");
  ASSERT_FALSE(blank);
  EXPECT_EQ(blank.error().kind, chatwoot_error_kind::unprocessable);
  EXPECT_EQ(blank.error().message, "Content can't be blank (attributes: content)");

  const auto d = domain::decide_retry(blank.error().outcome(), 1, {}, {}, 0.5);
  EXPECT_EQ(d.verdict, domain::retry_verdict::give_up);
}

TEST_F(ChatwootClient, ServerErrorsAreRetryable) {
  server_.inject(fault{fault_kind::status_500, 2});
  auto first = reply(conv_, "hello");
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().kind, chatwoot_error_kind::server_error);
  EXPECT_FALSE(first.error().ambiguous);
  EXPECT_EQ(domain::decide_retry(first.error().outcome(), 1, {}, {}, 0.5).verdict,
            domain::retry_verdict::retry);
  EXPECT_FALSE(reply(conv_, "hello"));
  ASSERT_TRUE(reply(conv_, "hello"));
  EXPECT_EQ(server_.public_replies(conv_).size(), 1u);
}

TEST_F(ChatwootClient, RateLimitCarriesRetryAfter) {
  server_.inject(fault{fault_kind::rate_limit_429, 1, 0ms, "7"});
  auto r = reply(conv_, "hello");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, chatwoot_error_kind::rate_limited);
  EXPECT_EQ(r.error().status, 429);
  EXPECT_EQ(r.error().retry_after, 7s);
  EXPECT_EQ(r.error().message, "Retry later\n");
  const auto d = domain::decide_retry(r.error().outcome(), 1, {}, {}, 0.5);
  EXPECT_EQ(d.verdict, domain::retry_verdict::retry);
  EXPECT_GE(d.delay, 7000ms);
  EXPECT_TRUE(server_.public_replies(conv_).empty());
}

TEST_F(ChatwootClient, ResetAfterProcessingIsAmbiguousAndFindReplyFindsIt) {
  server_.add_customer_message(conv_, "Where is my order?");
  auto before = run<cw_message_page>(
      [&](chatwoot_client& c, auto cb) { c.list_messages(conv_, std::nullopt, cb); });
  ASSERT_TRUE(before);
  const auto watermark = before->messages.back().id;

  server_.inject(fault{fault_kind::reset_after_processing});
  const std::string text = "Hi Jane, your parcel left the warehouse today.";
  auto sent = reply(conv_, text);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, chatwoot_error_kind::transport);
  EXPECT_EQ(sent.error().transport, client_error_kind::reset_before_response);
  EXPECT_TRUE(sent.error().ambiguous);
  EXPECT_EQ(domain::decide_retry(sent.error().outcome(), 1, {}, {}, 0.5).verdict,
            domain::retry_verdict::check_then_retry);

  auto found = run<std::optional<std::int64_t>>(
      [&](chatwoot_client& c, auto cb) { c.find_sent_reply(conv_, text, watermark, cb); });
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(server_.messages(conv_).back().id, **found);
  EXPECT_EQ(server_.public_replies(conv_).size(), 1u);  // not sent again
}

TEST_F(ChatwootClient, ResetBeforeProcessingIsAmbiguousButNothingWasCreated) {
  const std::string text = "Thanks for waiting!";
  server_.inject(fault{fault_kind::reset_before_processing});
  auto sent = reply(conv_, text);
  ASSERT_FALSE(sent);
  EXPECT_TRUE(sent.error().ambiguous);
  auto found = run<std::optional<std::int64_t>>(
      [&](chatwoot_client& c, auto cb) { c.find_sent_reply(conv_, text, 0, cb); });
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
  ASSERT_TRUE(reply(conv_, text));
  EXPECT_EQ(server_.public_replies(conv_), std::vector<std::string>{text});
}

TEST_F(ChatwootClient, FindSentReplyPagesBackAndIgnoresOlderCopies) {
  server_.add_agent_reply(conv_, "Thanks!");  // an older identical reply by a human
  std::int64_t watermark = 0;
  for (int i = 0; i < 5; ++i)
    watermark = server_.add_customer_message(conv_, "ping " + std::to_string(i));
  auto old_only = run<std::optional<std::int64_t>>(
      [&](chatwoot_client& c, auto cb) { c.find_sent_reply(conv_, "Thanks!", watermark, cb); });
  ASSERT_TRUE(old_only);
  EXPECT_FALSE(old_only->has_value());

  auto mine = reply(conv_, "Thanks!");
  ASSERT_TRUE(mine);
  for (int i = 0; i < 45; ++i) server_.add_customer_message(conv_, "later " + std::to_string(i));
  auto found = run<std::optional<std::int64_t>>(
      [&](chatwoot_client& c, auto cb) { c.find_sent_reply(conv_, "Thanks!", watermark, cb); });
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, mine->id);  // needed three pages

  auto capped = run<std::optional<std::int64_t>>([&](chatwoot_client& c, auto cb) {
    c.find_sent_reply(conv_, "never sent", watermark, cb, 1);
  });
  ASSERT_FALSE(capped);
  EXPECT_TRUE(capped.error().ambiguous);
}

TEST_F(ChatwootClient, TimeoutAfterSendingIsAmbiguous) {
  chatwoot_endpoint ep = server_.endpoint();
  ep.timeout = 1000ms;
  chatwoot_client fast(http_, ep);
  server_.inject(fault{fault_kind::delay, 1, 20000ms});
  auto sent = await_result<cw_result<cw_message>>(
      [&](auto cb) { fast.public_reply(conv_, "slow one", cb); });
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().transport, client_error_kind::timeout);
  EXPECT_TRUE(sent.error().ambiguous);
  auto found = run<std::optional<std::int64_t>>(
      [&](chatwoot_client& c, auto cb) { c.find_sent_reply(conv_, "slow one", 0, cb); });
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->has_value());
}

TEST_F(ChatwootClient, InvalidJsonAfterPostIsAmbiguousButNotAfterGet) {
  server_.inject(fault{fault_kind::invalid_json});
  auto sent = reply(conv_, "half");
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, chatwoot_error_kind::invalid_response);
  EXPECT_TRUE(sent.error().ambiguous);
  EXPECT_EQ(server_.public_replies(conv_).size(), 1u);
  server_.inject(fault{fault_kind::invalid_json});
  auto listed = run<cw_message_page>(
      [&](chatwoot_client& c, auto cb) { c.list_messages(conv_, std::nullopt, cb); });
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().kind, chatwoot_error_kind::invalid_response);
  EXPECT_FALSE(listed.error().ambiguous);
}

TEST_F(ChatwootClient, ConnectionIsReused) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(reply(conv_, "msg " + std::to_string(i)));
  }
  EXPECT_EQ(server_.accepted_connections(), 1u);
  EXPECT_EQ(http_.stats().connections_opened, 1u);
  EXPECT_EQ(http_.stats().connections_reused, 9u);
}

TEST_F(ChatwootClient, ConnectFailureIsNotAmbiguous) {
  chatwoot_endpoint ep = server_.endpoint();
  server_.stop();
  chatwoot_client c(http_, ep);
  auto r = await_result<cw_result<cw_message>>([&](auto cb) { c.public_reply(311, "x", cb); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().transport, client_error_kind::connect_failed);
  EXPECT_FALSE(r.error().ambiguous);
  EXPECT_EQ(domain::decide_retry(r.error().outcome(), 1, {}, {}, 0.5).verdict,
            domain::retry_verdict::retry);
}

TEST(ChatwootClientTls, SelfSignedRejectedUnlessTrusted) {
  test_support::chatwoot_server_options o;
  o.tls = true;
  chatwoot_server server(o);
  server.start();
  const auto conv = server.add_conversation();
  {
    http_client strict;
    chatwoot_client c(strict, server.endpoint());
    auto r = await_result<cw_result<cw_message>>([&](auto cb) { c.public_reply(conv, "x", cb); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().transport, client_error_kind::tls_failed);
    EXPECT_FALSE(r.error().ambiguous);
    EXPECT_TRUE(server.requests().empty());
  }
  http_client_options trust;
  trust.extra_ca_pem = server.certificate_pem();
  http_client trusting(trust);
  chatwoot_client c(trusting, server.endpoint());
  for (int i = 0; i < 3; ++i) {
    auto r =
        await_result<cw_result<cw_message>>([&](auto cb) { c.public_reply(conv, "tls ok", cb); });
    ASSERT_TRUE(r) << r.error().message;
  }
  EXPECT_EQ(server.public_replies(conv).size(), 3u);
  EXPECT_EQ(trusting.stats().connections_opened, 1u);  // TLS sessions are pooled too
}
