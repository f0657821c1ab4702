#include "io/sse.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "io/http_server.hpp"
#include "io/router.hpp"
#include "tests/http/test_client.hpp"

namespace frontdesk::io {
namespace {

using namespace std::chrono_literals;
using test::make_request;
using test::test_connection;

TEST(SseFormat, SplitsMultiLineDataAndStripsNewlinesFromFields) {
  sse_event e{"7\n", "queue_item_created", "line one\nline two\r\nline three", std::nullopt};
  EXPECT_EQ(
      format_sse_event(e),
      "id: 7\nevent: queue_item_created\ndata: line one\ndata: line two\ndata: line three\n\n");
  EXPECT_EQ(format_sse_event(sse_event{"", "", "", 1500}), "retry: 1500\ndata: \n\n");
  EXPECT_EQ(format_sse_comment("heart\nbeat"), ": heartbeat\n\n");
}

struct sse_fixture {
  router routes;
  std::unique_ptr<http_server> server;
  std::promise<std::shared_ptr<sse_stream>> opened;
  std::promise<std::optional<std::string>> last_id;
  std::atomic<int> closed{0};

  explicit sse_fixture(sse_options so = {}) {
    routes.get("/api/v1/events", [this, so](request_ptr req, responder res) {
      last_id.set_value(last_event_id(*req));
      auto s = res.start_sse(so);
      s->on_close([this] { ++closed; });
      opened.set_value(s);
    });
    routes.get("/health", [](request_ptr, responder res) {
      res(http_response::json(200, R"({"status":"ok"})"));
    });
    http_server_options o;
    o.port = 0;
    server = std::make_unique<http_server>(o, routes.as_handler());
    EXPECT_TRUE(server->start().has_value());
  }
  ~sse_fixture() { server->stop(1s); }
};

TEST(Sse, EventsArriveWithIdsAndLastEventIdIsExposed) {
  sse_options so;
  so.heartbeat = 0ms;
  sse_fixture f(so);
  test_connection c(f.server->port());
  c.send(make_request("GET", "/api/v1/events", "", "Last-Event-ID: 41\r\n"));
  auto stream = f.opened.get_future().get();
  EXPECT_EQ(f.last_id.get_future().get(), "41");
  std::thread pusher([stream] {
    EXPECT_TRUE(
        stream->send(sse_event{"42", "queue_item_created", R"({"id":"q-1"})", std::nullopt}));
    EXPECT_TRUE(stream->send(sse_event{"43", "sla_warning", "a\nb", std::nullopt}));
  });
  pusher.join();
  const std::string expected_events =
      "id: 42\nevent: queue_item_created\ndata: {\"id\":\"q-1\"}\n\nid: 43\nevent: "
      "sla_warning\ndata: a\ndata: b\n\n";
  std::string got;
  for (int i = 0; i < 50 && got.find(expected_events) == std::string::npos; ++i)
    got += c.read_some_bytes(1);
  EXPECT_NE(got.find("HTTP/1.1 200 OK\r\n"), std::string::npos);
  EXPECT_NE(got.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(got.find(expected_events), std::string::npos);
  stream->close();
  got += c.read_until_close();
  EXPECT_FALSE(stream->is_open());
  EXPECT_FALSE(stream->send(sse_event{"44", "", "late", std::nullopt}));
  for (int i = 0; i < 500 && f.closed.load() == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(f.closed.load(), 1);
}

TEST(Sse, HeartbeatCommentsAreSent) {
  sse_options so;
  so.heartbeat = 20ms;
  sse_fixture f(so);
  test_connection c(f.server->port());
  c.send(make_request("GET", "/api/v1/events"));
  auto stream = f.opened.get_future().get();
  std::string got;
  for (int i = 0; i < 2000 && got.find(": heartbeat\n\n") == std::string::npos; ++i)
    got += c.read_some_bytes(1);
  EXPECT_NE(got.find(": heartbeat\n\n"), std::string::npos);
}

TEST(Sse, ClientLeavingClosesTheStream) {
  sse_fixture f;
  auto c = std::make_unique<test_connection>(f.server->port());
  c->send(make_request("GET", "/api/v1/events"));
  auto stream = f.opened.get_future().get();
  c->read_some_bytes(10);
  c.reset();
  for (int i = 0; i < 1000 && stream->is_open(); ++i) std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(stream->is_open());
  EXPECT_EQ(f.closed.load(), 1);
}

TEST(Sse, SlowClientIsDroppedWithoutSlowingOtherRequests) {
  sse_options so;
  so.max_buffered_bytes = 64 * 1024;
  so.heartbeat = 0ms;
  sse_fixture f(so);
  test_connection slow(f.server->port(), 10s, 4096);  // small receive window, never read
  slow.send(make_request("GET", "/api/v1/events"));
  auto stream = f.opened.get_future().get();
  const std::string payload(8 * 1024, 'x');
  bool refused = false;
  int sent = 0;
  // Pushing never blocks: once the socket and the bounded buffer are full, send() says no.
  for (; sent < 100000 && !refused; ++sent) {
    refused = !stream->send(sse_event{std::to_string(sent), "notification", payload, std::nullopt});
    if (sent % 64 == 0) {
      auto h = test::request(f.server->port(), "GET", "/health");
      ASSERT_TRUE(h);
      ASSERT_EQ(h->result_int(), 200);
    }
  }
  EXPECT_TRUE(refused);
  for (int i = 0; i < 1000 && f.closed.load() == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(f.closed.load(), 1);
  EXPECT_FALSE(stream->is_open());
  auto h = test::request(f.server->port(), "GET", "/health");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->result_int(), 200);
}

TEST(Sse, StopClosesOpenStreams) {
  sse_fixture f;
  test_connection c(f.server->port());
  c.send(make_request("GET", "/api/v1/events"));
  auto stream = f.opened.get_future().get();
  f.server->stop(1s);
  EXPECT_FALSE(stream->is_open());
  EXPECT_EQ(f.closed.load(), 1);
  EXPECT_FALSE(stream->send(sse_event{"1", "", "x", std::nullopt}));
}

}  // namespace
}  // namespace frontdesk::io
