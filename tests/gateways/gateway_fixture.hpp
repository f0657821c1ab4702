// A Chatwoot gateway on a real actor system talking to the in-memory Chatwoot server.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <caf/all.hpp>
#include <chrono>
#include <thread>

#include "actors/atoms.hpp"
#include "actors/chatwoot_gateway.hpp"
#include "actors/gateway.hpp"
#include "tests/support/await.hpp"
#include "tests/support/chatwoot_server.hpp"

namespace frontdesk::actors::testing {

using namespace std::chrono_literals;

/// Small timeouts and backoffs so faults resolve in well under a second each.
inline chatwoot_gateway_options test_options(const test_support::chatwoot_server& server) {
  chatwoot_gateway_options o;
  const auto ep = server.endpoint();
  o.base_url = ep.base_url;
  o.api_token = ep.api_token;
  o.account_id = ep.account_id;
  o.request_timeout = 500ms;
  o.connect_timeout = 500ms;
  o.call_deadline = 5s;
  o.backoff.base = 20ms;
  o.backoff.cap = 100ms;
  o.budget.max_attempts = 6;
  o.budget.max_retry_after = 5s;
  o.breaker.consecutive_failures = 50;
  o.breaker.failure_rate = 0;
  o.breaker.open_duration = 300ms;
  o.seed = 7;
  return o;
}

inline persistence::outbox_row reply_row(std::int64_t conv, const std::string& text,
                                         std::int64_t after_id, std::string action = "approve",
                                         int attempts = 0, std::int64_t version = 1) {
  persistence::outbox_row r;
  r.id = "reply:" + std::to_string(conv) + ":" + std::to_string(version);
  r.conversation_id = conv;
  r.draft_version = version;
  r.kind = "public_reply";
  r.payload = boost::json::serialize(
      boost::json::object{{"content", text}, {"after_id", after_id}, {"action", action}});
  r.attempts = attempts;
  return r;
}

inline persistence::outbox_row row_of(std::string kind, std::int64_t conv, std::string payload,
                                      std::string id = {}) {
  persistence::outbox_row r;
  r.id = id.empty() ? kind + ":" + std::to_string(conv) : std::move(id);
  r.conversation_id = conv;
  r.kind = std::move(kind);
  r.payload = std::move(payload);
  return r;
}

class gateway_test : public ::testing::Test {
 protected:
  test_support::chatwoot_server server;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<chatwoot_gateway> gw;

  explicit gateway_test(test_support::chatwoot_server_options so = {}) : server(so) {}

  void SetUp() override {
    server.start();
    sys = std::make_unique<caf::actor_system>(cfg);
  }
  void TearDown() override {
    if (gw) gw->stop();
    gw.reset();
    sys.reset();
    server.stop();
  }

  void start(chatwoot_gateway_options o) {
    auto g = chatwoot_gateway::start(*sys, std::move(o));
    ASSERT_TRUE(g) << g.error();
    gw = std::move(*g);
  }
  void start() { start(test_options(server)); }

  delivery_result deliver(const persistence::outbox_row& row) {
    auto fn = gw->delivery();
    return test_support::await_result<delivery_result>(
        [&](std::function<void(delivery_result)> cb) { fn(row, std::move(cb)); });
  }

  /// Like the outbox: delivers until delivered or refused, counting attempts on the row.
  delivery_result deliver_until_done(persistence::outbox_row row, int max_rounds = 30) {
    delivery_result r;
    for (int i = 0; i < max_rounds; ++i) {
      r = deliver(row);
      if (r.delivered || r.give_up) return r;
      ++row.attempts;
      std::this_thread::sleep_for(50ms);
    }
    return r;
  }

  gateway_stats supervisor_stats() {
    caf::scoped_actor self{*sys};
    gateway_stats out;
    self->request(gw->supervisor(), 5s, stats_atom::value)
        .receive([&](const gateway_stats& s) { out = s; },
                 [&](const caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
    return out;
  }

  std::size_t requests_to(const std::string& method, const std::string& path_suffix) {
    std::size_t n = 0;
    for (const auto& r : server.requests()) {
      if (r.method == method && r.path.size() >= path_suffix.size() &&
          r.path.compare(r.path.size() - path_suffix.size(), path_suffix.size(), path_suffix) == 0)
        ++n;
    }
    return n;
  }

  std::vector<std::string> set_labels(std::int64_t conv, std::vector<std::string> labels) {
    auto r = test_support::await_result<io::cw_result<std::vector<std::string>>>(
        [&](std::function<void(io::cw_result<std::vector<std::string>>)> cb) {
          gw->client().set_labels(conv, labels, std::move(cb));
        });
    EXPECT_TRUE(r);
    return r ? *r : std::vector<std::string>{};
  }
};

}  // namespace frontdesk::actors::testing
