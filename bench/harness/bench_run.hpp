// Runs one scenario end to end: simulated Chatwoot and LLM, a child `frontdesk serve` (or an
// existing server), webhook traffic, simulated operators, memory sampling, optional restart,
// correctness checks; returns the report.
#pragma once

#include <iosfwd>
#include <string>

#include "bench/harness/bench_report.hpp"
#include "bench/harness/scenario.hpp"
#include "domain/expected.hpp"

namespace frontdesk::bench {

struct run_options {
  scenario sc;
  std::string frontdesk_binary;  // start this as a child (the usual way)
  std::string connect_url;       // or use a running server: http://host:port
  std::string token;             // with connect_url: an operator token
  std::string secret;            // with connect_url: its webhook secret
  std::string kb_dir;            // FRONTDESK_KB_DIR for the child
  std::string fixture_path;      // the message_created fixture webhooks are built from
  bool keep_dir = false;         // keep the child's folder (database, log) after the run
  std::ostream* progress = nullptr;
};

/// The error is a setup failure (nothing measured); failed checks are in the report.
expected<bench_report, std::string> run_bench(const run_options& options);

}  // namespace frontdesk::bench
