#include "actors/llm_drafter.hpp"

#include <algorithm>
#include <atomic>
#include <caf/all.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "actors/atoms.hpp"
#include "actors/llm_draft_content.hpp"
#include "config/log.hpp"
#include "io/client_on_http.hpp"

namespace frontdesk::actors {
namespace {

using llm_done_atom = caf::atom_constant<caf::atom("llmdone")>;

constexpr std::size_t max_early_cancels = 1024;

using llm_io = io::client_on_http<io::openai_chat_client>;

/// One draft's LLM call, shared by its attempts (on the HTTP thread) and the drafter. An
/// attempt may still be running after the deadline, hence the lock.
struct llm_call_state {
  std::atomic<bool> cancelled{false};
  std::mutex mutex;
  std::optional<io::chat_completion> completion;
  std::string last_error;
  llm_usage usage;
  std::uint32_t invalid_answers = 0;
};

struct pending_draft {
  caf::typed_response_promise<draft_reply_ptr> promise;
  draft_request_ptr request;
  bool answered = false;  ///< cancelled: the conversation already has its answer
  bool knowledge_available = false;
  std::vector<domain::knowledge_passage> passages;
  std::shared_ptr<llm_call_state> call;
};

struct drafter_state {
  static constexpr const char* name = "llm_drafter";
  llm_drafter_options options;
  io::token_prices prices;
  std::shared_ptr<llm_io> io;
  caf::actor gateway;
  caf::actor knowledge;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, pending_draft> pending;
  std::map<std::pair<std::int64_t, std::uint64_t>, std::uint64_t> by_request;
  /// Cancels that found no request (it was answered already, or has not arrived yet): the
  /// latest few, oldest dropped first.
  std::set<std::pair<std::int64_t, std::uint64_t>> early_cancels;
  std::deque<std::pair<std::int64_t, std::uint64_t>> early_order;
  llm_drafter_stats stats;
};

using self_ptr = caf::stateful_actor<drafter_state>*;

draft_reply_ptr failure(std::string why) {
  auto r = std::make_shared<draft_reply>();
  r->ok = false;
  r->failure = std::move(why);
  return r;
}

void answer(pending_draft& p, draft_reply_ptr reply) {
  if (p.answered) return;
  p.answered = true;
  p.promise.deliver(std::move(reply));
}

/// Forgets a pending draft once nothing will arrive for it any more.
void forget(self_ptr self, std::uint64_t id) {
  auto& st = self->state;
  auto it = st.pending.find(id);
  if (it == st.pending.end()) return;
  const auto& req = *it->second.request;
  st.by_request.erase({req.conversation_id, req.request_id});
  st.pending.erase(it);
}

/// What one attempt's result tells the gateway; records answer, tokens and cost.
attempt_report record_attempt(llm_call_state& call, io::chat_result result,
                              const io::token_prices& prices, std::uint32_t max_invalid) {
  attempt_report rep;
  std::lock_guard lock(call.mutex);
  ++call.usage.attempts;
  if (result) {
    call.usage.prompt_tokens += result->usage.prompt_tokens;
    call.usage.completion_tokens += result->usage.completion_tokens;
    call.usage.cost_usd += result->cost_usd;
    if (!result->model.empty()) call.usage.model = result->model;
    call.completion = std::move(*result);
    rep.success = true;
    rep.outcome.status = 200;
    return rep;
  }
  const io::openai_error& e = result.error();
  call.usage.prompt_tokens += e.usage.prompt_tokens;
  call.usage.completion_tokens += e.usage.completion_tokens;
  call.usage.cost_usd += io::compute_cost(e.usage, prices);
  rep.outcome = e.outcome();
  rep.error = std::string(io::to_string(e.kind)) + ": " + e.message;
  call.last_error = rep.error;
  switch (e.kind) {
    case io::openai_error_kind::invalid_answer:
    case io::openai_error_kind::truncated:
    case io::openai_error_kind::refused:
      // Worth another draw, but not endlessly: stop after max_invalid bad answers.
      if (++call.invalid_answers >= max_invalid) rep.outcome.status = 422;
      break;
    case io::openai_error_kind::client_error:
      rep.counts_for_breaker = false;  // our request was wrong; the service is fine
      break;
    default:
      break;
  }
  return rep;
}

void start_llm_call(self_ptr self, std::uint64_t id) {
  auto& st = self->state;
  pending_draft& p = st.pending.at(id);
  auto messages = std::make_shared<const std::vector<io::chat_message>>(
      build_draft_messages(*p.request, p.knowledge_available, p.passages, st.options.prompt));
  auto call_state = std::make_shared<llm_call_state>();
  call_state->usage.model = st.options.model;
  p.call = call_state;

  auto call = std::make_shared<gateway_call>();
  call->operation = "draft";
  call->deadline = st.options.deadline;
  std::weak_ptr<llm_io> weak_io = st.io;
  const io::token_prices prices = st.prices;
  const std::uint32_t max_invalid = std::max<std::uint32_t>(1, st.options.max_invalid_answers);
  call->attempt = [weak_io, messages, call_state, prices, max_invalid](
                      const attempt_context&, std::function<void(attempt_report)> report) {
    if (call_state->cancelled.load()) {
      // Superseded while queued: no call to the model.
      attempt_report rep;
      rep.cancelled = true;
      rep.error = "cancelled";
      return report(std::move(rep));
    }
    auto io_now = weak_io.lock();
    if (!io_now) return report(client_gone_report());
    io_now->client.complete(
        *messages, [call_state, report, prices, max_invalid](io::chat_result r) {
          report(record_attempt(*call_state, std::move(r), prices, max_invalid));
        });
  };
  caf::actor_addr me = self->address();
  call->done = [me, id](const call_result& cr) {
    if (auto h = caf::actor_cast<caf::actor>(me)) {
      caf::anon_send(h, llm_done_atom::value, id, static_cast<std::uint8_t>(cr.status), cr.attempts,
                     cr.error);
    }
  };
  submit_call(st.gateway, std::move(call));
}

void on_knowledge(self_ptr self, std::uint64_t id, const knowledge_answer& k) {
  auto& st = self->state;
  auto it = st.pending.find(id);
  if (it == st.pending.end()) return;
  pending_draft& p = it->second;
  if (p.answered) {  // cancelled while retrieving: no LLM call at all
    ++st.stats.cancelled_before_call;
    return forget(self, id);
  }
  p.knowledge_available = k.available;
  p.passages = k.passages;
  if (!k.available) {
    ++st.stats.knowledge_unavailable;
    log::warn("draft_without_knowledge",
              {{"conv", p.request->conversation_id}, {"error", k.error}});
  }
  start_llm_call(self, id);
}

void on_llm_done(self_ptr self, std::uint64_t id, call_status status, std::uint32_t attempts,
                 const std::string& gateway_error) {
  auto& st = self->state;
  auto it = st.pending.find(id);
  if (it == st.pending.end()) return;
  pending_draft& p = it->second;
  llm_call_state& call = *p.call;
  std::optional<io::chat_completion> completion;
  llm_usage usage;
  std::string last_error;
  {
    std::lock_guard lock(call.mutex);
    usage = call.usage;
    last_error = call.last_error;
    if (status == call_status::ok) completion = std::move(call.completion);
    st.stats.invalid_answers += call.invalid_answers;
  }
  st.stats.prompt_tokens += usage.prompt_tokens;
  st.stats.completion_tokens += usage.completion_tokens;
  st.stats.cost_usd += usage.cost_usd;
  if (p.answered) {
    if (usage.attempts == 0) ++st.stats.cancelled_before_call;
    return forget(self, id);
  }
  if (status == call_status::ok && completion) {
    llm_draft_input in;
    in.request = p.request.get();
    in.knowledge_available = p.knowledge_available;
    in.passages = std::move(p.passages);
    in.min_relevance = st.options.min_relevance;
    in.answer = std::move(completion->answer);
    in.usage = usage;
    in.usage.attempts = std::max(usage.attempts, attempts);
    in.model = st.options.model;
    auto reply = std::make_shared<draft_reply>();
    reply->ok = true;
    reply->draft = compose_llm_draft(in);
    if (std::find(reply->draft.flags.begin(), reply->draft.flags.end(), "invented_sources") !=
        reply->draft.flags.end()) {
      ++st.stats.invented_sources;
    }
    ++st.stats.drafted;
    answer(p, std::move(reply));
  } else {
    std::string why = "ai_unavailable: " + std::string(to_string(status)) + " after " +
                      std::to_string(attempts) + " attempt" + (attempts == 1 ? "" : "s");
    const std::string detail = last_error.empty() ? gateway_error : last_error;
    if (!detail.empty()) why += ": " + detail;
    ++st.stats.failed;
    log::warn("draft_failed", {{"conv", p.request->conversation_id}, {"why", why}});
    answer(p, failure(std::move(why)));
  }
  forget(self, id);
}

caf::behavior drafter_behavior(self_ptr self, llm_drafter_options options) {
  auto& st = self->state;
  st.options = std::move(options);
  st.prices = st.options.prices;

  io::http_client_options h;
  h.verify_peer = st.options.verify_peer;
  h.extra_ca_pem = st.options.extra_ca_pem;
  h.max_connections_per_host = st.options.max_connections;
  h.max_idle_per_host = std::min<std::size_t>(st.options.max_connections, 256);
  h.connect_timeout =
      std::min<std::chrono::milliseconds>(st.options.timeout, std::chrono::milliseconds(10000));
  io::openai_chat_options c;
  c.base_url = st.options.base_url;
  c.api_key = st.options.api_key;
  c.model = st.options.model;
  c.temperature = st.options.temperature;
  c.max_tokens = st.options.max_tokens;
  c.stream = st.options.stream;
  c.timeout = st.options.timeout;
  c.prices = st.options.prices;
  st.io = std::make_shared<llm_io>(h, c);

  st.gateway = spawn_gateway(self->system(), st.options.gateway);
  std::vector<caf::actor> owned{st.gateway};
  if (st.options.knowledge) {
    st.knowledge = st.options.knowledge;
  } else {
    st.knowledge = spawn_knowledge(self->system(), st.options.kb);
    owned.push_back(st.knowledge);
  }
  self->attach_functor([owned](const caf::error&) {
    for (const auto& a : owned) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  });

  return {
      [self](draft_atom, const draft_request_ptr& req) -> caf::result<draft_reply_ptr> {
        auto& s = self->state;
        ++s.stats.requests;
        const std::pair key{req->conversation_id, req->request_id};
        if (s.early_cancels.erase(key) > 0) {
          ++s.stats.cancelled;
          ++s.stats.cancelled_before_call;
          return failure("cancelled");
        }
        const std::uint64_t id = ++s.next_id;
        auto rp = self->make_response_promise<draft_reply_ptr>();
        pending_draft p;
        p.promise = rp;
        p.request = req;
        s.pending.emplace(id, std::move(p));
        s.by_request[key] = id;
        const std::string query = retrieval_text(*req);
        self->request(s.knowledge, s.options.knowledge_timeout, retrieve_atom::value, query,
                      static_cast<std::int32_t>(s.options.top_k), s.options.min_relevance)
            .then([self, id](const knowledge_answer_ptr& k) { on_knowledge(self, id, *k); },
                  [self, id](const caf::error& err) {
                    knowledge_answer k;
                    k.error = caf::to_string(err);
                    on_knowledge(self, id, k);
                  });
        return rp;
      },
      [self](cancel_atom, std::int64_t conv, std::uint64_t request_id) {
        auto& s = self->state;
        auto it = s.by_request.find({conv, request_id});
        if (it == s.by_request.end()) {
          if (s.early_cancels.insert({conv, request_id}).second) {
            s.early_order.emplace_back(conv, request_id);
          }
          if (s.early_order.size() > max_early_cancels) {
            s.early_cancels.erase(s.early_order.front());
            s.early_order.pop_front();
          }
          return;
        }
        pending_draft& p = s.pending.at(it->second);
        if (p.answered) return;
        ++s.stats.cancelled;
        if (p.call) p.call->cancelled = true;
        answer(p, failure("cancelled"));
      },
      [self](llm_done_atom, std::uint64_t id, std::uint8_t status, std::uint32_t attempts,
             const std::string& error) {
        on_llm_done(self, id, static_cast<call_status>(status), attempts, error);
      },
      [](tick_atom) {},
      [self](gateway_stats_atom) -> caf::result<gateway_stats> {
        auto rp = self->make_response_promise<gateway_stats>();
        self->request(self->state.gateway, std::chrono::seconds(5), gateway_stats_atom::value)
            .then([rp](const gateway_stats& g) mutable { rp.deliver(g); },
                  [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
      [self](stats_atom) {
        auto s = self->state.stats;
        s.in_progress = self->state.pending.size();
        return s;
      },
  };
}

}  // namespace

gateway_options llm_drafter_options::default_gateway() {
  gateway_options g;
  g.name = "llm";
  g.max_in_flight = 2000;  // LLM calls are slow and mostly waiting
  g.max_queued = 20000;
  g.backoff.base = std::chrono::milliseconds(500);
  g.backoff.cap = std::chrono::milliseconds(10000);
  g.budget.max_attempts = 3;
  g.budget.max_retry_after = std::chrono::seconds(30);
  g.breaker.consecutive_failures = 5;
  g.breaker.failure_rate = 0.5;
  g.breaker.window_size = 20;
  g.breaker.minimum_calls = 10;
  g.breaker.open_duration = std::chrono::seconds(30);
  return g;
}

caf::actor spawn_llm_drafter(caf::actor_system& sys, llm_drafter_options options) {
  return sys.spawn(drafter_behavior, std::move(options));
}

}  // namespace frontdesk::actors
