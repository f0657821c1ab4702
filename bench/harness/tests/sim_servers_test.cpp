#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <thread>

#include "bench/harness/blocking_http.hpp"
#include "bench/harness/dependency_latency.hpp"
#include "bench/harness/message_templates.hpp"
#include "bench/harness/sim_chatwoot.hpp"
#include "bench/harness/sim_http_server.hpp"
#include "bench/harness/sim_llm.hpp"
#include "io/openai_draft.hpp"

namespace frontdesk::bench {
namespace {

struct base {
  std::string host;
  std::uint16_t port = 0;
};

base split(const std::string& url) {
  base b;
  EXPECT_TRUE(split_http_base(url, b.host, b.port)) << url;
  return b;
}

TEST(SimHttpServer, HoldsManySlowRequestsAtOnceOnOneThread) {
  sim_http_server server(
      [](const sim_request& r) {
        sim_response out;
        out.body = "{\"path\":\"" + r.path + "\"}";
        out.delay = std::chrono::milliseconds(400);
        return out;
      },
      1);
  ASSERT_TRUE(server.start());
  const auto b = split(server.base_url());
  constexpr int clients = 200;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      blocking_http c(b.host, b.port);
      auto a = c.get("/x" + std::to_string(i));
      if (a.status == 200 && a.body == "{\"path\":\"/x" + std::to_string(i) + "\"}") ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), clients);
  const auto st = server.stats();
  EXPECT_EQ(st.requests, static_cast<std::uint64_t>(clients));
  // Far more answers were pending together than the server has threads.
  EXPECT_GT(st.in_flight_peak, 50);
  server.stop();
}

TEST(SimHttpServer, SurvivesGarbageAndAbruptClients) {
  sim_http_server server([](const sim_request&) { return sim_response{}; }, 1);
  ASSERT_TRUE(server.start());
  const auto b = split(server.base_url());
  {
    blocking_http c(b.host, b.port);
    auto a = c.request("BREW", std::string(100, '/'), std::string(3 * 1024 * 1024, 'x'));
    EXPECT_EQ(a.status, 200);
  }
  {
    // Raw junk on a socket, then close.
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket s(ioc);
    s.connect({boost::asio::ip::make_address(b.host), b.port});
    boost::asio::write(s, boost::asio::buffer(std::string("\x00\x01GARBAGE\r\n\r\n", 13)));
    s.close();
  }
  blocking_http c(b.host, b.port);
  EXPECT_EQ(c.get("/still-alive").status, 200);
  server.stop();
  server.stop();  // idempotent
}

TEST(DependencyLatency, ReproducibleAndAtTheRequestedRates) {
  dependency_spec spec{800, 300, 0.1, 0.05, true};
  dependency_latency a(spec, 5), b(spec, 5);
  double sum = 0;
  int errors = 0, limited = 0;
  constexpr int n = 20000;
  for (int i = 0; i < n; ++i) {
    const auto x = a.next();
    const auto y = b.next();
    ASSERT_EQ(x.delay, y.delay);
    ASSERT_EQ(x.fate, y.fate);
    EXPECT_GE(x.delay.count(), 0);
    sum += static_cast<double>(x.delay.count()) / 1e6;
    errors += x.fate == call_fate::error;
    limited += x.fate == call_fate::rate_limited;
  }
  EXPECT_NEAR(sum / n, 800, 15);
  EXPECT_NEAR(errors / double(n), 0.1, 0.01);
  EXPECT_NEAR(limited / double(n), 0.05, 0.01);
}

TEST(SimChatwoot, RecordsNotesAndRepliesAndChargesLatency) {
  conversation_ledger ledger(1000, 10);
  sim_chatwoot cw({30, 0, 0, 0, true}, ledger, 1, 1, 1, "tok");
  ASSERT_TRUE(cw.start());
  const auto b = split(cw.base_url());
  blocking_http c(b.host, b.port);
  const header_list auth{{"api_access_token", "tok"}, {"Content-Type", "application/json"}};
  ledger.message_sent(ledger.at(3), mono_ns());
  auto note = c.request("POST", "/api/v1/accounts/1/conversations/1003/messages",
                        R"({"content":"draft","message_type":"outgoing","private":true})", auth);
  ASSERT_EQ(note.status, 200) << note.body;
  auto reply = c.request("POST", "/api/v1/accounts/1/conversations/1003/messages",
                         R"({"content":"Hello!","message_type":"outgoing","private":false})", auth);
  ASSERT_EQ(reply.status, 200);
  const auto reply_id = boost::json::parse(reply.body).at("id").as_int64();
  EXPECT_EQ(ledger.at(3).private_notes.load(), 1u);
  EXPECT_EQ(ledger.at(3).public_replies.load(), 1u);
  EXPECT_EQ(ledger.note_latency.snapshot().count(), 1u);
  EXPECT_GE(ledger.at(3).sim_ns.load(), 60'000'000);  // two calls of 30 ms charged

  // find_sent_reply pages through public messages.
  auto page = c.get("/api/v1/accounts/1/conversations/1003/messages", auth);
  ASSERT_EQ(page.status, 200);
  const auto payload = boost::json::parse(page.body).at("payload").as_array();
  ASSERT_EQ(payload.size(), 1u);
  EXPECT_EQ(payload[0].at("id").as_int64(), reply_id);
  EXPECT_EQ(payload[0].at("content").as_string(), "Hello!");

  EXPECT_EQ(
      c.get("/api/v1/accounts/1/conversations/1003/messages", {{"api_access_token", "bad"}}).status,
      401);
  EXPECT_EQ(
      c.request("POST", "/api/v1/accounts/1/conversations/1003/messages", "{nope", auth).status,
      400);
  EXPECT_EQ(
      c.request("POST", "/api/v1/accounts/1/conversations/1003/messages", R"({"content":""})", auth)
          .status,
      422);
  EXPECT_EQ(c.get("/api/v1/accounts/1/conversations/abc", auth).status, 404);
  EXPECT_EQ(c.request("POST", "/api/v1/accounts/1/conversations/1003/labels",
                      R"({"labels":["ai-draft"]})", auth)
                .status,
            200);
  // A conversation that is not the run's is answered and counted.
  EXPECT_EQ(c.request("POST", "/api/v1/accounts/1/conversations/5/messages",
                      R"({"content":"x","private":true})", auth)
                .status,
            200);
  EXPECT_EQ(ledger.unknown_conversation_calls.load(), 1u);
  const auto counts = cw.counts();
  EXPECT_EQ(counts.private_notes, 2u);
  EXPECT_EQ(counts.public_replies, 1u);
  EXPECT_EQ(counts.unauthorized, 1u);
}

TEST(SimChatwoot, InjectsFailuresAtTheConfiguredRate) {
  conversation_ledger ledger(1, 1);
  sim_chatwoot cw({0, 0, 0.5, 0.5, true}, ledger, 3, 1, 1, "tok");
  ASSERT_TRUE(cw.start());
  const auto b = split(cw.base_url());
  blocking_http c(b.host, b.port);
  int e500 = 0, e429 = 0;
  for (int i = 0; i < 100; ++i) {
    auto a = c.get("/api/v1/accounts/1/conversations/1", {{"api_access_token", "tok"}});
    e500 += a.status == 500;
    if (a.status == 429) {
      ++e429;
      EXPECT_EQ(a.retry_after, "1");
    }
  }
  EXPECT_EQ(e500 + e429, 100);
  EXPECT_GT(e500, 20);
  EXPECT_GT(e429, 20);
}

TEST(SimLlm, AnswersAValidDraftPlainAndStreamed) {
  conversation_ledger ledger(500, 10);
  sim_llm llm({25, 0, 0, 0, true}, {5, 0, 0, 0, true}, ledger, 1, 1, "sk-x");
  ASSERT_TRUE(llm.start());
  const auto b = split(llm.base_url());
  blocking_http c(b.host, b.port);
  const header_list auth{{"Authorization", "Bearer sk-x"}, {"Content-Type", "application/json"}};
  const std::string user = render_message(0, 0, 502, 0);
  const std::string req = boost::json::serialize(boost::json::object{
      {"model", "m"},
      {"messages", boost::json::array{boost::json::object{{"role", "user"}, {"content", user}}}}});
  auto a = c.request("POST", "/v1/chat/completions", req, auth);
  ASSERT_EQ(a.status, 200) << a.body;
  const auto content =
      boost::json::parse(a.body).at("choices").at(0).at("message").at("content").as_string();
  EXPECT_TRUE(io::validate_draft_answer(std::string(content)));
  EXPECT_GE(ledger.at(2).sim_ns.load(), 25'000'000);

  std::string sreq = req;
  sreq.insert(sreq.size() - 1, R"(,"stream":true)");
  auto s = c.request("POST", "/v1/chat/completions", sreq, auth);
  ASSERT_EQ(s.status, 200);
  EXPECT_NE(s.body.find("data: [DONE]"), std::string::npos);

  EXPECT_EQ(c.request("POST", "/v1/chat/completions", req, {{"Authorization", "Bearer no"}}).status,
            401);
  EXPECT_EQ(c.request("POST", "/v1/chat/completions", "{\"messages\":", auth).status, 400);
  EXPECT_EQ(c.request("POST", "/v1/chat/completions", "[]", auth).status, 400);
  EXPECT_EQ(c.get("/v1/unknown").status, 404);
  auto rag = c.request("POST", "/api/llamaindex/query", R"({"query":")" + user + R"("})");
  EXPECT_EQ(rag.status, 200);
  const auto counts = llm.counts();
  EXPECT_EQ(counts.completions, 2u);
  EXPECT_EQ(counts.streamed, 1u);
  EXPECT_EQ(counts.rag_queries, 1u);
  EXPECT_EQ(counts.rejected, 4u);
  EXPECT_EQ(counts.unattributed, 0u);
}

}  // namespace
}  // namespace frontdesk::bench
