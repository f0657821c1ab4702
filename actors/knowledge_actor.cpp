#include "actors/knowledge_actor.hpp"

#include <caf/all.hpp>
#include <map>
#include <mutex>
#include <optional>

#include "actors/atoms.hpp"
#include "config/log.hpp"
#include "io/client_on_http.hpp"
#include "io/rag_client.hpp"
#include "persistence/kb_index.hpp"

namespace frontdesk::actors {
namespace {

using rag_done_atom = caf::atom_constant<caf::atom("ragdone")>;

knowledge_answer_ptr unavailable(std::string source, std::string why) {
  auto a = std::make_shared<knowledge_answer>();
  a->available = false;
  a->source = std::move(source);
  a->error = std::move(why);
  return a;
}

std::int32_t clamp_top_k(std::int32_t k) {
  return std::clamp<std::int32_t>(k, 0, 50);
}

// ---------------------------------------------------------------------------------------------
// Embedded: kb_index on a detached actor.

struct embedded_state {
  static constexpr const char* name = "knowledge_embedded";
  embedded_knowledge_options options;
  std::optional<persistence::kb_index> index;
  bool indexed = false;
  std::string problem;
  knowledge_stats stats;
};

using embedded_ptr = caf::stateful_actor<embedded_state>*;

void index_now(embedded_ptr self) {
  auto& st = self->state;
  if (!st.index) {
    auto opened = persistence::kb_index::open(st.options.db_path);
    if (!opened) {
      st.problem = "index: " + opened.error().message;
      log::warn("kb_unavailable", {{"error", st.problem}});
      return;
    }
    st.index = std::move(*opened);
  }
  auto r = st.index->index_folder(st.options.kb_dir);
  if (!r) {
    st.problem = "index: " + r.error().message;
    log::warn("kb_unavailable", {{"dir", st.options.kb_dir}, {"error", st.problem}});
    return;
  }
  st.indexed = true;
  st.problem.clear();
  st.stats.articles = st.index->article_count();
  log::info("kb_indexed", {{"dir", st.options.kb_dir}, {"articles", st.stats.articles}});
}

caf::behavior embedded_behavior(embedded_ptr self, embedded_knowledge_options options) {
  self->state.options = std::move(options);
  self->state.stats.source = "embedded";
  index_now(self);
  return {
      [self](retrieve_atom, const std::string& query, std::int32_t top_k,
             double min_relevance) -> knowledge_answer_ptr {
        auto& st = self->state;
        ++st.stats.queries;
        if (!st.indexed) {
          ++st.stats.unavailable;
          return unavailable("embedded", st.problem.empty() ? "not indexed" : st.problem);
        }
        auto found =
            st.index->query(query, static_cast<std::size_t>(clamp_top_k(top_k)), min_relevance);
        if (!found) {
          ++st.stats.unavailable;
          return unavailable("embedded", "query: " + found.error().message);
        }
        auto a = std::make_shared<knowledge_answer>();
        a->available = true;
        a->source = "embedded";
        a->passages = std::move(*found);
        if (a->passages.empty()) ++st.stats.empty;
        return a;
      },
      [self](tick_atom) {
        auto& st = self->state;
        if (!st.indexed) return index_now(self);
        if (auto r = st.index->refresh(); r && r->any_change()) {
          st.stats.articles = st.index->article_count();
          log::info("kb_reloaded", {{"added", static_cast<std::uint64_t>(r->added)},
                                    {"changed", static_cast<std::uint64_t>(r->changed)},
                                    {"removed", static_cast<std::uint64_t>(r->removed)}});
        }
      },
      [self](stats_atom) { return self->state.stats; },
  };
}

/// Sends the target a tick every interval. A detached actor must not hold timers of its own
/// (CAF 0.17's clock keeps their target referenced). Linked: it ends with its target.
caf::behavior ticker(caf::event_based_actor* self, caf::actor target,
                     std::chrono::milliseconds every) {
  self->link_to(target);
  self->delayed_send(self, every, tick_atom::value);
  caf::actor_addr weak = target.address();
  return {[self, weak, every](tick_atom) {
    if (auto t = caf::actor_cast<caf::actor>(weak)) self->send(t, tick_atom::value);
    self->delayed_send(self, every, tick_atom::value);
  }};
}

// ---------------------------------------------------------------------------------------------
// External service through a gateway.

using rag_io = io::client_on_http<io::rag_client>;

/// What the attempts learnt, read when the call is done. An attempt may still be running after
/// the deadline, hence the lock.
struct rag_call_outcome {
  std::mutex mutex;
  io::rag_passages passages;
  std::string last_error;
};

struct rag_state {
  static constexpr const char* name = "knowledge_rag";
  rag_knowledge_options options;
  std::shared_ptr<rag_io> io;
  caf::actor gateway;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, caf::typed_response_promise<knowledge_answer_ptr>> pending;
  knowledge_stats stats;
};

using rag_ptr = caf::stateful_actor<rag_state>*;

attempt_report report_of(const io::rag_result& r) {
  attempt_report rep;
  if (r) {
    rep.success = true;
    rep.outcome.status = 200;
    return rep;
  }
  rep.outcome = r.error().outcome();
  rep.error = std::string(io::to_string(r.error().kind)) + ": " + r.error().message;
  // Our own bad request (4xx other than 429) says nothing about the service's health.
  rep.counts_for_breaker = r.error().kind != io::rag_error_kind::client_error;
  return rep;
}

caf::behavior rag_behavior(rag_ptr self, rag_knowledge_options options) {
  auto& st = self->state;
  st.options = std::move(options);
  st.stats.source = "rag";
  io::http_client_options h;
  h.verify_peer = st.options.verify_peer;
  h.extra_ca_pem = st.options.extra_ca_pem;
  h.max_connections_per_host = std::max<std::size_t>(8, st.options.gateway.max_in_flight);
  h.max_response_bytes = st.options.max_response_bytes + 64 * 1024;
  h.connect_timeout = st.options.attempt_timeout;
  io::rag_client_options r;
  r.base_url = st.options.base_url;
  r.api_key = st.options.api_key;
  r.timeout = st.options.attempt_timeout;
  r.max_response_bytes = st.options.max_response_bytes;
  st.io = std::make_shared<rag_io>(h, r);
  st.gateway = spawn_gateway(self->system(), st.options.gateway);
  self->link_to(st.gateway);
  self->attach_functor([gw = st.gateway](const caf::error&) {
    caf::anon_send_exit(gw, caf::exit_reason::user_shutdown);
  });
  return {
      [self](retrieve_atom, const std::string& query, std::int32_t top_k,
             double min_relevance) -> caf::result<knowledge_answer_ptr> {
        auto& s = self->state;
        ++s.stats.queries;
        const std::uint64_t id = ++s.next_id;
        auto rp = self->make_response_promise<knowledge_answer_ptr>();
        s.pending.emplace(id, rp);
        io::rag_query q{query, clamp_top_k(top_k), min_relevance};
        auto outcome = std::make_shared<rag_call_outcome>();
        std::weak_ptr<rag_io> weak_io = s.io;
        auto call = std::make_shared<gateway_call>();
        call->operation = "rag_query";
        call->deadline = s.options.deadline;
        call->attempt = [weak_io, q, outcome](const attempt_context&,
                                              std::function<void(attempt_report)> report) {
          auto io_now = weak_io.lock();
          if (!io_now) return report(client_gone_report());
          io_now->client.query(q, [outcome, report](io::rag_result res) {
            attempt_report rep = report_of(res);
            {
              std::lock_guard lock(outcome->mutex);
              if (res) {
                outcome->passages = std::move(*res);
              } else {
                outcome->last_error = rep.error;
              }
            }
            report(std::move(rep));
          });
        };
        caf::actor_addr me = self->address();
        call->done = [me, id, outcome](const call_result& cr) {
          auto a = std::make_shared<knowledge_answer>();
          a->source = "rag";
          std::lock_guard lock(outcome->mutex);
          if (cr.status == call_status::ok) {
            a->available = true;
            a->passages = std::move(outcome->passages);
          } else {
            a->error = std::string(to_string(cr.status));
            const std::string detail = cr.error.empty() ? outcome->last_error : cr.error;
            if (!detail.empty()) a->error += ": " + detail;
          }
          if (auto owner = caf::actor_cast<caf::actor>(me)) {
            caf::anon_send(owner, rag_done_atom::value, id, knowledge_answer_ptr{std::move(a)});
          }
        };
        submit_call(s.gateway, std::move(call));
        return rp;
      },
      [self](rag_done_atom, std::uint64_t id, const knowledge_answer_ptr& a) {
        auto& s = self->state;
        auto it = s.pending.find(id);
        if (it == s.pending.end()) return;
        if (!a->available) {
          ++s.stats.unavailable;
          log::warn("rag_unavailable", {{"error", a->error}});
        } else if (a->passages.empty()) {
          ++s.stats.empty;
        }
        it->second.deliver(a);
        s.pending.erase(it);
      },
      [](tick_atom) {},
      [self](gateway_stats_atom) -> caf::result<gateway_stats> {
        auto rp = self->make_response_promise<gateway_stats>();
        self->request(self->state.gateway, std::chrono::seconds(5), gateway_stats_atom::value)
            .then([rp](const gateway_stats& g) mutable { rp.deliver(g); },
                  [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
      [self](stats_atom) { return self->state.stats; },
  };
}

}  // namespace

gateway_options rag_knowledge_options::default_gateway() {
  gateway_options g;
  g.name = "knowledge";
  g.max_in_flight = 64;
  g.max_queued = 4096;
  g.backoff.base = std::chrono::milliseconds(100);
  g.backoff.cap = std::chrono::milliseconds(1000);
  g.budget.max_attempts = 2;
  g.budget.max_retry_after = std::chrono::seconds(2);
  g.breaker.consecutive_failures = 5;
  g.breaker.open_duration = std::chrono::seconds(15);
  return g;
}

caf::actor spawn_embedded_knowledge(caf::actor_system& sys, embedded_knowledge_options options) {
  const auto every = options.refresh_every;
  caf::actor k = sys.spawn<caf::detached>(embedded_behavior, std::move(options));
  if (every.count() > 0) sys.spawn(ticker, k, every);
  return k;
}

caf::actor spawn_rag_knowledge(caf::actor_system& sys, rag_knowledge_options options) {
  return sys.spawn(rag_behavior, std::move(options));
}

caf::actor spawn_knowledge(caf::actor_system& sys, knowledge_options options) {
  if (!options.rag_url.empty()) {
    options.rag.base_url = options.rag_url;
    if (!options.rag_api_key.empty()) options.rag.api_key = options.rag_api_key;
    return spawn_rag_knowledge(sys, std::move(options.rag));
  }
  options.embedded.kb_dir = options.kb_dir;
  return spawn_embedded_knowledge(sys, std::move(options.embedded));
}

}  // namespace frontdesk::actors
