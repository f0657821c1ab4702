// The OpenAI client against a real local OpenAI-compatible server, JSON and SSE.
#include "io/openai_chat.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "io/http_client.hpp"
#include "io/openai_stream.hpp"
#include "tests/support/await.hpp"
#include "tests/support/openai_server.hpp"

using namespace std::chrono_literals;
using namespace frontdesk;
using namespace frontdesk::io;
using test_support::await_result;
using test_support::fault;
using test_support::fault_kind;
using test_support::openai_server;

namespace {

const std::vector<chat_message> prompt = {{"system", "You draft support replies."},
                                          {"user", "Where is my order #1042?"}};

class OpenAiChat : public ::testing::Test {
 protected:
  void SetUp() override { server_.start(); }

  chat_result complete(bool stream) {
    auto o = server_.chat_options();
    o.stream = stream;
    o.prices = token_prices{2.5, 10.0};
    openai_chat_client client(http_, o);
    return await_result<chat_result>([&](auto cb) { client.complete(prompt, cb); });
  }

  void expect_invalid(const std::string& content, const std::string& why_contains) {
    server_.set_answer_content(content);
    for (bool stream : {false, true}) {
      auto r = complete(stream);
      ASSERT_FALSE(r) << content;
      EXPECT_EQ(r.error().kind, openai_error_kind::invalid_answer) << content;
      EXPECT_NE(r.error().message.find(why_contains), std::string::npos) << r.error().message;
      EXPECT_EQ(r.error().usage.completion_tokens, 48);  // tokens were spent anyway
    }
  }

  openai_server server_;
  http_client http_;
};

}  // namespace

TEST_F(OpenAiChat, ValidAnswerIsParsedWithUsageAndCost) {
  auto r = complete(false);
  ASSERT_TRUE(r) << r.error().message;
  const auto expected = openai_server::sample_answer();
  EXPECT_EQ(r->answer.draft, expected.draft);
  EXPECT_DOUBLE_EQ(r->answer.confidence, 0.86);
  EXPECT_EQ(r->answer.tags, expected.tags);
  EXPECT_EQ(r->answer.urgency, draft_urgency::medium);
  EXPECT_EQ(r->answer.recommended_action, draft_action::approve);
  EXPECT_EQ(r->answer.sources, expected.sources);
  EXPECT_EQ(r->usage.prompt_tokens, 120);
  EXPECT_EQ(r->usage.completion_tokens, 48);
  EXPECT_EQ(r->usage.total_tokens, 168);
  EXPECT_DOUBLE_EQ(r->cost_usd, 120 * 2.5 / 1e6 + 48 * 10.0 / 1e6);
  EXPECT_EQ(r->model, "gpt-test");
  EXPECT_EQ(r->finish_reason, "stop");

  const auto reqs = server_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/v1/chat/completions");
  EXPECT_EQ(reqs[0].header("Authorization"), "Bearer sk-test");
  auto body = boost::json::parse(reqs[0].body).as_object();
  EXPECT_EQ(body.at("model").as_string(), "gpt-test");
  EXPECT_EQ(body.at("messages").as_array().size(), 2u);
  EXPECT_EQ(body.at("messages").as_array()[1].as_object().at("content").as_string(),
            "Where is my order #1042?");
  const auto& rf = body.at("response_format").as_object();
  EXPECT_EQ(rf.at("type").as_string(), "json_schema");
  const auto& js = rf.at("json_schema").as_object();
  EXPECT_TRUE(js.at("strict").as_bool());
  const auto& schema = js.at("schema").as_object();
  EXPECT_FALSE(schema.at("additionalProperties").as_bool());
  EXPECT_EQ(schema.at("required").as_array().size(), 7u);
  EXPECT_EQ(
      schema.at("properties").as_object().at("urgency").as_object().at("enum").as_array().size(),
      3u);
  EXPECT_FALSE(body.contains("stream"));
}

TEST_F(OpenAiChat, StreamedAnswerGivesTheSameResult) {
  auto plain = complete(false);
  auto streamed = complete(true);
  ASSERT_TRUE(plain);
  ASSERT_TRUE(streamed) << streamed.error().message;
  EXPECT_EQ(streamed->raw_content, plain->raw_content);
  EXPECT_EQ(streamed->answer.draft, plain->answer.draft);
  EXPECT_EQ(streamed->usage.total_tokens, 168);
  EXPECT_DOUBLE_EQ(streamed->cost_usd, plain->cost_usd);
  auto body = boost::json::parse(server_.requests().back().body).as_object();
  EXPECT_TRUE(body.at("stream").as_bool());
  EXPECT_TRUE(body.at("stream_options").as_object().at("include_usage").as_bool());
}

TEST_F(OpenAiChat, NonJsonContentIsInvalidAnswer) {
  expect_invalid("Sure! Here is a draft: Hi Jane...", "not valid JSON");
  expect_invalid("```json\n{}\n```", "not valid JSON");
  expect_invalid("[1,2,3]", "not a JSON object");
}

TEST_F(OpenAiChat, SchemaViolationsAreInvalidAnswers) {
  auto base = boost::json::parse(to_json(openai_server::sample_answer())).as_object();
  auto without = base;
  without.erase("sources");
  expect_invalid(boost::json::serialize(without), "missing key \"sources\"");
  auto high = base;
  high["confidence"] = 1.5;
  expect_invalid(boost::json::serialize(high), "confidence");
  auto enum_bad = base;
  enum_bad["urgency"] = "critical";
  expect_invalid(boost::json::serialize(enum_bad), "urgency");
  auto action_bad = base;
  action_bad["recommended_action"] = "Approve";
  expect_invalid(boost::json::serialize(action_bad), "recommended_action");
  auto extra = base;
  extra["reasoning"] = "because";
  expect_invalid(boost::json::serialize(extra), "unexpected key");
}

TEST_F(OpenAiChat, TruncatedAnswerIsReported) {
  server_.set_finish_reason("length");
  auto r = complete(false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, openai_error_kind::truncated);
}

TEST_F(OpenAiChat, TransportAndStatusErrorsAreClassified) {
  server_.inject(fault{fault_kind::invalid_json});
  auto r = complete(false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, openai_error_kind::bad_response);

  server_.inject(fault{fault_kind::rate_limit_429, 1, 0ms, "20"});
  r = complete(false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, openai_error_kind::rate_limited);
  EXPECT_EQ(r.error().retry_after, 20s);
  const auto d = domain::decide_retry(r.error().outcome(), 1, {}, {}, 0.1);
  EXPECT_EQ(d.verdict, domain::retry_verdict::retry);
  EXPECT_GE(d.delay, 20000ms);

  server_.inject(fault{fault_kind::status_500});
  r = complete(true);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, openai_error_kind::server_error);

  server_.inject(fault{fault_kind::reset_after_processing});
  r = complete(false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, openai_error_kind::transport);
  EXPECT_EQ(r.error().transport, client_error_kind::reset_before_response);
  // Drafting has no side effect worth reconciling: a plain retry.
  EXPECT_EQ(domain::decide_retry(r.error().outcome(), 1, {}, {}, 0.1).verdict,
            domain::retry_verdict::retry);

  ASSERT_TRUE(complete(false));  // faults consumed
}

TEST_F(OpenAiChat, WrongKeyIsUnauthorized) {
  auto o = server_.chat_options();
  o.api_key = "sk-wrong";
  openai_chat_client client(http_, o);
  auto r = await_result<chat_result>([&](auto cb) { client.complete(prompt, cb); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, openai_error_kind::unauthorized);
  EXPECT_EQ(r.error().message, "Incorrect API key provided");
  EXPECT_EQ(domain::decide_retry(r.error().outcome(), 1, {}, {}, 0.1).verdict,
            domain::retry_verdict::give_up);
}

TEST_F(OpenAiChat, AnswerCanDependOnTheRequest) {
  server_.set_answer_fn([](const test_support::recorded_request& req) {
    auto a = openai_server::sample_answer();
    a.draft = req.body.find("refund") != std::string::npos ? "refund path" : "default path";
    return to_json(a);
  });
  openai_chat_client client(http_, server_.chat_options());
  auto r = await_result<chat_result>([&](auto cb) {
    client.complete({{"user", "I want a refund"}}, cb);
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->answer.draft, "refund path");
}

TEST(OpenAiChatTls, StreamingOverTrustedTls) {
  test_support::openai_server_options so;
  so.tls = true;
  openai_server server(so);
  server.start();
  auto o = server.chat_options();
  o.stream = true;
  {
    http_client strict;
    openai_chat_client client(strict, o);
    auto r = await_result<chat_result>([&](auto cb) { client.complete(prompt, cb); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().transport, client_error_kind::tls_failed);
  }
  http_client_options trust;
  trust.extra_ca_pem = server.certificate_pem();
  http_client http(trust);
  openai_chat_client client(http, o);
  auto r = await_result<chat_result>([&](auto cb) { client.complete(prompt, cb); });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->answer.draft, openai_server::sample_answer().draft);
}
