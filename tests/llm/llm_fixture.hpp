#pragma once
// A real actor system for the drafting tests, and blocking helpers to talk to its actors.

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "actors/atoms.hpp"
#include "actors/knowledge_actor.hpp"
#include "actors/llm_drafter.hpp"

namespace frontdesk::actors::testing {

using namespace std::chrono_literals;

inline const std::string kb_dir = std::string(FRONTDESK_SOURCE_DIR) + "/kb";

/// Small backoffs and deadlines so failure paths finish in milliseconds.
inline gateway_options fast_gateway(std::string name) {
  gateway_options g;
  g.name = std::move(name);
  g.max_in_flight = 16;
  g.backoff = {std::chrono::milliseconds(5), std::chrono::milliseconds(20), 2.0};
  g.budget.max_attempts = 3;
  g.budget.max_retry_after = std::chrono::seconds(3);
  g.breaker.consecutive_failures = 50;
  g.breaker.failure_rate = 0;
  g.breaker.open_duration = std::chrono::seconds(60);
  g.seed = 11;
  return g;
}

class actor_test : public ::testing::Test {
 protected:
  actor_test() {
    cfg_.set("scheduler.max-threads", 2);
    cfg_.set("logger.console", caf::atom("none"));
    sys_ = std::make_unique<caf::actor_system>(cfg_);
  }
  ~actor_test() override {
    for (auto& a : owned_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    owned_.clear();
    sys_.reset();  // waits for every actor
  }

  caf::actor own(caf::actor a) {
    owned_.push_back(a);
    return a;
  }

  knowledge_answer_ptr retrieve(const caf::actor& k, const std::string& query, int top_k = 5,
                                double min_relevance = 0.7) {
    knowledge_answer_ptr out;
    caf::scoped_actor self{*sys_};
    self->request(k, 20s, retrieve_atom::value, query, static_cast<std::int32_t>(top_k),
                  min_relevance)
        .receive([&](const knowledge_answer_ptr& a) { out = a; },
                 [](const caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
    if (!out) out = std::make_shared<knowledge_answer>();
    return out;
  }

  draft_reply_ptr draft(const caf::actor& drafter, draft_request_ptr req) {
    draft_reply_ptr out;
    caf::scoped_actor self{*sys_};
    self->request(drafter, 30s, draft_atom::value, std::move(req))
        .receive([&](const draft_reply_ptr& r) { out = r; },
                 [](const caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
    if (!out) out = std::make_shared<draft_reply>();
    return out;
  }

  template <class Stats>
  Stats stats(const caf::actor& a) {
    Stats out{};
    caf::scoped_actor self{*sys_};
    self->request(a, 10s, stats_atom::value)
        .receive([&](const Stats& s) { out = s; },
                 [](const caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
    return out;
  }

  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::vector<caf::actor> owned_;
};

}  // namespace frontdesk::actors::testing
