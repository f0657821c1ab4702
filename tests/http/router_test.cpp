#include "io/router.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "io/json_out.hpp"

namespace frontdesk::io {
namespace {

/// Captures the single answer a handler gives, without a socket.
struct captured : detail::response_sink {
  std::optional<http_response> answer;
  int deliveries = 0;
  void deliver(http_response r) override {
    ++deliveries;
    answer = std::move(r);
  }
  std::shared_ptr<sse_stream> open_stream(const sse_options&) override { return nullptr; }
};

struct call_result {
  std::optional<http_response> answer;
  std::map<std::string, std::string> params;
  std::string handled_by;
};

call_result call(const router& r, std::string method, std::string target) {
  auto sink = std::make_shared<captured>();
  auto req = std::make_shared<http_request>();
  req->method = std::move(method);
  req->target = std::move(target);
  split_target(*req);
  {
    responder res(sink);
    r.dispatch(req, res);
  }
  EXPECT_EQ(sink->deliveries, 1);
  return {sink->answer, req->path_params, sink->answer ? sink->answer->body : ""};
}

http_handler named(std::string name) {
  return [name](request_ptr, responder res) { res(http_response::text(200, name)); };
}

router sample() {
  router r;
  r.get("/api/v1/queue", named("list"));
  r.get("/api/v1/queue/{id}", named("one"));
  r.post("/api/v1/queue/{id}/approve", named("approve"));
  r.post("/api/v1/queue/{id}/reject", named("reject"));
  r.get("/api/v1/conversations/{id}/trace", named("trace"));
  r.get("/support/ticket/{ref}", named("ticket"));
  r.get("/static/{path...}", named("static"));
  return r;
}

TEST(Router, MatchesPatternsAndCapturesParams) {
  auto r = sample();
  auto a = call(r, "POST", "/api/v1/queue/q-17/approve");
  EXPECT_EQ(a.handled_by, "approve");
  EXPECT_EQ(a.params.at("id"), "q-17");
  EXPECT_EQ(call(r, "GET", "/api/v1/queue?status=pending").handled_by, "list");
  EXPECT_EQ(call(r, "GET", "/api/v1/queue/").handled_by,
            "list");  // a trailing slash is the same path
  auto t = call(r, "GET", "/api/v1/conversations/311/trace?format=chrome");
  EXPECT_EQ(t.handled_by, "trace");
  EXPECT_EQ(t.params.at("id"), "311");
  auto ticket = call(r, "GET", "/support/ticket/TF-20260506-AB12");
  EXPECT_EQ(ticket.params.at("ref"), "TF-20260506-AB12");
  auto s = call(r, "GET", "/static/css/app.css");
  EXPECT_EQ(s.handled_by, "static");
  EXPECT_EQ(s.params.at("path"), "css/app.css");
}

TEST(Router, DecodesParamsButNeverSplitsOnEncodedSlash) {
  auto r = sample();
  auto a = call(r, "GET", "/api/v1/queue/a%20b");
  EXPECT_EQ(a.params.at("id"), "a b");
  auto b = call(r, "GET", "/api/v1/queue/a%2Fb");
  EXPECT_EQ(b.handled_by, "one");
  EXPECT_EQ(b.params.at("id"), "a%2Fb");
}

TEST(Router, UnknownIs404WrongMethodIs405) {
  auto r = sample();
  auto nf = call(r, "GET", "/api/v1/queue/q-1/approve/extra");
  ASSERT_TRUE(nf.answer);
  EXPECT_EQ(nf.answer->status, 404);
  EXPECT_EQ(boost::json::parse(nf.answer->body).at("error").at("code"), "not_found");
  auto wm = call(r, "GET", "/api/v1/queue/q-1/approve");
  ASSERT_TRUE(wm.answer);
  EXPECT_EQ(wm.answer->status, 405);
  ASSERT_EQ(wm.answer->headers.size(), 1u);
  EXPECT_EQ(wm.answer->headers[0].first, "Allow");
  EXPECT_EQ(wm.answer->headers[0].second, "POST");
  EXPECT_EQ(call(r, "GET", "/").answer->status, 404);
  EXPECT_EQ(call(r, "GET", "/static").answer->status, 404);  // the rest capture needs one segment
}

TEST(Router, HeadFallsBackToGet) {
  auto r = sample();
  EXPECT_EQ(call(r, "HEAD", "/api/v1/queue/x").handled_by, "one");
  EXPECT_EQ(call(r, "HEAD", "/api/v1/queue/x/approve").answer->status, 405);
}

TEST(JsonOut, ErrorAndAckShapes) {
  auto e =
      boost::json::parse(http_response::error(409, "stale_version", "Draft \"v2\" is stale.").body);
  EXPECT_EQ(e.at("error").at("code"), "stale_version");
  EXPECT_EQ(e.at("error").at("message"), "Draft \"v2\" is stale.");
  auto ack = boost::json::parse(json_webhook_ack(false, "private_note"));
  EXPECT_EQ(ack.at("ok"), true);
  EXPECT_EQ(ack.at("accepted"), false);
  EXPECT_EQ(ack.at("reason"), "private_note");
  EXPECT_FALSE(ack.as_object().contains("duplicate"));
  EXPECT_EQ(boost::json::parse(json_webhook_ack(true, "", true)).at("duplicate"), true);
  boost::json::object o;
  o["labels"] = json_strings({"a", "b\"c"});
  o["assignee"] = json_nullable(std::optional<long long>{});
  o["name"] = json_nullable(std::optional<std::string>{"x\ny"});
  o["attrs"] = json_object({{"k", "v"}});
  EXPECT_EQ(to_json(o),
            R"({"labels":["a","b\"c"],"assignee":null,"name":"x\ny","attrs":{"k":"v"}})");
}

}  // namespace
}  // namespace frontdesk::io
