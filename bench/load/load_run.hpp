// Drives one load run against an HTTP endpoint, closed loop or open loop at a fixed rate, and
// collects what came back; latency is counted from the intended send time.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "bench/load/latency_histogram.hpp"
#include "bench/load/target_url.hpp"
#include "domain/expected.hpp"

namespace frontdesk::bench {

enum class run_mode { health, webhooks };

struct load_options {
  run_mode mode = run_mode::health;  // health: GET; webhooks: signed Chatwoot POSTs
  target_url target;
  std::string secret;        // webhooks: the Chatwoot webhook secret
  std::string fixture_json;  // webhooks: the message_created body the requests vary
  int connections = 16;
  int threads = 1;  // client threads, each with its own share of the connections
  double duration_s = 5;
  double warmup_s = 1;  // sent, not measured
  double rate = 0;      // requests per second in total; 0 runs closed loop
  double timeout_s = 10;
  double drain_s = 5;  // after the end, how long answers still due are waited for
  std::int64_t conversations = 10000;
  std::int64_t conversation_base = 1000000;
  std::int64_t message_base = 0;  // 0: from the clock, so reruns never repeat message ids
};

/// Success is a 200 answer (for webhooks one saying "accepted":true). Counted inside the
/// measured window: by answer time for the rate, by intended send time for latency and errors.
struct load_report {
  latency_histogram latency;  // successes, nanoseconds from intended send time
  std::uint64_t ok_completed_in_window = 0;
  std::uint64_t ok_intended_in_window = 0;
  std::uint64_t sent = 0;  // requests written, warm-up and drain included
  std::uint64_t connects = 0;
  std::map<std::string, std::uint64_t> errors;  // status code, "timeout", "connect", ...
  std::map<std::string, std::string> samples;   // first answer body seen for each error
  int connections = 0;
  int threads = 0;
  std::int64_t message_base = 0;
  double cpu_seconds = 0;  // this process, user + system, during the run
  double wall_seconds = 0;

  std::uint64_t error_count() const {
    std::uint64_t n = 0;
    for (const auto& [key, count] : errors) n += count;
    return n;
  }
};

/// Blocks for warm-up + duration (+ drain when answers are late). The error names what could not
/// be set up (unresolvable host, unusable fixture); failed requests are counted, not returned.
expected<load_report, std::string> run_load(const load_options& options);

}  // namespace frontdesk::bench
