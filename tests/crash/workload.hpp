#pragma once
// The client side of a crash run: customer messages, replayed deliveries, approvals and
// reads against one server life, recording in the ledger what the server acknowledged.

#include <atomic>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "tests/crash/frontdesk_api.hpp"
#include "tests/crash/ledger.hpp"

namespace frontdesk::crash_testing {

struct workload_counts {
  int messages_sent = 0;
  int messages_acknowledged = 0;
  int replays_sent = 0;
  int duplicates = 0;
  int approvals_sent = 0;
  int approvals_acknowledged = 0;
  int approvals_conflicted = 0;
  int no_answer = 0;  // requests that got no HTTP answer (server dead or dying)
  /// Answers the product should never give here (5xx other than 503, 4xx other than 409 on an
  /// approve, a webhook refused); each is a line for the failure report.
  std::vector<std::string> unexpected;
};

class workload {
 public:
  /// `next_message` is shared by every life of the store so message ids never repeat.
  workload(frontdesk_api& api, ledger& book, std::vector<std::int64_t> conversations,
           std::uint64_t seed, std::int64_t& next_message);

  /// Runs until `stop` is set.
  void run(const std::atomic<bool>& stop);
  /// One new customer message on `conversation`.
  void send_message(std::int64_t conversation);
  /// Sends an already sent message again: the same delivery unchanged, or (as Chatwoot may)
  /// the same message under a new delivery id.
  void replay(std::size_t index);
  /// Approves one pending queue item, if there is one.
  void approve_some();
  /// Reads one conversation and notes its draft_version.
  void look(std::int64_t conversation);

  const workload_counts& counts() const { return counts_; }
  /// Called on the workload's thread right after each acknowledged new message or approval
  /// (the crash test kills the server from it, in the instant after an answer).
  void on_acknowledged(std::function<void()> hook) { hook_ = std::move(hook); }

 private:
  void deliver(std::size_t index, const std::string& delivery, bool is_replay);

  frontdesk_api& api_;
  ledger& book_;
  std::vector<std::int64_t> conversations_;
  std::mt19937_64 rng_;
  std::int64_t& next_message_;
  workload_counts counts_;
  int redeliveries_ = 0;
  std::function<void()> hook_;
};

}  // namespace frontdesk::crash_testing
