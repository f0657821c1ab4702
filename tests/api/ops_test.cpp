// Operations endpoints, the page's files, unknown routes, and live events.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_fixture.hpp"
#include "tests/support/chatwoot_server.hpp"

namespace frontdesk::app::testing {
namespace {

/// The value of one exposition line `series value` (-1 when absent).
std::int64_t sample_of(const std::string& body, const std::string& series) {
  const auto at = body.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(body.substr(at + series.size() + 2));
}

class ops_test : public server_test {};

TEST_F(ops_test, health_readiness_and_metrics) {
  start();
  EXPECT_EQ(get("/health", nullptr).body, R"({"status":"ok"})");
  auto ready = get("/health/ready", nullptr);
  ASSERT_EQ(ready.status, 200) << ready.body;
  auto v = json_of(ready);
  EXPECT_EQ(v.at("store").at("state").as_string(), "up");
  EXPECT_EQ(v.at("gateways").at("chatwoot").at("mode").as_string(), "local_inbox");
  ASSERT_EQ(webhook(customer_message(801, 8001, "Where is my order?"), "m-1").status, 200);
  auto m = get("/metrics", nullptr);
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("frontdesk_webhooks_total{outcome=\"accepted\"} 1"), std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("frontdesk_http_request_duration_seconds_bucket"), std::string::npos);
  // Recorded when the (asynchronous) answer was sent, so the route's time covers the
  // commit the answer waited for; measured at dispatch it would be far smaller.
  auto sum_of = [&](const std::string& route) {
    const std::string key = "frontdesk_http_request_duration_seconds_sum{route=\"" + route + "\"} ";
    const auto at = m.body.find(key);
    return at == std::string::npos ? -1.0 : std::stod(m.body.substr(at + key.size()));
  };
  const double route = sum_of("/webhooks/chatwoot");
  const double commit = sum_of("webhook_commit");
  ASSERT_GT(commit, 0.0) << m.body;
  EXPECT_GE(route, commit) << m.body;
  EXPECT_NE(m.body.find("frontdesk_actors_live"), std::string::npos);
}

TEST_F(ops_test, readiness_and_metrics_show_the_chatwoot_gateway) {
  test_support::chatwoot_server chatwoot;
  chatwoot.start();
  settings.chatwoot.base_url = chatwoot.base_url();
  settings.chatwoot.api_token = chatwoot.endpoint().api_token;
  settings.chatwoot.account_id = chatwoot.endpoint().account_id;
  start();
  const auto conv = chatwoot.add_conversation();
  ASSERT_EQ(webhook(customer_message(conv, 8101, "Where is my order?"), "g-1").status, 200);
  ASSERT_TRUE(eventually([&] { return chatwoot.private_notes(conv).size() == 1; }));
  auto v = json_of(get("/health/ready", nullptr));
  const auto& cw = v.at("gateways").at("chatwoot");
  EXPECT_EQ(cw.at("mode").as_string(), "chatwoot");
  EXPECT_EQ(cw.at("state").as_string(), "closed");
  EXPECT_GE(cw.at("calls").to_number<std::int64_t>(), 1);
  EXPECT_TRUE(cw.at("last_error").is_null());
  auto m = get("/metrics", nullptr);
  EXPECT_NE(m.body.find("frontdesk_gateway_calls_total{gateway=\"chatwoot\"}"), std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("frontdesk_gateway_circuit_state{gateway=\"chatwoot\",state=\"closed\"} 1"),
            std::string::npos);
  // Every attempt waited for a slot, if only for an instant: one sample each.
  const auto attempts = sample_of(m.body, "frontdesk_gateway_attempts_total{gateway=\"chatwoot\"}");
  EXPECT_GE(attempts, 1);
  EXPECT_EQ(
      sample_of(m.body,
                "frontdesk_gateway_slot_wait_seconds_bucket{gateway=\"chatwoot\",le=\"+Inf\"}"),
      attempts);
  EXPECT_EQ(sample_of(m.body, "frontdesk_gateway_slot_wait_seconds_count{gateway=\"chatwoot\"}"),
            attempts);

  // Chatwoot goes away: the server stays ready (webhooks are still stored, the outbox keeps
  // what it cannot send) and says what went wrong.
  chatwoot.stop();
  ASSERT_EQ(webhook(customer_message(conv + 1, 8102, "Where is my parcel?"), "g-2").status, 200);
  ASSERT_TRUE(eventually(
      [&] {
        auto r = json_of(get("/health/ready", nullptr));
        return !r.at("gateways").at("chatwoot").at("last_error").is_null();
      },
      std::chrono::seconds(40)));
  auto after = get("/health/ready", nullptr);
  EXPECT_EQ(after.status, 200) << after.body;
}

TEST_F(ops_test, unknown_routes_wrong_methods_and_file_traversal) {
  start();
  auto r = get("/nope", nullptr);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json_of(r).at("error").at("code").as_string(), "not_found");
  auto m = call(io::http_method::delete_, "/api/v1/queue");
  EXPECT_EQ(m.status, 405);
  EXPECT_TRUE(m.header("Allow").has_value());
  EXPECT_EQ(get("/webhooks/chatwoot", nullptr).status, 405);
  EXPECT_EQ(get("/web/../CMakeLists.txt", nullptr).status, 404);
  EXPECT_EQ(get("/web/%2e%2e/CMakeLists.txt", nullptr).status, 404);
  EXPECT_EQ(get("/web/.hidden", nullptr).status, 404);
}

/// Reads from a raw socket until `needle` shows up or time runs out.
std::string read_until(int fd, const std::string& needle, std::chrono::seconds limit) {
  std::string got;
  const auto end = std::chrono::steady_clock::now() + limit;
  timeval tv{0, 200'000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[4096];
  while (got.find(needle) == std::string::npos && std::chrono::steady_clock::now() < end) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) got.append(buf, static_cast<std::size_t>(n));
    if (n == 0) break;
  }
  return got;
}

TEST_F(ops_test, live_events_reach_an_operator_stream) {
  start();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req =
      std::string("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ") +
      operator_token + "\r\nAccept: text/event-stream\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  const std::string head = read_until(fd, "live events", std::chrono::seconds(5));
  EXPECT_NE(head.find("text/event-stream"), std::string::npos) << head;
  ASSERT_EQ(
      webhook(customer_message(802, 8002, "How long does standard shipping take?"), "m-2").status,
      200);
  const std::string events = read_until(fd, "event: queue_item_created", std::chrono::seconds(20));
  ::close(fd);
  ASSERT_NE(events.find("event: queue_item_created"), std::string::npos) << events;
  EXPECT_NE(events.find("\"id\":\"q-802-1\""), std::string::npos) << events;
  EXPECT_NE(events.find("id: "), std::string::npos);
}

}  // namespace
}  // namespace frontdesk::app::testing
