// Describes one load scenario (traffic, simulated operators, simulated dependencies, the server's
// settings, phases and checks) and reads it from TOML with --set overrides, strictly.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/expected.hpp"

namespace frontdesk::bench {

enum class arrival_kind { constant, poisson, replay };
std::string_view to_string(arrival_kind a);

struct traffic_spec {
  std::int64_t conversations = 50;
  int messages_min = 1;  // messages per conversation, uniform in [min, max]
  int messages_max = 2;
  arrival_kind arrival = arrival_kind::poisson;
  double rate = 20;              // conversation starts per second (replay: the mean over the day)
  double message_gap_ms = 1000;  // mean gap between two messages of one conversation (exponential)
  double day_s = 60;             // replay: how long the compressed day lasts
  double duplicate_rate = 0;     // share of messages delivered a second time
  double out_of_order_rate = 0;  // share of follow-up messages delivered before the previous one
  int connections = 16;          // concurrent webhook senders
  std::int64_t conversation_base = 1'000'000;  // first conversation id (contacts follow it)
  std::map<std::string, double> mix;           // intent name -> weight (see message_templates)
};

struct operator_spec {
  int count = 2;
  double think_ms = 300;  // mean time an operator looks at a draft before acting (exponential)
  double poll_ms = 200;   // wait between two queue polls that found nothing
  double approve = 70;    // action mix (weights)
  double edit = 15;
  double escalate = 10;
  double reject = 5;
};

/// A simulated dependency: latency mean +/- jitter (normal, clipped at 0), error and 429 rates.
struct dependency_spec {
  double latency_ms = 0;
  double jitter_ms = 0;
  double error_rate = 0;       // answered 500
  double rate_limit_rate = 0;  // answered 429 with Retry-After: 1
  bool enabled = true;         // false: the server is not pointed at it
};

struct sim_spec {
  dependency_spec llm{800, 300, 0, 0, true};
  dependency_spec rag{60, 20, 0, 0, false};
  dependency_spec chatwoot{40, 20, 0, 0, true};
  int threads = 1;  // I/O threads of the simulated servers
};

struct phase_spec {
  double settle_s = 30;          // longest wait after the traffic for every message to settle
  double hold_s = 0;             // extra time with the conversations open (memory is sampled)
  double sample_interval_s = 1;  // RSS and /metrics sampling period
  bool restart = false;          // stop the server with the conversations open, restart, time it
  double startup_timeout_s = 60;
};

struct check_spec {
  std::int64_t sample = 0;  // conversations checked through the operator API (0: all)
  bool legal_must_escalate = true;
};

struct scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  traffic_spec traffic;
  operator_spec operators;
  sim_spec sim;
  phase_spec phases;
  check_spec checks;
  std::string frontdesk_toml;  // the [frontdesk] table, written as the server's config file
};

/// `key=value` pairs from --set; the value is TOML (a bare word is taken as a string).
using scenario_overrides = std::vector<std::pair<std::string, std::string>>;

/// Parses a scenario; unknown keys, wrong types and out-of-range values are errors naming the
/// key. Overrides are applied before validation.
expected<scenario, std::string> parse_scenario(std::string_view toml_text,
                                               const scenario_overrides& overrides = {});

/// Splits "a.b=c" into ("a.b", "c"); nullopt-like error when there is no '=' or no key.
expected<std::pair<std::string, std::string>, std::string> parse_override(std::string_view text);

}  // namespace frontdesk::bench
