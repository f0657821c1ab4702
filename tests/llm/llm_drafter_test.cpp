// The LLM drafter end to end on a real actor system: a local OpenAI-compatible server, the
// embedded index or a local knowledge service, and every failure path of the pipeline.

#include "actors/llm_drafter.hpp"

#include <boost/json.hpp>
#include <future>
#include <thread>

#include "llm_fixture.hpp"
#include "tests/support/openai_server.hpp"
#include "tests/support/rag_server.hpp"

namespace frontdesk::actors::testing {
namespace {

using test_support::fault;
using test_support::fault_kind;
using test_support::openai_server;
using test_support::rag_document;
using test_support::rag_server;
using test_support::recorded_request;

bool has_flag(const draft_content& d, std::string_view f) {
  return std::find(d.flags.begin(), d.flags.end(), f) != d.flags.end();
}

bool starts_with(const std::string& s, std::string_view p) {
  return s.rfind(p, 0) == 0;
}

io::draft_answer shipping_answer() {
  io::draft_answer a;
  a.draft =
      "Hi Jane,\n\nStandard shipping is $5.99 and takes 3-5 business days.\n\nCustomer Support";
  a.confidence = 0.88;
  a.tags = {"shipping"};
  a.sentiment = "neutral";
  a.urgency = io::draft_urgency::low;
  a.recommended_action = io::draft_action::approve;
  a.sources = {"shipping"};
  return a;
}

/// A grounded fake model: cites "shipping" only when the prompt listed that passage.
std::string grounded_answer(const recorded_request& r) {
  auto a = shipping_answer();
  if (r.body.find(R"(\"id\":\"shipping\")") == std::string::npos) a.sources.clear();
  return io::to_json(a);
}

std::string system_prompt(const recorded_request& r) {
  auto body = boost::json::parse(r.body).as_object();
  return std::string(body.at("messages").as_array()[0].at("content").as_string());
}

draft_request_ptr shipping_request(std::int64_t conv = 42, std::uint64_t id = 1) {
  auto r = std::make_shared<draft_request>();
  r->conversation_id = conv;
  r->request_id = id;
  r->customer_message = "How much does standard shipping cost?";
  r->channel = domain::channel::email;
  r->contact.name = "Jane Doe";
  r->custom_attributes = {{"order_number", "1042"}};
  r->intent = "shipping";
  r->intent_certainty = 0.8;
  r->sentiment_label = "neutral";
  return r;
}

class llm_drafter_test : public actor_test {
 protected:
  llm_drafter_test() {
    llm_.start();
    llm_.set_answer_fn(grounded_answer);
  }

  llm_drafter_options options() {
    llm_drafter_options o;
    const auto c = llm_.chat_options();
    o.base_url = c.base_url;
    o.api_key = c.api_key;
    o.model = c.model;
    o.timeout = 2s;
    o.deadline = 5s;
    o.prices = io::token_prices{2.5, 10.0};
    o.gateway = fast_gateway("llm");
    o.kb.kb_dir = kb_dir;
    o.kb.embedded.refresh_every = 0ms;
    o.kb.rag.gateway = fast_gateway("knowledge");
    o.kb.rag.gateway.budget.max_attempts = 2;
    o.kb.rag.attempt_timeout = 1s;
    o.kb.rag.deadline = 2s;
    return o;
  }

  caf::actor drafter(llm_drafter_options o) { return own(spawn_llm_drafter(*sys_, std::move(o))); }

  /// Waits (bounded) until the drafter has nothing in progress.
  llm_drafter_stats settle(const caf::actor& d) {
    llm_drafter_stats s;
    for (int i = 0; i < 200; ++i) {
      s = stats<llm_drafter_stats>(d);
      if (s.in_progress == 0) break;
      std::this_thread::sleep_for(25ms);
    }
    return s;
  }

  openai_server llm_;
};

TEST_F(llm_drafter_test, drafts_with_sources_confidence_and_recorded_cost) {
  auto d = drafter(options());
  auto r = draft(d, shipping_request());
  ASSERT_TRUE(r->ok) << r->failure;
  const draft_content& c = r->draft;
  EXPECT_EQ(c.text, shipping_answer().draft);
  EXPECT_EQ(c.drafter_version, "llm:gpt-test");
  EXPECT_EQ(c.intent, "shipping");
  const auto sources = boost::json::parse(c.sources_json).as_array();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].at("id").as_string(), "shipping");
  EXPECT_GE(sources[0].at("relevance").as_double(), 0.7);
  EXPECT_GT(c.confidence, 0.5);
  EXPECT_LE(c.confidence, 1.0);
  EXPECT_FALSE(has_flag(c, "knowledge_unavailable"));
  EXPECT_FALSE(has_flag(c, "invented_sources"));
  EXPECT_EQ(c.tags_json, R"(["shipping"])");

  const auto usage = boost::json::parse(c.usage_json).as_object();
  EXPECT_EQ(usage.at("prompt_tokens").as_int64(), 120);
  EXPECT_EQ(usage.at("completion_tokens").as_int64(), 48);
  EXPECT_DOUBLE_EQ(usage.at("cost_usd").as_double(), (120 * 2.5 + 48 * 10.0) / 1e6);
  EXPECT_EQ(usage.at("attempts").as_int64(), 1);

  // What the model was asked.
  const auto reqs = llm_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const auto body = boost::json::parse(reqs[0].body).as_object();
  EXPECT_EQ(body.at("model").as_string(), "gpt-test");
  EXPECT_TRUE(body.contains("response_format"));
  const std::string sys = system_prompt(reqs[0]);
  EXPECT_NE(sys.find(R"("id":"shipping")"), std::string::npos);
  EXPECT_NE(sys.find("first name: Jane"), std::string::npos);
  EXPECT_NE(reqs[0].body.find("How much does standard shipping cost?"), std::string::npos);
  EXPECT_NE(reqs[0].body.find("1042"), std::string::npos);

  // A second draft: running totals.
  ASSERT_TRUE(draft(d, shipping_request(43, 1))->ok);
  const auto s = stats<llm_drafter_stats>(d);
  EXPECT_EQ(s.requests, 2u);
  EXPECT_EQ(s.drafted, 2u);
  EXPECT_EQ(s.prompt_tokens, 240);
  EXPECT_EQ(s.completion_tokens, 96);
  EXPECT_DOUBLE_EQ(s.cost_usd, 2 * (120 * 2.5 + 48 * 10.0) / 1e6);
}

TEST_F(llm_drafter_test, invented_source_ids_are_dropped_and_flagged) {
  auto a = shipping_answer();
  a.sources = {"shipping", "kb-secret-discounts"};
  llm_.set_answer(a);
  auto d = drafter(options());
  auto r = draft(d, shipping_request());
  ASSERT_TRUE(r->ok) << r->failure;
  EXPECT_TRUE(has_flag(r->draft, "invented_sources"));
  const auto sources = boost::json::parse(r->draft.sources_json).as_array();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].at("id").as_string(), "shipping");
  EXPECT_EQ(stats<llm_drafter_stats>(d).invented_sources, 1u);
}

TEST_F(llm_drafter_test, invalid_output_is_retried_once_then_ai_unavailable) {
  auto d = drafter(options());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Sure! Here is your draft: Hi Jane...", "stop"},          // not JSON
      {R"({"draft":"Hi","confidence":0.9})", "stop"},            // wrong schema
      {io::to_json(shipping_answer()).substr(0, 40), "length"},  // truncated
  };
  std::size_t before = 0;
  for (const auto& [content, finish] : cases) {
    llm_.set_answer_content(content);
    llm_.set_finish_reason(finish);
    auto r = draft(d, shipping_request());
    EXPECT_FALSE(r->ok);
    EXPECT_TRUE(starts_with(r->failure, "ai_unavailable:")) << r->failure;
    const std::size_t now = llm_.requests().size();
    EXPECT_EQ(now - before, 2u) << content;  // one retry, no more
    before = now;
  }
  const auto s = stats<llm_drafter_stats>(d);
  EXPECT_EQ(s.failed, 3u);
  EXPECT_EQ(s.invalid_answers, 6u);
  EXPECT_EQ(s.prompt_tokens, 6 * 120);  // unusable answers still cost tokens
}

TEST_F(llm_drafter_test, one_invalid_answer_then_a_valid_one_drafts) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  llm_.set_answer_fn([calls](const recorded_request& r) {
    return ++*calls == 1 ? std::string("{\"draft\":") : grounded_answer(r);
  });
  auto r = draft(drafter(options()), shipping_request());
  ASSERT_TRUE(r->ok) << r->failure;
  EXPECT_EQ(llm_.requests().size(), 2u);
  EXPECT_EQ(boost::json::parse(r->draft.usage_json).at("attempts").as_int64(), 2);
}

TEST_F(llm_drafter_test, server_errors_are_retried_until_success) {
  llm_.inject(fault{fault_kind::status_500, 2});
  auto r = draft(drafter(options()), shipping_request());
  ASSERT_TRUE(r->ok) << r->failure;
  EXPECT_EQ(llm_.requests().size(), 3u);
  EXPECT_EQ(boost::json::parse(r->draft.usage_json).at("attempts").as_int64(), 3);
}

TEST_F(llm_drafter_test, server_errors_past_the_budget_are_ai_unavailable) {
  llm_.inject(fault{fault_kind::status_500, 10});
  auto r = draft(drafter(options()), shipping_request());
  EXPECT_FALSE(r->ok);
  EXPECT_TRUE(starts_with(r->failure, "ai_unavailable: failed after 3 attempts")) << r->failure;
  EXPECT_EQ(llm_.requests().size(), 3u);
}

TEST_F(llm_drafter_test, rate_limit_retry_after_is_honoured) {
  // Retry-After 1 s within a 5 s deadline: waits, then succeeds on the second request.
  fault f{fault_kind::rate_limit_429, 1};
  f.retry_after = "1";
  llm_.inject(f);
  auto d = drafter(options());
  auto r = draft(d, shipping_request());
  ASSERT_TRUE(r->ok) << r->failure;
  EXPECT_EQ(llm_.requests().size(), 2u);

  // Retry-After 4 s with a 1 s deadline: the gateway does not retry early (a plain backoff
  // would have retried after a few ms); it gives up at once.
  auto o = options();
  o.deadline = 1s;
  o.gateway.budget.max_retry_after = 10s;
  auto d2 = drafter(o);
  f.retry_after = "4";
  llm_.inject(f);
  auto r2 = draft(d2, shipping_request());
  EXPECT_FALSE(r2->ok);
  EXPECT_TRUE(starts_with(r2->failure, "ai_unavailable: deadline_exceeded")) << r2->failure;
  EXPECT_EQ(llm_.requests().size(), 3u);  // just the one 429 more
}

TEST_F(llm_drafter_test, slow_model_past_the_deadline_is_ai_unavailable) {
  fault f{fault_kind::delay, 1};
  f.delay = 1500ms;
  llm_.inject(f);
  auto o = options();
  o.deadline = 300ms;
  o.timeout = 5s;
  auto d = drafter(o);
  auto r = draft(d, shipping_request());
  EXPECT_FALSE(r->ok);
  EXPECT_TRUE(starts_with(r->failure, "ai_unavailable: deadline_exceeded")) << r->failure;
  // The late answer changes nothing.
  const auto s = settle(d);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.drafted, 0u);
}

TEST_F(llm_drafter_test, breaker_opens_and_later_drafts_fail_fast) {
  llm_.inject(fault{fault_kind::status_500, 100});
  auto o = options();
  o.gateway.breaker.consecutive_failures = 3;
  auto d = drafter(o);
  auto first = draft(d, shipping_request(1, 1));
  EXPECT_FALSE(first->ok);
  EXPECT_EQ(llm_.requests().size(), 3u);
  for (std::int64_t conv = 2; conv < 5; ++conv) {
    auto r = draft(d, shipping_request(conv, 1));
    EXPECT_FALSE(r->ok);
    EXPECT_TRUE(starts_with(r->failure, "ai_unavailable: circuit_open")) << r->failure;
  }
  EXPECT_EQ(llm_.requests().size(), 3u);  // nothing reached the server
}

TEST_F(llm_drafter_test, knowledge_service_down_drafts_flagged_with_lower_confidence) {
  rag_server rag;
  rag.set_documents(
      {{"shipping", "Shipping options, costs and delivery times", 3, "Shipping methods and costs",
        "How much does standard shipping cost? Standard shipping costs $5.99 and takes 3 to 5 "
        "business days."}});
  rag.start();
  std::string dead_url;
  {
    rag_server gone;
    gone.start();
    dead_url = gone.base_url();
  }
  auto up = options();
  up.kb.rag_url = rag.base_url();
  auto down = options();
  down.kb.rag_url = dead_url;

  auto with = draft(drafter(up), shipping_request(1, 1));
  ASSERT_TRUE(with->ok) << with->failure;
  EXPECT_FALSE(has_flag(with->draft, "knowledge_unavailable"));
  EXPECT_NE(with->draft.sources_json.find("shipping"), std::string::npos);
  EXPECT_EQ(rag.requests().size(), 1u);

  auto without = draft(drafter(down), shipping_request(2, 1));
  ASSERT_TRUE(without->ok) << without->failure;
  EXPECT_TRUE(has_flag(without->draft, "knowledge_unavailable"));
  EXPECT_TRUE(has_flag(without->draft, "low_confidence"));
  EXPECT_LT(without->draft.confidence, with->draft.confidence);
  EXPECT_EQ(without->draft.sources_json, "[]");
  EXPECT_EQ(without->draft.recommended_action, "edit");
  const auto reqs = llm_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_NE(system_prompt(reqs[1]).find("could not be queried"), std::string::npos);
}

TEST_F(llm_drafter_test, hostile_knowledge_answer_means_knowledge_unavailable) {
  rag_server rag;
  rag.start();
  rag.set_raw_body(R"({"results":[{"id":"shipping","text":{"$gt":""},"score":"high"}]})");
  auto o = options();
  o.kb.rag_url = rag.base_url();
  auto r = draft(drafter(o), shipping_request());
  ASSERT_TRUE(r->ok) << r->failure;
  EXPECT_TRUE(has_flag(r->draft, "knowledge_unavailable"));
}

TEST_F(llm_drafter_test, streaming_mode_works_end_to_end) {
  auto o = options();
  o.stream = true;
  auto r = draft(drafter(o), shipping_request());
  ASSERT_TRUE(r->ok) << r->failure;
  EXPECT_EQ(r->draft.text, shipping_answer().draft);
  EXPECT_EQ(boost::json::parse(r->draft.usage_json).at("prompt_tokens").as_int64(), 120);
  const auto reqs = llm_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_TRUE(boost::json::parse(reqs[0].body).at("stream").as_bool());
}

TEST_F(llm_drafter_test, cancelled_request_still_queued_costs_no_llm_call) {
  fault slow{fault_kind::delay, 1};
  slow.delay = 600ms;
  llm_.inject(slow);
  auto o = options();
  o.gateway.max_in_flight = 1;
  auto d = drafter(o);
  auto first = std::async(std::launch::async, [&] { return draft(d, shipping_request(1, 1)); });
  for (int i = 0; i < 200 && llm_.requests().empty(); ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(llm_.requests().size(), 1u);
  auto second = std::async(std::launch::async, [&] { return draft(d, shipping_request(2, 7)); });
  for (int i = 0; i < 200 && stats<llm_drafter_stats>(d).in_progress < 2; ++i)
    std::this_thread::sleep_for(5ms);
  caf::anon_send(d, cancel_atom::value, std::int64_t{2}, std::uint64_t{7});
  auto r2 = second.get();
  EXPECT_FALSE(r2->ok);
  EXPECT_EQ(r2->failure, "cancelled");
  auto r1 = first.get();
  EXPECT_TRUE(r1->ok) << r1->failure;
  const auto s = settle(d);
  EXPECT_EQ(s.cancelled, 1u);
  EXPECT_EQ(s.cancelled_before_call, 1u);
  EXPECT_EQ(llm_.requests().size(), 1u);
  // Withdrawn is not failed: the model is fine, and operators are not told otherwise.
  gateway_stats g;
  caf::scoped_actor self{*sys_};
  self->request(d, 10s, gateway_stats_atom::value)
      .receive([&](const gateway_stats& x) { g = x; },
               [](const caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
  EXPECT_EQ(g.cancelled, 1u);
  EXPECT_EQ(g.failed, 0u);
  EXPECT_EQ(g.last_error, "");
}

TEST_F(llm_drafter_test, cancel_before_the_request_answers_cancelled_without_a_call) {
  auto d = drafter(options());
  caf::anon_send(d, cancel_atom::value, std::int64_t{9}, std::uint64_t{3});
  auto r = draft(d, shipping_request(9, 3));
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->failure, "cancelled");
  EXPECT_TRUE(llm_.requests().empty());
}

TEST_F(llm_drafter_test, many_drafts_in_flight_at_once) {
  auto o = options();
  o.gateway.max_in_flight = 64;
  auto d = drafter(o);
  std::vector<std::future<draft_reply_ptr>> all;
  for (std::int64_t conv = 1; conv <= 40; ++conv) {
    all.push_back(
        std::async(std::launch::async, [&, conv] { return draft(d, shipping_request(conv, 1)); }));
  }
  int ok = 0;
  for (auto& f : all) ok += f.get()->ok ? 1 : 0;
  EXPECT_EQ(ok, 40);
  EXPECT_EQ(llm_.requests().size(), 40u);
  EXPECT_EQ(stats<llm_drafter_stats>(d).drafted, 40u);
}

}  // namespace
}  // namespace frontdesk::actors::testing

namespace frontdesk::actors::testing {
namespace {

TEST_F(llm_drafter_test, talks_tls_to_a_model_with_a_private_ca) {
  test_support::openai_server_options so;
  so.tls = true;
  openai_server tls(so);
  tls.start();
  auto o = options();
  o.base_url = tls.base_url();
  o.extra_ca_pem = tls.certificate_pem();
  auto r = draft(drafter(o), shipping_request());
  ASSERT_TRUE(r->ok) << r->failure;
  EXPECT_EQ(tls.requests().size(), 1u);
  EXPECT_TRUE(starts_with(tls.base_url(), "https://"));

  auto untrusted = options();
  untrusted.base_url = tls.base_url();  // no extra CA: the certificate is refused
  auto refused = draft(drafter(untrusted), shipping_request(2, 1));
  EXPECT_FALSE(refused->ok);
  EXPECT_TRUE(starts_with(refused->failure, "ai_unavailable:")) << refused->failure;
  EXPECT_EQ(tls.requests().size(), 1u);
}

}  // namespace
}  // namespace frontdesk::actors::testing
