// Strict draft validation and SSE accumulation, including malformed and hostile input.
#include <gtest/gtest.h>

#include "io/openai_chat.hpp"
#include "io/openai_draft.hpp"
#include "io/openai_stream.hpp"

using namespace frontdesk::io;

namespace {

const char* valid =
    R"({"draft":"Hi","confidence":0.5,"tags":["a"],"sentiment":"calm","urgency":"low",)"
    R"("recommended_action":"edit","sources":[]})";

std::string with(const std::string& key, const std::string& value_json) {
  std::string out = "{";
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"draft", "\"Hi\""},       {"confidence", "0.5"},  {"tags", "[\"a\"]"},
      {"sentiment", "\"calm\""}, {"urgency", "\"low\""}, {"recommended_action", "\"edit\""},
      {"sources", "[]"}};
  bool first = true;
  for (const auto& [k, v] : fields) {
    if (!first) out += ",";
    first = false;
    out += "\"" + k + "\":" + (k == key ? value_json : v);
  }
  return out + "}";
}

std::string sse_chunk(const std::string& content) {
  return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content +
         "\"},\"finish_reason\":null}]}\n\n";
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

TEST(DraftValidation, AcceptsTheExactObject) {
  auto a = validate_draft_answer(valid);
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->draft, "Hi");
  EXPECT_EQ(a->recommended_action, draft_action::edit);
  EXPECT_TRUE(validate_draft_answer(with("confidence", "1")));
  EXPECT_TRUE(validate_draft_answer(with("confidence", "0")));
  EXPECT_TRUE(validate_draft_answer(with("confidence", "-0.0")));
  EXPECT_TRUE(validate_draft_answer(with("draft", "\"\"")));
  EXPECT_TRUE(validate_draft_answer(std::string("  \n") + valid + "\n"));
}

TEST(DraftValidation, RejectsEverythingElse) {
  const std::vector<std::string> bad = {
      with("confidence", "1.5"),
      with("confidence", "-0.01"),
      with("confidence", "\"0.5\""),
      with("confidence", "null"),
      with("confidence", "true"),
      with("confidence", "1e400"),
      with("draft", "42"),
      with("draft", "null"),
      with("tags", "\"a\""),
      with("tags", "[1]"),
      with("tags", "[[\"a\"]]"),
      with("sources", "{}"),
      with("urgency", "\"LOW\""),
      with("urgency", "\"urgent\""),
      with("recommended_action", "\"send\""),
      with("sentiment", "{}"),
      std::string(valid).substr(0, std::string(valid).size() - 1) + R"(,"extra":1})",
      std::string(valid).substr(0, std::string(valid).size() - 1) + R"(,"draft":"again"})",
      R"({"draft":"Hi"})",
      "{}",
      "[]",
      "null",
      "",
      std::string(valid) + "x",
      std::string(50000, '['),
      with("draft", "\"" + std::string(200 * 1024, 'a') + "\""),
      with(
          "tags", "[" +
                      [] {
                        std::string s;
                        for (int i = 0; i < 100; ++i)
                          s += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
                        return s;
                      }() +
                      "]"),
      with("tags", "[\"" + std::string(1000, 't') + "\"]"),
      "{\"draft\":\"\xc3\x28\"}",
  };
  for (const auto& b : bad) {
    EXPECT_FALSE(validate_draft_answer(b)) << b.substr(0, 120);
  }
}

TEST(SseAccumulator, SplitAnywhereGivesTheSameResult) {
  const std::string content = escape(valid);
  std::string stream = ": keep-alive\n\n";
  stream +=
      "data: {\"model\":\"m1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n";
  const auto half = content.size() / 2;
  stream += sse_chunk(content.substr(0, half));
  stream += "event: message\r\n" + sse_chunk(content.substr(half));
  stream += "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
  stream +=
      "data: "
      "{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}"
      "}\n\n";
  stream += "data: [DONE]\n\n";
  for (std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{7}, stream.size()}) {
    openai_stream_accumulator acc;
    for (std::size_t i = 0; i < stream.size(); i += step) {
      ASSERT_TRUE(acc.feed(std::string_view(stream).substr(i, step)));
    }
    EXPECT_TRUE(acc.done());
    auto r = acc.finish(token_prices{1.0, 2.0});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->answer.draft, "Hi");
    EXPECT_EQ(r->usage.total_tokens, 15);
    EXPECT_EQ(r->model, "m1");
    EXPECT_DOUBLE_EQ(r->cost_usd, 10 * 1.0 / 1e6 + 5 * 2.0 / 1e6);
  }
}

TEST(SseAccumulator, TrailingEventWithoutBlankLineCounts) {
  openai_stream_accumulator acc;
  acc.feed(sse_chunk(escape(valid)));
  acc.feed("data: [DONE]");
  EXPECT_TRUE(acc.finish({}));
}

TEST(SseAccumulator, MalformedStreamsAreBadResponses) {
  {
    openai_stream_accumulator acc;  // never finished
    acc.feed(sse_chunk(escape(valid)));
    auto r = acc.finish({});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, openai_error_kind::bad_response);
  }
  {
    openai_stream_accumulator acc;
    EXPECT_FALSE(acc.feed("data: {not json}\n\n"));
    EXPECT_EQ(acc.finish({}).error().kind, openai_error_kind::bad_response);
  }
  {
    openai_stream_accumulator acc;
    EXPECT_FALSE(
        acc.feed("data: " + std::string(openai_stream_accumulator::max_line_bytes + 10, 'x')));
    EXPECT_FALSE(acc.finish({}));
  }
  {
    openai_stream_accumulator acc;
    acc.feed("data: {\"error\":{\"message\":\"overloaded\"}}\n\n");
    auto r = acc.finish({});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, openai_error_kind::server_error);
    EXPECT_EQ(r.error().message, "overloaded");
  }
  {
    openai_stream_accumulator acc;  // valid stream, invalid content
    acc.feed(sse_chunk("hello") + "data: [DONE]\n\n");
    EXPECT_EQ(acc.finish({}).error().kind, openai_error_kind::invalid_answer);
  }
  {
    openai_stream_accumulator acc;  // data after [DONE] is ignored
    acc.feed(sse_chunk(escape(valid)) + "data: [DONE]\n\n" + "data: {garbage\n\n");
    EXPECT_TRUE(acc.finish({}));
  }
}

TEST(ChatResponse, EnvelopeProblemsAreBadResponses) {
  auto res = [](std::string body) {
    http_result r;
    r.status = 200;
    r.body = std::move(body);
    return r;
  };
  for (const char* body :
       {"", "{}", "{\"choices\":[]}", "{\"choices\":[{\"message\":{}}]}",
        "{\"choices\":[{\"message\":{\"content\":null}}]}", "{\"choices\":{\"0\":1}}"}) {
    auto r = parse_chat_response(res(body), {});
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().kind, openai_error_kind::bad_response) << body;
  }
  auto refused = parse_chat_response(
      res(R"({"choices":[{"message":{"content":null,"refusal":"I can't help"}}]})"), {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, openai_error_kind::refused);
  http_result e400;
  e400.status = 400;
  e400.body = R"({"error":{"message":"context_length_exceeded"}})";
  auto r = parse_chat_response(e400, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, openai_error_kind::client_error);
  EXPECT_EQ(r.error().message, "context_length_exceeded");
}

TEST(ChatRequest, CarriesKeyModelAndSchema) {
  openai_chat_options o;
  o.base_url = "http://llm.local:8000/";
  o.api_key = "k";
  o.model = "llama";
  auto r = build_chat_request(o, {{"user", "hi \"there\""}});
  EXPECT_EQ(r.url, "http://llm.local:8000/v1/chat/completions");
  EXPECT_EQ(find_header(r.headers, "authorization"), "Bearer k");
  EXPECT_NE(r.body.find(R"("content":"hi \"there\"")"), std::string::npos);
  EXPECT_NE(r.body.find(R"("additionalProperties":false)"), std::string::npos);
}
