// A simulated Chatwoot account for load runs: answers every REST call frontdesk makes after a
// simulated latency, records private notes and public replies in the conversation ledger, and
// keeps only what find_sent_reply needs (the last public replies of each conversation).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/harness/conversation_ledger.hpp"
#include "bench/harness/scenario.hpp"
#include "bench/harness/sim_http_server.hpp"

namespace frontdesk::bench {

struct sim_chatwoot_counts {
  std::uint64_t calls = 0;
  std::uint64_t private_notes = 0;
  std::uint64_t public_replies = 0;
  std::uint64_t injected_errors = 0;
  std::uint64_t injected_429 = 0;
  std::uint64_t unauthorized = 0;
  std::map<std::string, std::uint64_t> by_route;  // "POST messages", "GET conversation", ...
  sim_server_stats server;
};

class sim_chatwoot {
 public:
  sim_chatwoot(dependency_spec spec, conversation_ledger& ledger, std::uint64_t seed, int threads,
               std::int64_t account_id, std::string api_token);
  ~sim_chatwoot();

  expected<void, std::string> start();
  void stop();
  std::string base_url() const;
  sim_chatwoot_counts counts() const;
  /// The last public replies of a conversation (id and content), oldest first.
  std::vector<std::pair<std::int64_t, std::string>> public_replies(std::int64_t conversation) const;

 private:
  struct state;
  std::shared_ptr<state> state_;
  std::unique_ptr<sim_http_server> server_;
};

}  // namespace frontdesk::bench
