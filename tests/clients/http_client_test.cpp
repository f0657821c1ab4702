// The HTTP client over real sockets: TLS trust, limits, malformed peers, pooling, shutdown.
#include "io/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "tests/support/await.hpp"
#include "tests/support/test_certificate.hpp"
#include "tests/support/test_http_server.hpp"

using namespace std::chrono_literals;
using namespace frontdesk::io;
using frontdesk::test_support::await_result;
using frontdesk::test_support::canned_response;
using frontdesk::test_support::fault;
using frontdesk::test_support::fault_kind;
using frontdesk::test_support::recorded_request;
using frontdesk::test_support::test_http_server;

namespace {

canned_response echo(const recorded_request& r) {
  return canned_response{200, "text/plain", r.method + " " + r.target + " " + r.body, {}};
}

client_request get(const std::string& url, std::chrono::milliseconds timeout = 5000ms) {
  client_request r;
  r.url = url;
  r.timeout = timeout;
  return r;
}

// A raw TCP peer that answers each connection with fixed bytes, then closes; or, when silent,
// accepts and then never says anything.
class raw_server {
 public:
  explicit raw_server(std::string answer, bool silent = false)
      : answer_(std::move(answer)), silent_(silent) {
    using boost::asio::ip::tcp;
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      while (!stop_) {
        boost::system::error_code ec;
        tcp::socket s(ioc_);
        acceptor_.accept(s, ec);
        if (ec || stop_) return;
        ++accepted_;
        if (silent_) {
          held_.push_back(std::move(s));
          continue;
        }
        std::string buf(4096, '\0');
        std::size_t got = 0;
        while (buf.substr(0, got).find("\r\n\r\n") == std::string::npos && got < buf.size()) {
          auto n = s.read_some(boost::asio::buffer(buf.data() + got, buf.size() - got), ec);
          if (ec) break;
          got += n;
        }
        boost::asio::write(s, boost::asio::buffer(answer_), ec);
        s.close(ec);
      }
    });
  }
  ~raw_server() {
    stop_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket poke(ioc_);
    poke.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  std::string url(bool tls = false) const {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + "/";
  }
  int accepted() const { return accepted_; }

 private:
  std::string answer_;
  bool silent_ = false;
  boost::asio::io_context ioc_;
  std::vector<boost::asio::ip::tcp::socket> held_;
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace

TEST(HttpClient, SendsMethodHeadersAndBody) {
  test_http_server server(echo);
  server.start();
  http_client http;
  client_request r;
  r.method = http_method::put;
  r.url = server.base_url() + "/x/y?q=1";
  r.headers = {{"X-Custom", "v1"}};
  r.body = "payload";
  auto out = http.send(r);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->status, 200);
  EXPECT_EQ(out->body, "PUT /x/y?q=1 payload");
  EXPECT_EQ(out->header("content-type"), "text/plain");
  const auto rec = server.requests().at(0);
  EXPECT_EQ(rec.header("x-custom"), "v1");
  EXPECT_EQ(rec.header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(rec.header("User-Agent"), "frontdesk");
}

TEST(HttpClient, SequentialRequestsReuseOneConnection) {
  test_http_server server(echo);
  server.start();
  http_client http;
  constexpr int n = 300;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    auto out = http.send(get(server.base_url() + "/s"));
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->reused_connection, i > 0);
  }
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::printf("[ measure  ] %d sequential keep-alive requests: %lld us/request\n", n,
              static_cast<long long>(us / n));
  EXPECT_EQ(server.accepted_connections(), 1u);
  EXPECT_EQ(http.stats().connections_reused, static_cast<std::uint64_t>(n - 1));
}

TEST(HttpClient, RefusesBadRequestsWithoutSending) {
  http_client http;
  for (const char* url : {"ftp://x/", "http://", "http://a b/", "http://user@host/", "nonsense",
                          "http://host:0/", "http://host:70000/", "http://host/#frag"}) {
    auto out = http.send(get(url));
    ASSERT_FALSE(out) << url;
    EXPECT_EQ(out.error().kind, client_error_kind::invalid_request) << url;
    EXPECT_FALSE(out.error().ambiguous);
  }
  test_http_server server(echo);
  server.start();
  auto r = get(server.base_url());
  r.headers = {{"X-Evil", "a\r\nInjected: yes"}};
  auto out = http.send(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, client_error_kind::invalid_request);
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClient, OversizedResponseIsBadResponse) {
  test_http_server server([](const recorded_request&) {
    return canned_response{200, "text/plain", std::string(64 * 1024, 'x'), {}};
  });
  server.start();
  http_client_options o;
  o.max_response_bytes = 1024;
  http_client http(o);
  auto out = http.send(get(server.base_url()));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, client_error_kind::bad_response);
  EXPECT_TRUE(out.error().ambiguous);
}

TEST(HttpClient, GarbagePeerIsBadResponse) {
  raw_server peer("SSH-2.0-OpenSSH_9.2\r\n\r\n");
  http_client http;
  auto out = http.send(get(peer.url()));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, client_error_kind::bad_response);
  EXPECT_TRUE(out.error().ambiguous);
}

TEST(HttpClient, PeerClosingMidBodyIsAmbiguousReset) {
  raw_server peer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
  http_client http;
  client_request r = get(peer.url());
  r.method = http_method::post;
  r.body = "{}";
  auto out = http.send(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, client_error_kind::reset_before_response);
  EXPECT_TRUE(out.error().ambiguous);
}

TEST(HttpClient, PooledConnectionClosedByPeerIsReplacedTransparently) {
  // Keep-alive answer, then the peer closes: the pooled connection is dead on the next call.
  raw_server peer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  http_client http;
  for (int i = 0; i < 5; ++i) {
    auto out = http.send(get(peer.url()));
    ASSERT_TRUE(out) << i << ": " << out.error().message;
    EXPECT_EQ(out->body, "ok");
  }
  EXPECT_EQ(peer.accepted(), 5);
}

TEST(HttpClient, TimeoutBeforeSendingIsNotAmbiguous) {
  // The peer accepts but never completes the TLS handshake: nothing of the request left us.
  raw_server peer("", true);
  http_client_options o;
  o.connect_timeout = 200ms;
  http_client http(o);
  client_request r = get(peer.url(true), 5000ms);
  r.method = http_method::post;
  auto out = http.send(r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, client_error_kind::timeout);
  EXPECT_FALSE(out.error().ambiguous);
}

TEST(HttpClient, ConnectRefusedIsNotAmbiguous) {
  std::uint16_t port = 0;
  {
    test_http_server gone(echo);
    gone.start();
    port = gone.port();
  }
  http_client http;
  auto out = http.send(get("http://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, client_error_kind::connect_failed);
  EXPECT_FALSE(out.error().ambiguous);
}

TEST(HttpClient, ReadTimeoutAfterSendingIsAmbiguous) {
  test_http_server server(echo);
  server.start();
  server.inject(fault{fault_kind::delay, 1, 20000ms});
  http_client http;
  auto out = http.send(get(server.base_url(), 1000ms));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, client_error_kind::timeout);
  EXPECT_TRUE(out.error().ambiguous);
  // The client is still usable afterwards (on a fresh connection).
  auto again = http.send(get(server.base_url()));
  ASSERT_TRUE(again) << again.error().message;
}

TEST(HttpClient, ManyConcurrentRequestsAllComplete) {
  test_http_server server(echo);
  server.start();
  http_client http;
  constexpr int n = 200;
  std::atomic<int> ok{0}, done{0};
  std::promise<void> all;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    http.request(get(server.base_url() + "/" + std::to_string(i)), [&, i](client_outcome out) {
      if (out && out->body == "GET /" + std::to_string(i) + " ") ++ok;
      if (++done == n) all.set_value();
    });
  }
  ASSERT_EQ(all.get_future().wait_for(60s), std::future_status::ready);
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::printf("[ measure  ] %d concurrent requests in %lld us over %zu connections\n", n,
              static_cast<long long>(us), server.accepted_connections());
  EXPECT_EQ(ok.load(), n);
  EXPECT_LE(server.accepted_connections(), http_client_options{}.max_connections_per_host);
}

TEST(HttpClient, ConnectionsPerHostAreCappedAndWaitersServedInTurn) {
  for (std::size_t idle : {std::size_t{3}, std::size_t{1}}) {
    test_http_server server(echo);
    server.start();
    http_client_options o;
    o.max_connections_per_host = 3;
    o.max_idle_per_host = idle;  // 1: connections get closed and reopened under load
    http_client http(o);
    constexpr int n = 60;
    std::atomic<int> ok{0}, done{0};
    std::promise<void> all;
    for (int i = 0; i < n; ++i) {
      client_request r = get(server.base_url() + "/" + std::to_string(i));
      r.method = i % 2 ? http_method::post : http_method::get;
      http.request(r, [&](client_outcome out) {
        if (out && out->status == 200) ++ok;
        if (++done == n) all.set_value();
      });
    }
    ASSERT_EQ(all.get_future().wait_for(60s), std::future_status::ready);
    EXPECT_EQ(ok.load(), n) << idle;
    EXPECT_EQ(server.requests().size(), static_cast<std::size_t>(n));
    EXPECT_EQ(http.stats().connections_opened, server.accepted_connections());
    if (idle == 3) {
      EXPECT_LE(server.accepted_connections(), 3u);
    }
  }
}

TEST(HttpClient, ConnectionsABurstOpenedServeTheNextBurst) {
  test_http_server server(echo);
  server.start();
  http_client http;  // the defaults: up to 32 connections, all kept between requests
  constexpr int n = 20;
  auto burst = [&] {
    // Each answer is held 150 ms, so the burst's requests overlap.
    server.inject(fault{fault_kind::delay, n, 150ms, "1"});
    std::atomic<int> ok{0}, done{0};
    std::promise<void> all;
    for (int i = 0; i < n; ++i) {
      http.request(get(server.base_url() + "/" + std::to_string(i)), [&](client_outcome out) {
        if (out && out->status == 200) ++ok;
        if (++done == n) all.set_value();
      });
    }
    ASSERT_EQ(all.get_future().wait_for(60s), std::future_status::ready);
    EXPECT_EQ(ok.load(), n);
  };
  burst();
  const std::size_t opened = server.accepted_connections();
  EXPECT_GT(opened, 8u);
  burst();
  EXPECT_EQ(server.accepted_connections(), opened);
  EXPECT_EQ(http.stats().connections_opened, opened);
}

TEST(HttpClient, WaitingForASlotRespectsTheDeadline) {
  test_http_server server(echo);
  server.start();
  server.inject(fault{fault_kind::delay, 1, 2000ms});
  http_client_options o;
  o.max_connections_per_host = 1;
  http_client http(o);
  std::promise<client_outcome> slow;
  http.request(get(server.base_url() + "/slow", 10000ms),
               [&](client_outcome out) { slow.set_value(std::move(out)); });
  while (server.requests().empty()) std::this_thread::sleep_for(5ms);
  auto waiting = http.send(get(server.base_url() + "/queued", 200ms));
  ASSERT_FALSE(waiting);
  EXPECT_EQ(waiting.error().kind, client_error_kind::timeout);
  EXPECT_FALSE(waiting.error().ambiguous);  // never left the queue
  EXPECT_EQ(server.requests().size(), 1u);
  auto first = slow.get_future().get();
  ASSERT_TRUE(first) << first.error().message;
  // The slot is free again.
  ASSERT_TRUE(http.send(get(server.base_url() + "/after")));
  EXPECT_EQ(server.accepted_connections(), 1u);
}

TEST(HttpClient, DestroyingTheClientFailsPendingRequests) {
  test_http_server server(echo);
  server.start();
  server.inject(fault{fault_kind::delay, 1, 10000ms});
  std::promise<client_outcome> result;
  {
    http_client http;
    http.request(get(server.base_url(), 30000ms),
                 [&](client_outcome out) { result.set_value(std::move(out)); });
    while (server.requests().empty()) std::this_thread::sleep_for(5ms);
  }
  auto fut = result.get_future();
  ASSERT_EQ(fut.wait_for(0s), std::future_status::ready);
  auto out = fut.get();
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, client_error_kind::shutting_down);
}

TEST(HttpClient, SendFromTheClientThreadIsRefused) {
  test_http_server server(echo);
  server.start();
  http_client http;
  auto out = await_result<client_outcome>([&](auto cb) {
    http.request(get(server.base_url()),
                 [&, cb](client_outcome) { cb(http.send(get(server.base_url()))); });
  });
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, client_error_kind::invalid_request);
}

TEST(HttpClientTls, TrustComesFromCaFileOrPemOnly) {
  auto id = frontdesk::test_support::make_self_signed_identity();
  test_http_server server(echo, id);
  server.start();
  {
    http_client strict;
    auto out = strict.send(get(server.base_url()));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().kind, client_error_kind::tls_failed);
    EXPECT_FALSE(out.error().ambiguous);
  }
  {
    http_client_options o;
    o.extra_ca_file = frontdesk::test_support::write_temp_file(id.cert_pem);
    http_client trusting(o);
    auto out = trusting.send(get(server.base_url() + "/file"));
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->body, "GET /file ");
    // By name too: the certificate's SAN lists localhost.
    auto by_name = trusting.send(get("https://localhost:" + std::to_string(server.port()) + "/n"));
    ASSERT_TRUE(by_name) << by_name.error().message;
  }
  {
    // A different self-signed CA does not vouch for this server.
    http_client_options o;
    o.extra_ca_pem = frontdesk::test_support::make_self_signed_identity().cert_pem;
    http_client other(o);
    auto out = other.send(get(server.base_url()));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().kind, client_error_kind::tls_failed);
  }
  {
    http_client_options o;
    o.extra_ca_file = "/nonexistent/ca.pem";
    http_client broken(o);
    auto out = broken.send(get(server.base_url()));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().kind, client_error_kind::tls_failed);
  }
  {
    http_client_options o;
    o.verify_peer = false;
    http_client lax(o);
    EXPECT_TRUE(lax.send(get(server.base_url())));
  }
}

TEST(HttpClientTls, TrustedCertificateForAnotherNameIsRejected) {
  auto id = frontdesk::test_support::make_self_signed_identity("DNS:other.example");
  test_http_server server(echo, id);
  server.start();
  http_client_options o;
  o.extra_ca_pem = id.cert_pem;
  http_client http(o);
  for (std::string host : {"127.0.0.1", "localhost"}) {
    auto out = http.send(get("https://" + host + ":" + std::to_string(server.port()) + "/"));
    ASSERT_FALSE(out) << host;
    EXPECT_EQ(out.error().kind, client_error_kind::tls_failed) << host;
  }
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClientTls, PlainHttpToATlsPortFails) {
  test_http_server server(echo, frontdesk::test_support::make_self_signed_identity());
  server.start();
  http_client http;
  auto out = http.send(get("http://127.0.0.1:" + std::to_string(server.port()) + "/", 2000ms));
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().kind, client_error_kind::invalid_request);
}
