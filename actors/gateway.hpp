#pragma once
// One supervision design for every gateway (Chatwoot, the LLM, the knowledge service).
//
// A gateway is a supervisor actor with a fixed pool of monitored worker actors. A call is a
// small object that knows how to make one attempt; the supervisor owns everything around it:
//   - at most `max_in_flight` calls are attempted at once, up to `max_queued` more wait in
//     order; beyond that a call is refused at once with `overloaded`. Urgent calls wait ahead
//     of the others and have room for `max_queued` of their own, so a queue full of normal
//     calls does not refuse them;
//   - a per-call deadline over all attempts (`deadline_exceeded`);
//   - retries with exponential backoff and full jitter, Retry-After honoured on 429/503,
//     no retry of a 4xx other than 429 (domain::decide_retry);
//   - a circuit breaker (closed / open / half-open with probes); while open, calls fail fast
//     with `circuit_open`;
//   - a worker that dies is restarted by the supervisor's down handler, and the calls it held
//     are attempted again (flagged ambiguous: the attempt may have taken effect).
//
// Messages:
//   (call_atom, gateway_call_ptr)   run a call; its `done` runs exactly once
//   (stats_atom) -> gateway_stats

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/gateway_stats.hpp"
#include "domain/backoff.hpp"
#include "domain/backoff_retry_policy.hpp"
#include "domain/circuit_breaker.hpp"

namespace frontdesk::actors {

struct attempt_context {
  std::uint32_t attempt = 1;  ///< 1-based
  /// An earlier attempt may have taken effect (timeout or reset after the request was
  /// written, or its worker died): verify before doing it again.
  bool previous_ambiguous = false;
  /// The call's deadline: an attempt should not outlive it (use it for the request timeout).
  std::chrono::steady_clock::time_point deadline{};
};

struct attempt_report {
  domain::call_outcome outcome;  ///< status / transport failure / ambiguity / Retry-After
  bool success = false;          ///< the call reached its goal
  /// False when the failure says nothing about the dependency's health (our own 4xx).
  bool counts_for_breaker = true;
  /// The caller withdrew the call before it reached the dependency: neither a success nor a
  /// failure (not retried, not counted by the breaker or as a failure, not the last error).
  bool cancelled = false;
  std::string error;  ///< what went wrong, when not a success
};

enum class call_status : std::uint8_t {
  ok,
  failed,             ///< permanent error or retry budget spent
  overloaded,         ///< queue full
  circuit_open,       ///< the breaker refuses calls
  deadline_exceeded,  ///< the call's deadline passed (an attempt may still be running)
  shutting_down,
  cancelled,  ///< withdrawn by its caller (attempt_report::cancelled)
};

std::string_view to_string(call_status s) noexcept;

/// What an attempt reports when the client it would use is already gone (its owner is
/// stopping): a transport failure that says nothing about the dependency's health.
attempt_report client_gone_report();

struct call_result {
  call_status status = call_status::failed;
  std::uint32_t attempts = 0;
  bool ambiguous = false;  ///< the last failed attempt may have taken effect
  std::string error;
};

struct gateway_call {
  std::string operation;  ///< label for logs and metrics, e.g. "public_reply"
  std::chrono::milliseconds deadline{30000};
  /// Waits ahead of every normal call (e.g. a customer's reply ahead of agents' notes), and is
  /// not refused because normal calls fill the queue.
  bool urgent = false;
  /// Makes one attempt. Runs on a worker actor; must not block; calls `report` exactly once,
  /// from any thread.
  std::function<void(const attempt_context&, std::function<void(attempt_report)> report)> attempt;
  /// The final answer, exactly once, on the supervisor's thread.
  std::function<void(const call_result&)> done;
};

using gateway_call_ptr = std::shared_ptr<gateway_call>;

struct gateway_options {
  std::string name = "gateway";  ///< "chatwoot", "llm", "knowledge"
  std::size_t max_in_flight = 32;
  std::size_t max_queued = 1024;
  domain::backoff_policy backoff;
  domain::retry_budget budget;
  domain::circuit_breaker_options breaker;
  std::uint64_t seed = 0;  ///< jitter generator seed (0: from the clock)
};

using call_atom = caf::atom_constant<caf::atom("call")>;
/// Answered with gateway_stats by a gateway and by every actor that owns one.
using gateway_stats_atom = caf::atom_constant<caf::atom("gwstats")>;

caf::actor spawn_gateway(caf::actor_system& sys, gateway_options options);

/// Hands `c` to the gateway (any thread). Calls still open when the gateway stops are answered
/// `shutting_down`; a call sent to a gateway that has already stopped is dropped.
void submit_call(const caf::actor& gateway, gateway_call_ptr c);

/// Maps the end of a call to the retry verdict's language: ok / give up / keep for later.
inline bool retry_later(call_status s) noexcept {
  return s == call_status::overloaded || s == call_status::circuit_open ||
         s == call_status::deadline_exceeded || s == call_status::shutting_down;
}

}  // namespace frontdesk::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::gateway_call_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::gateway_stats)
