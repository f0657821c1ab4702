// Simulated operators: each polls the pending queue, takes the drafts that are its share, thinks,
// and approves / edits / escalates / rejects through the operator API with the draft_version.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/harness/conversation_ledger.hpp"
#include "bench/harness/scenario.hpp"
#include "bench/load/latency_histogram.hpp"

namespace frontdesk::bench {

struct pending_item {
  std::string id;
  std::int64_t conversation_id = 0;
  std::int64_t draft_version = 0;
};

/// The items of a GET /api/v1/queue answer; malformed entries are skipped, a malformed answer
/// gives none.
std::vector<pending_item> parse_queue_items(std::string_view body);

struct operator_result {
  std::map<std::string, std::uint64_t> outcomes;  // "approve", "edit", ..., "conflict_409", ...
  latency_histogram action_latency;               // request to 200 answer
  std::uint64_t polls = 0;
};

class operator_pool {
 public:
  operator_pool(const operator_spec& spec, std::uint64_t seed, std::string host, std::uint16_t port,
                std::string token, conversation_ledger& ledger);
  ~operator_pool();
  void start();
  /// Stops every operator after its current request and returns what they did.
  operator_result stop();

 private:
  void run(int index);

  operator_spec spec_;
  std::uint64_t seed_;
  std::string host_;
  std::uint16_t port_;
  std::string token_;
  conversation_ledger& ledger_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  operator_result result_;
};

}  // namespace frontdesk::bench
