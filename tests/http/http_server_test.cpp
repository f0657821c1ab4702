#include "io/http_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "io/router.hpp"
#include "tests/http/test_client.hpp"

namespace frontdesk::io {
namespace {

using namespace std::chrono_literals;
using test::make_request;
using test::test_connection;

/// Runs a server on an ephemeral port with a router the test fills in.
struct fixture {
  router routes;
  std::unique_ptr<http_server> server;
  std::vector<std::thread> workers;
  std::mutex workers_mu;

  explicit fixture(http_server_options o = {}) {
    o.port = 0;
    routes.get("/echo/{id}", [](request_ptr req, responder res) {
      res(http_response::text(200, req->method + " " + req->path_param("id") + " " + req->body));
    });
    routes.post("/echo/{id}", [](request_ptr req, responder res) {
      res(http_response::text(200, req->method + " " + req->path_param("id") + " " + req->body));
    });
    server = std::make_unique<http_server>(o, routes.as_handler());
  }
  void start() { ASSERT_TRUE(server->start().has_value()); }
  std::uint16_t port() const { return server->port(); }
  void later(std::function<void()> f) {
    std::lock_guard lock(workers_mu);
    workers.emplace_back(std::move(f));
  }
  ~fixture() {
    {
      std::lock_guard lock(workers_mu);
      for (auto& t : workers) t.join();
    }
    server->stop(1s);
  }
};

std::string error_code_of(const test::response& r) {
  auto v = boost::json::parse(r.body());
  return std::string(v.at("error").at("code").as_string());
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  fixture f;
  f.start();
  test_connection c(f.port());
  for (int i = 0; i < 3; ++i) {
    c.send(make_request("GET", "/echo/" + std::to_string(i)));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result_int(), 200);
    EXPECT_EQ(r->body(), "GET " + std::to_string(i) + " ");
    EXPECT_TRUE(r->keep_alive());
  }
  EXPECT_EQ(f.server->active_connections(), 1u);
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  fixture f;
  f.start();
  test_connection c(f.port());
  c.send(make_request("GET", "/echo/a") + make_request("POST", "/echo/b", "hello") +
         make_request("GET", "/echo/c"));
  auto a = c.read_response(), b = c.read_response(), d = c.read_response();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body(), "GET a ");
  EXPECT_EQ(b->body(), "POST b hello");
  EXPECT_EQ(d->body(), "GET c ");
}

TEST(HttpServer, HugeContentLengthIsRefusedBeforeTheBodyIsSent) {
  fixture f;
  f.start();
  test_connection c(f.port());
  c.send(
      "POST /echo/x HTTP/1.1\r\nHost: h\r\nContent-Length: 50000000\r\n\r\n");  // no body follows
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413);
  EXPECT_EQ(error_code_of(*r), "body_too_large");
  EXPECT_TRUE(c.peer_closed());
}

TEST(HttpServer, OversizedBodySentEagerlyStillGets413NotAReset) {
  fixture f;
  f.start();
  test_connection c(f.port());
  const std::string body(2 * 1024 * 1024, 'b');  // the client does not wait for the verdict
  c.send("POST /echo/x HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413);
  EXPECT_TRUE(c.peer_closed());
}

TEST(HttpServer, ChunkedBodyOverTheLimitIs413) {
  http_server_options o;
  o.max_body_bytes = 16;
  fixture f(o);
  f.start();
  test_connection c(f.port());
  c.send("POST /echo/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" +
         std::string(32, 'a') + "\r\n0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413);
}

TEST(HttpServer, ChunkedBodyWithinTheLimitIsDecoded) {
  fixture f;
  f.start();
  test_connection c(f.port());
  c.send(
      "POST /echo/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
      "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "POST x hello");
}

TEST(HttpServer, OversizedHeaderIs431) {
  http_server_options o;
  o.max_header_bytes = 1024;
  fixture f(o);
  f.start();
  test_connection c(f.port());
  c.send("GET /echo/x HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 431);
  EXPECT_EQ(error_code_of(*r), "header_too_large");
}

TEST(HttpServer, SlowHeadersTimeOut) {
  http_server_options o;
  o.header_timeout = 200ms;
  fixture f(o);
  f.start();
  test_connection c(f.port(), 10s);
  c.send("GET /echo/x HTTP/1.1\r\nHost: h\r\n");  // the blank line never comes
  // The server hangs up (EOF) well before the client's own 10 s receive timeout.
  EXPECT_TRUE(c.peer_closed());
}

TEST(HttpServer, TrickledHeadersHitTheWholeHeaderDeadline) {
  http_server_options o;
  o.header_timeout = 300ms;
  fixture f(o);
  f.start();
  test_connection c(f.port(), 10s);
  c.send("GET /echo/x HTTP/1.1\r\n");
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    // One byte every 50 ms would keep a per-read timeout alive for the whole 6 s.
    for (int i = 0; i < 120 && !done; ++i) {
      c.send("a");
      std::this_thread::sleep_for(50ms);
    }
  });
  EXPECT_TRUE(c.peer_closed());
  done = true;
  trickle.join();
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosed) {
  http_server_options o;
  o.idle_timeout = 200ms;
  fixture f(o);
  f.start();
  test_connection c(f.port(), 10s);
  c.send(make_request("GET", "/echo/1"));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.peer_closed());
}

TEST(HttpServer, ConnectionsOverTheCapGet503) {
  http_server_options o;
  o.max_connections = 2;
  fixture f(o);
  f.start();
  test_connection a(f.port()), b(f.port());
  for (auto* c : {&a, &b}) {
    c->send(make_request("GET", "/echo/1"));
    ASSERT_TRUE(c->read_response());
  }
  test_connection third(f.port());
  auto r = third.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 503);
  EXPECT_EQ(error_code_of(*r), "too_many_connections");
  a.close();
  // Once a slot is free, new connections are served again (the server notices the close quickly).
  bool served = false;
  for (int i = 0; i < 200 && !served; ++i) {
    auto ok = test::request(f.port(), "GET", "/echo/2");
    served = ok && ok->result_int() == 200;
    if (!served) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(served);
}

struct smuggling_case {
  const char* name;
  std::string bytes;
};

TEST(HttpServer, AmbiguousFramingIsRejectedAndClosed) {
  std::vector<smuggling_case> cases = {
      {"cl_and_te",
       "POST /echo/x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
       "0\r\n\r\n"},
      {"te_and_cl",
       "POST /echo/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
       "0\r\n\r\n"},
      {"duplicate_cl_same",
       "POST /echo/x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd"},
      {"duplicate_cl_diff",
       "POST /echo/x HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcd"},
      {"cl_list", "POST /echo/x HTTP/1.1\r\nHost: h\r\nContent-Length: 4, 4\r\n\r\nabcd"},
      {"te_gzip", "POST /echo/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\nabcd"},
      {"te_twice",
       "POST /echo/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\nTransfer-Encoding: "
       "chunked\r\n\r\n"
       "0\r\n\r\n"},
      {"bad_chunk_size",
       "POST /echo/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
       "chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"},
      {"negative_cl", "POST /echo/x HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"},
      {"garbage", "HELLO\r\n\r\n"},
  };
  fixture f;
  f.start();
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    test_connection c(f.port());
    // A smuggled second request rides behind; it must never be answered.
    c.send(tc.bytes + make_request("GET", "/echo/smuggled"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result_int(), 400);
    EXPECT_EQ(error_code_of(*r), "bad_request");
    EXPECT_FALSE(r->keep_alive());
    EXPECT_TRUE(c.peer_closed());
  }
}

TEST(HttpServer, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  fixture f;
  f.routes.add("DELETE", "/echo/{id}",
               [](request_ptr, responder res) { res(http_response::json(200, "{}")); });
  f.start();
  auto r = test::request(f.port(), "GET", "/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 404);
  EXPECT_EQ(error_code_of(*r), "not_found");
  EXPECT_EQ(r->at(boost::beast::http::field::content_type), "application/json");

  auto m = test::request(f.port(), "PUT", "/echo/3");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->result_int(), 405);
  EXPECT_EQ(error_code_of(*m), "method_not_allowed");
  EXPECT_EQ(m->at(boost::beast::http::field::allow), "GET, POST, DELETE");
}

TEST(HttpServer, RequestCarriesQueryHeadersRemoteAndId) {
  fixture f;
  std::promise<http_request> seen;
  f.routes.get("/api/v1/queue", [&](request_ptr req, responder res) {
    seen.set_value(*req);
    res(http_response::json(200, "{}"));
  });
  f.start();
  auto r = test::request(f.port(), "GET", "/api/v1/queue?status=pending&limit=5&q=a%20b+c", "",
                         "x-MiXeD-Case: yes\r\n");
  ASSERT_TRUE(r);
  auto req = seen.get_future().get();
  EXPECT_EQ(req.path, "/api/v1/queue");
  EXPECT_EQ(req.query_param("status"), "pending");
  EXPECT_EQ(req.query_param("limit"), "5");
  EXPECT_EQ(req.query_param("q"), "a b c");
  EXPECT_EQ(req.header("X-Mixed-Case"), "yes");
  EXPECT_EQ(req.remote_address.rfind("127.0.0.1:", 0), 0u);
  EXPECT_FALSE(req.request_id.empty());
  EXPECT_EQ(r->at("X-Request-Id"), req.request_id);
}

TEST(HttpServer, ResponderWorksFromAnotherThreadAndOnlyOnce) {
  fixture f;
  std::atomic<int> second_call_accepted{-1};
  f.routes.get("/async", [&](request_ptr, responder res) {
    f.later([res, &second_call_accepted] {
      std::this_thread::sleep_for(20ms);
      res(http_response::json(200, R"({"from":"worker"})"));
      second_call_accepted = res(http_response::json(500, "{}")) ? 1 : 0;
    });
  });
  f.start();
  test_connection c(f.port());
  c.send(make_request("GET", "/async"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ(r->body(), R"({"from":"worker"})");
  // The connection stays usable: the ignored second answer was never written.
  c.send(make_request("GET", "/echo/after"));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body(), "GET after ");
  for (int i = 0; i < 500 && second_call_accepted.load() < 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(second_call_accepted.load(), 0);
}

TEST(HttpServer, ManyClientsWithAnswersFromWorkerThreads) {
  http_server_options o;
  o.threads = 3;
  fixture f(o);
  f.routes.post("/work/{n}", [&](request_ptr req, responder res) {
    // Every other answer comes from a worker thread, the rest inline.
    if (std::stoi(req->path_param("n")) % 2 == 0) {
      f.later(
          [req, res] { res(http_response::text(200, req->path_param("n") + ":" + req->body)); });
    } else {
      res(http_response::text(200, req->path_param("n") + ":" + req->body));
    }
  });
  f.start();
  constexpr int clients = 6, per_client = 40;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      test_connection conn(f.port());
      for (int i = 0; i < per_client; ++i) {
        auto n = std::to_string(c * 1000 + i);
        conn.send(make_request("POST", "/work/" + n, "body" + n));
        auto r = conn.read_response();
        if (r && r->result_int() == 200 && r->body() == n + ":body" + n) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), clients * per_client);
}

TEST(HttpServer, DroppedResponderAnswers500) {
  fixture f;
  f.routes.get("/forget", [](request_ptr, responder) {});
  f.start();
  auto r = test::request(f.port(), "GET", "/forget");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 500);
  EXPECT_EQ(error_code_of(*r), "no_response");
}

TEST(HttpServer, ThrowingHandlerAnswers500) {
  fixture f;
  f.routes.get("/throw", [](request_ptr, responder) { throw std::runtime_error("boom"); });
  f.start();
  auto r = test::request(f.port(), "GET", "/throw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 500);
}

TEST(HttpServer, Expect100ContinueGetsTheBodyRead) {
  fixture f;
  f.start();
  test_connection c(f.port());
  c.send("POST /echo/e HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.read_some_bytes(25);
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u);
  c.send("abc");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "POST e abc");
}

TEST(HttpServer, GracefulStopFinishesInFlightRequestAndClosesIdle) {
  fixture f;
  std::promise<void> arrived;
  std::promise<void> release;
  auto released = release.get_future().share();
  f.routes.get("/slow", [&](request_ptr, responder res) {
    arrived.set_value();
    f.later([res, released] {
      released.wait();
      res(http_response::json(200, R"({"done":true})"));
    });
  });
  f.start();
  test_connection idle(f.port());
  idle.send(make_request("GET", "/echo/1"));
  ASSERT_TRUE(idle.read_response());
  test_connection busy(f.port());
  busy.send(make_request("GET", "/slow"));
  arrived.get_future().wait();

  std::thread stopper([&] { f.server->stop(10s); });
  EXPECT_TRUE(idle.peer_closed());  // idle connection is closed while the busy one is still working
  release.set_value();
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ(r->body(), R"({"done":true})");
  EXPECT_FALSE(r->keep_alive());
  stopper.join();
  EXPECT_EQ(f.server->active_connections(), 0u);
  // Nothing listens any more.
  EXPECT_ANY_THROW(test_connection again(f.port()));
}

TEST(HttpServer, StopDeadlineClosesRequestsThatNeverFinish) {
  fixture f;
  std::promise<void> arrived;
  responder* kept = nullptr;
  std::optional<responder> holder;
  f.routes.get("/never", [&](request_ptr, responder res) {
    holder.emplace(res);  // answered only after the server is gone
    kept = &*holder;
    arrived.set_value();
  });
  f.start();
  test_connection c(f.port());
  c.send(make_request("GET", "/never"));
  arrived.get_future().wait();
  f.server->stop(100ms);
  EXPECT_TRUE(c.peer_closed());
  ASSERT_NE(kept, nullptr);
  (*kept)(http_response::json(200, "{}"));  // late answer after stop: ignored safely
  holder.reset();
}

TEST(HttpServer, StartFailsOnABusyPort) {
  fixture f;
  f.start();
  http_server_options o;
  o.port = f.port();
  o.address = "127.0.0.1";
  http_server second(o, [](request_ptr, responder res) { res(http_response::json(200, "{}")); });
  auto started = second.start();
  ASSERT_FALSE(started.has_value());
  EXPECT_NE(started.error().find("cannot listen"), std::string::npos);
}

}  // namespace
}  // namespace frontdesk::io
