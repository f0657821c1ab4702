// Decides, from one call's outcome and the attempts so far, whether to retry and after how long.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/backoff.hpp"

namespace frontdesk::domain {

/// What happened on one attempt, stripped of any transport types.
struct call_outcome {
  std::optional<int> status;  // HTTP status, if a complete response arrived
  /// No usable response (connect failure, timeout, reset, malformed answer).
  bool transport_failure = false;
  /// The request was written and may have been processed (timeout or reset after sending).
  bool ambiguous = false;
  std::optional<std::chrono::milliseconds> retry_after;  // parsed Retry-After, if any
};

struct retry_budget {
  std::uint32_t max_attempts = 5;  // including the first
  /// A Retry-After longer than this is not waited for: give up (the caller may re-queue).
  std::chrono::milliseconds max_retry_after{std::chrono::minutes{5}};
};

enum class retry_verdict : std::uint8_t {
  done,              // success (2xx): nothing to retry
  retry,             // safe to send again after `delay`
  check_then_retry,  // may already have taken effect: verify (e.g. find_reply) before resending
  give_up,           // permanent error or budget exhausted
};

std::string_view to_string(retry_verdict v) noexcept;

struct retry_decision {
  retry_verdict verdict = retry_verdict::give_up;
  std::chrono::milliseconds delay{0};
  bool ambiguous = false;  // copied from the outcome: the caller must reconcile either way
  std::string_view reason;
};

/// `attempts_made` counts attempts including the one that produced `outcome` (>= 1).
/// Never retries 4xx other than 429; honours Retry-After on 429 and 503 (the longer of it and the
/// backoff draw); everything else retryable uses full-jitter backoff with `uniform01`.
retry_decision decide_retry(const call_outcome& outcome, std::uint32_t attempts_made,
                            const backoff_policy& backoff, const retry_budget& budget,
                            double uniform01) noexcept;

}  // namespace frontdesk::domain
