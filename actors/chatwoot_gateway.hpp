// Delivers the outbox to Chatwoot through one supervised gateway: exactly-once public replies,
// private draft notes, handoffs (assignment, labels, note) and priority changes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/outbox_actor.hpp"
#include "domain/backoff.hpp"
#include "domain/backoff_retry_policy.hpp"
#include "domain/circuit_breaker.hpp"
#include "domain/expected.hpp"
#include "io/chatwoot_client.hpp"

namespace caf {
class actor;
class actor_system;
}  // namespace caf

namespace frontdesk::actors {

/// Chatwoot labels added per outcome (empty: not added).
struct chatwoot_outcome_labels {
  std::string approved = "frontdesk_approved";    ///< reply sent as drafted
  std::string edited = "frontdesk_edited";        ///< reply sent after an operator edit
  std::string escalated = "escalated";            ///< every handoff
  std::string low_confidence = "low_confidence";  ///< handoff of a low-confidence draft
};

struct chatwoot_gateway_options {
  std::string base_url;  ///< e.g. "https://chat.example.com" (no /api/v1)
  std::string api_token;
  std::int64_t account_id = 0;
  bool verify_peer = true;
  std::string extra_ca_pem;                          ///< additional trusted CAs, PEM in memory
  std::string extra_ca_file;                         ///< additional trusted CAs, PEM file
  std::chrono::milliseconds request_timeout{10000};  ///< one HTTP request
  std::chrono::milliseconds connect_timeout{5000};
  std::size_t max_connections = 16;
  std::chrono::milliseconds call_deadline{30000};  ///< all attempts of one call

  // Supervision (see actors/gateway.hpp).
  std::size_t max_in_flight = 16;
  std::size_t max_queued = 1024;
  domain::backoff_policy backoff;
  domain::retry_budget budget;
  domain::circuit_breaker_options breaker;
  std::uint64_t seed = 0;

  chatwoot_outcome_labels labels;
  /// Escalation category ("billing", "legal", ...) -> Chatwoot team / agent for handoffs. An
  /// assignee chosen by the operator or by triage wins over the category's agent.
  std::map<std::string, std::int64_t> category_teams;
  std::map<std::string, std::int64_t> category_agents;
  double low_confidence_below = 0.70;  ///< the note's LOW CONFIDENCE line
  int find_max_pages = 5;              ///< pages searched for an already-posted reply
};

/// Counters of what delivery did (all monotonic).
struct chatwoot_delivery_stats {
  std::uint64_t replies_posted = 0;
  std::uint64_t replies_already_there = 0;  ///< found by the search before a resend
  std::uint64_t notes_posted = 0;
  std::uint64_t notes_already_there = 0;
  std::uint64_t handoffs = 0;
  std::uint64_t priorities = 0;
  std::uint64_t given_up = 0;
  std::uint64_t kept_for_later = 0;
};

/// How the reconciler reads Chatwoot (every call through the gateway). Callbacks run on an
/// actor or I/O thread; after `stop` they answer a transport error at once.
struct chatwoot_reader {
  std::function<void(int page, io::chatwoot_client::reply<io::cw_conversation_page>)>
      list_open_conversations;
  std::function<void(std::int64_t conversation, std::optional<std::int64_t> before,
                     io::chatwoot_client::reply<io::cw_message_page>)>
      list_messages;
};

/// Owns the HTTP client, the Chatwoot client and the gateway supervisor.
class chatwoot_gateway {
 public:
  static expected<std::unique_ptr<chatwoot_gateway>, std::string> start(
      caf::actor_system& sys, chatwoot_gateway_options options);
  ~chatwoot_gateway();
  chatwoot_gateway(const chatwoot_gateway&) = delete;
  chatwoot_gateway& operator=(const chatwoot_gateway&) = delete;

  /// For the outbox actor. Safe to call after `stop` (answers "keep for later").
  delivery_fn delivery();
  /// For the reconciler; stays safe to call after `stop`.
  chatwoot_reader reader();
  /// The supervisor: (stats_atom) -> gateway_stats.
  caf::actor supervisor() const;
  /// Direct access (tools, health checks); bypasses supervision.
  io::chatwoot_client& client();
  chatwoot_delivery_stats stats() const;

  /// Stops the supervisor and the HTTP client; pending calls end. Idempotent; call it before
  /// the actor system goes away (the destructor does too).
  void stop();

  struct core;

 private:
  explicit chatwoot_gateway(std::shared_ptr<core> c);
  std::shared_ptr<core> core_;
};

/// "P0" -> "urgent", "P1" -> "high", "P2" -> "medium", "P3" -> "low"; nullopt otherwise.
std::optional<std::string> chatwoot_priority(std::string_view p) noexcept;

}  // namespace frontdesk::actors
