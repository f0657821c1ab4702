// Everything a load run measured and checked, with the human table and the JSON it prints.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/harness/machine_load.hpp"
#include "bench/load/latency_histogram.hpp"

namespace frontdesk::bench {

struct latency_summary {
  std::uint64_t count = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0, mean_ms = 0;
};
latency_summary summarize(const latency_histogram& h);

struct check_result {
  std::string name;
  bool passed = true;
  std::string detail;
};

struct memory_sample {
  double t_s = 0;  // since the traffic started
  std::int64_t rss_kb = 0;
  double live_actors = 0;
};

struct bench_report {
  std::string scenario;
  std::string delivery_mode;  // "chatwoot" (notes/replies reached the simulated Chatwoot) or
                              // "local_inbox"
  std::uint64_t seed = 0;
  std::int64_t conversations = 0;
  std::int64_t messages = 0;
  std::int64_t duplicates_planned = 0;
  std::int64_t reordered_planned = 0;
  double planned_span_s = 0;

  // ingress
  std::uint64_t webhooks_sent = 0;
  std::uint64_t webhooks_acked = 0;  // 200 answers
  double traffic_wall_s = 0;
  double webhooks_per_s = 0;
  double sender_late_p99_ms = 0;
  latency_summary ack;
  std::map<std::string, std::uint64_t> webhook_outcomes;

  // end-to-end (nullopt: no Chatwoot delivery seen)
  std::optional<latency_summary> note;
  std::optional<latency_summary> note_overhead;
  std::optional<latency_summary> reply;

  // operators
  std::map<std::string, std::uint64_t> operator_outcomes;
  latency_summary operator_action;

  // load and memory
  double live_actors_peak = 0;
  std::int64_t sim_in_flight_peak = 0;  // LLM calls in flight at once, at most
  std::int64_t baseline_rss_kb = 0;
  std::int64_t rss_at_peak_live_kb = 0;
  std::int64_t rss_peak_kb = 0;  // VmHWM
  std::optional<double> bytes_per_live_conversation;
  std::int64_t rss_end_kb = 0;
  std::vector<memory_sample> samples;
  std::vector<memory_sample> traffic_quarters;  // the samples nearest 25/50/75/100 % of the traffic
  std::optional<double> server_cpu_s;  // user + system CPU of the server from traffic start to stop
  std::optional<double> server_cpu_us_per_message;
  /// Cores kept busy while the traffic was sent: the machine, the server, the harness.
  std::optional<machine_load> traffic_load;

  // restart
  std::optional<double> stop_ms;
  std::optional<double> restart_ready_ms;
  std::optional<double> restart_first_ack_ms;
  std::optional<double> restart_live_actors;

  // dependencies
  std::map<std::string, std::uint64_t> sim_counts;
  std::map<std::string, std::uint64_t> gateway_counts;    // from the server's /metrics
  std::map<std::string, std::string> gateway_last_error;  // from /health/ready
  /// How long the server's calls to a dependency waited for one of its slots (its
  /// max_in_flight), from the server's histogram: what its concurrency limit added.
  struct slot_wait {
    std::uint64_t count = 0;
    double mean_ms = 0;
    std::optional<double> p50_at_most_ms;  ///< bucket bound; nullopt: above the largest bound
    std::optional<double> p99_at_most_ms;
  };
  std::map<std::string, slot_wait> gateway_slot_waits;

  std::map<std::string, std::uint64_t> errors;  // by kind
  std::vector<check_result> checks;
  std::int64_t server_exit_status = 0;
  double total_s = 0;

  bool passed() const {
    for (const auto& c : checks) {
      if (!c.passed) return false;
    }
    return true;
  }
};

std::string render_table(const bench_report& r);
std::string render_json(const bench_report& r);

}  // namespace frontdesk::bench
