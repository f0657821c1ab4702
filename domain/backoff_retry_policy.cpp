#include "domain/backoff_retry_policy.hpp"

#include <algorithm>

namespace frontdesk::domain {

std::string_view to_string(retry_verdict v) noexcept {
  switch (v) {
    case retry_verdict::done:
      return "done";
    case retry_verdict::retry:
      return "retry";
    case retry_verdict::check_then_retry:
      return "check_then_retry";
    case retry_verdict::give_up:
      return "give_up";
  }
  return "give_up";
}

retry_decision decide_retry(const call_outcome& outcome, std::uint32_t attempts_made,
                            const backoff_policy& backoff, const retry_budget& budget,
                            double uniform01) noexcept {
  retry_decision d;
  d.ambiguous = outcome.ambiguous && !outcome.status.has_value();
  const bool has_status = outcome.status.has_value() && !outcome.transport_failure;
  const int status = has_status ? *outcome.status : 0;

  if (has_status && status >= 200 && status < 300) {
    d.verdict = retry_verdict::done;
    d.reason = "success";
    return d;
  }
  if (has_status && status >= 400 && status < 500 && status != 429) {
    d.verdict = retry_verdict::give_up;
    d.reason = "client_error";
    return d;
  }
  if (has_status && (status < 400 || status > 599)) {
    d.verdict = retry_verdict::give_up;
    d.reason = "unexpected_status";
    return d;
  }
  if (attempts_made >= budget.max_attempts) {
    d.verdict = retry_verdict::give_up;
    d.reason = "budget_exhausted";
    return d;
  }
  auto delay = backoff_delay(backoff, attempts_made, uniform01);
  if ((status == 429 || status == 503) && outcome.retry_after) {
    if (*outcome.retry_after > budget.max_retry_after) {
      d.verdict = retry_verdict::give_up;
      d.reason = "retry_after_too_long";
      return d;
    }
    delay = std::max(delay, *outcome.retry_after);
  }
  d.delay = delay;
  if (d.ambiguous) {
    d.verdict = retry_verdict::check_then_retry;
    d.reason = "ambiguous";
  } else {
    d.verdict = retry_verdict::retry;
    d.reason = status == 429 ? "rate_limited" : has_status ? "server_error" : "transport_failure";
  }
  return d;
}

}  // namespace frontdesk::domain
