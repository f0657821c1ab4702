// Load runs against real HTTP servers on 127.0.0.1: what is counted as success and error, that the
// open-loop schedule is kept and queueing counted, and that webhooks are signed and unique.

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <functional>
#include <list>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "bench/load/load_run.hpp"
#include "io/chatwoot_event.hpp"
#include "io/webhook_signature.hpp"

namespace frontdesk::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using request = http::request<http::string_body>;

struct answer {
  int status = 200;
  std::string body = R"({"status":"ok"})";
};

/// A blocking keep-alive HTTP server, one thread per connection, answering through `handler`.
class test_server {
 public:
  using handler = std::function<answer(const request&)>;

  explicit test_server(handler h)
      : handler_(std::move(h)), acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~test_server() {
    stopping_ = true;
    {
      boost::system::error_code ec;
      tcp::socket wake(ioc_);
      wake.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
      accept_thread_.join();
    }
    {
      std::lock_guard lock(mu_);
      for (tcp::socket& s : sockets_) ::shutdown(s.native_handle(), SHUT_RDWR);
    }
    for (std::thread& t : connection_threads_) t.join();
  }

  std::uint16_t port() const { return port_; }
  int connections_accepted() const { return accepted_.load(); }

 private:
  void accept_loop() {
    for (;;) {
      tcp::socket s(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (stopping_ || ec) return;
      ++accepted_;
      std::lock_guard lock(mu_);
      sockets_.push_back(std::move(s));
      tcp::socket& mine = sockets_.back();
      connection_threads_.emplace_back([this, &mine] { serve(mine); });
    }
  }

  void serve(tcp::socket& s) {
    beast::flat_buffer buffer;
    for (;;) {
      request req;
      boost::system::error_code ec;
      http::read(s, buffer, req, ec);
      if (ec) return;
      const answer a = handler_(req);
      http::response<http::string_body> res{static_cast<http::status>(a.status), req.version()};
      res.set(http::field::content_type, "application/json");
      res.keep_alive(req.keep_alive());
      res.body() = a.body;
      res.prepare_payload();
      http::write(s, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  handler handler_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread accept_thread_;
  std::mutex mu_;
  std::list<tcp::socket> sockets_;
  std::list<std::thread> connection_threads_;
};

load_options health_against(const test_server& s) {
  load_options o;
  o.mode = run_mode::health;
  o.target = {"127.0.0.1", s.port(), "/health"};
  o.connections = 4;
  o.duration_s = 0.5;
  o.warmup_s = 0.1;
  o.drain_s = 5;
  return o;
}

std::string fixture_text() {
  std::ifstream in(FRONTDESK_SHARED_DIR
                   "/fixtures/chatwoot/message_created.web_widget.incoming.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LoadRun, ClosedLoopCountsAnswersOverKeptAliveConnections) {
  std::atomic<int> seen{0};
  std::atomic<bool> all_get_health{true};
  test_server server([&](const request& r) {
    ++seen;
    if (r.method() != http::verb::get || r.target() != "/health") all_get_health = false;
    return answer{};
  });
  auto r = run_load(health_against(server));
  ASSERT_TRUE(r) << r.error();
  EXPECT_GT(r->ok_completed_in_window, 0u);
  EXPECT_GT(r->ok_intended_in_window, 0u);
  EXPECT_TRUE(r->errors.empty());
  EXPECT_EQ(r->latency.count(), r->ok_intended_in_window);
  EXPECT_EQ(r->sent, static_cast<std::uint64_t>(seen.load()));
  EXPECT_GE(r->sent, r->ok_intended_in_window);
  EXPECT_TRUE(all_get_health);
  // Keep-alive: every request went over the four connections opened at the start.
  EXPECT_EQ(server.connections_accepted(), 4);
  EXPECT_EQ(r->connects, 4u);
}

TEST(LoadRun, OpenLoopKeepsItsScheduleAndCountsQueueingBehindAStall) {
  std::atomic<int> n{0};
  test_server server([&](const request&) {
    if (++n == 20) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return answer{};
  });
  load_options o = health_against(server);
  o.connections = 1;
  o.warmup_s = 0;
  o.duration_s = 1;
  o.rate = 200;  // one request every 5 ms
  auto r = run_load(o);
  ASSERT_TRUE(r) << r.error();
  // The stall does not thin the schedule: all 200 intended requests are sent and answered.
  EXPECT_EQ(r->sent, 200u);
  EXPECT_EQ(r->ok_intended_in_window, 200u);
  EXPECT_TRUE(r->errors.empty());
  // Requests due during the 500 ms stall waited for it: the 50 due in its first half waited at
  // least 250 ms from their intended time, the 10 due in its first 50 ms at least 450 ms.
  EXPECT_GE(r->latency.percentile(80), 250'000'000u);
  EXPECT_GE(r->latency.percentile(99), 450'000'000u);
}

TEST(LoadRun, WebhooksAreSignedParseableAndUnique) {
  const std::string secret = "load-test-secret";
  io::chatwoot_signature_verifier verifier({{secret}});
  std::mutex mu;
  std::set<std::int64_t> message_ids;
  std::set<std::int64_t> conversations;
  std::set<std::string> deliveries;
  std::vector<std::string> problems;
  test_server server([&](const request& r) {
    std::lock_guard lock(mu);
    auto fail = [&](std::string why) {
      problems.push_back(why);
      return answer{400, R"({"error":")" + why + "\"}"};
    };
    if (r.method() != http::verb::post || r.target() != "/webhooks/chatwoot") return fail("route");
    if (r[http::field::content_type] != "application/json") return fail("content_type");
    const auto ts = r["X-Chatwoot-Timestamp"];
    const auto sig = r["X-Chatwoot-Signature"];
    if (!verifier.verify(std::string_view(sig), std::string_view(ts), r.body()))
      return fail("signature");
    auto e = io::parse_chatwoot_event(r.body());
    if (!e) return fail("parse");
    if (io::classify(*e).kind != io::chatwoot_event_kind::customer_message) return fail("kind");
    if (!message_ids.insert(e->message_id.value_or(0)).second) return fail("repeated message");
    if (!deliveries.insert(std::string(r["X-Chatwoot-Delivery"])).second)
      return fail("repeated delivery");
    conversations.insert(e->conversation->display_id);
    return answer{200, R"({"ok":true,"accepted":true,"reason":"stored"})"};
  });
  load_options o = health_against(server);
  o.mode = run_mode::webhooks;
  o.target.target = "/webhooks/chatwoot";
  o.secret = secret;
  o.fixture_json = fixture_text();
  o.conversations = 7;
  o.conversation_base = 500;
  auto r = run_load(o);
  ASSERT_TRUE(r) << r.error();
  std::lock_guard lock(mu);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_TRUE(r->errors.empty());
  EXPECT_GT(r->ok_intended_in_window, 7u);
  EXPECT_EQ(message_ids.size(), r->sent);
  EXPECT_EQ(conversations.size(), 7u);
  EXPECT_EQ(*conversations.begin(), 500);
  EXPECT_EQ(*conversations.rbegin(), 506);
}

TEST(LoadRun, RefusalsAndErrorStatusesAreCountedByCause) {
  std::atomic<int> n{0};
  test_server server([&](const request&) {
    if (++n % 2 == 0) return answer{503, R"({"error":{"code":"not_ready"}})"};
    return answer{200, R"({"ok":true,"accepted":false,"reason":"duplicate"})"};
  });
  load_options o = health_against(server);
  o.mode = run_mode::webhooks;
  o.secret = "s";
  o.fixture_json = fixture_text();
  auto r = run_load(o);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->ok_completed_in_window, 0u);
  EXPECT_EQ(r->latency.count(), 0u);
  EXPECT_GT(r->errors["200 not accepted"], 0u);
  EXPECT_GT(r->errors["503"], 0u);
  EXPECT_NE(r->samples["503"].find("not_ready"), std::string::npos);
}

TEST(LoadRun, AnUnreachableServerIsCountedNotFatal) {
  std::uint16_t port = 0;
  {
    asio::io_context ioc;
    tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed again: nothing listens there now
  load_options o;
  o.target = {"127.0.0.1", port, "/health"};
  o.connections = 2;
  o.warmup_s = 0;
  o.duration_s = 0.5;
  o.drain_s = 0.2;
  auto r = run_load(o);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->sent, 0u);
  EXPECT_GT(r->errors["connect"], 0u);
}

TEST(LoadRun, RefusesRunsItCannotSetUp) {
  load_options o;
  o.target = {"127.0.0.1", 9, "/"};
  o.mode = run_mode::webhooks;
  o.fixture_json = fixture_text();
  EXPECT_FALSE(run_load(o));  // no secret
  o.secret = "s";
  o.fixture_json = "[]";
  EXPECT_FALSE(run_load(o));  // unusable fixture
  o.mode = run_mode::health;
  o.connections = 0;
  EXPECT_FALSE(run_load(o));
}

}  // namespace
}  // namespace frontdesk::bench
