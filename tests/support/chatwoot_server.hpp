// An in-memory Chatwoot account behind a real local HTTP server, speaking Chatwoot's REST API.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/chatwoot_client_types.hpp"
#include "tests/support/test_http_server.hpp"

namespace frontdesk::test_support {

struct chatwoot_server_options {
  std::int64_t account_id = 1;
  std::string api_token = "test-token";
  bool tls = false;                      // serve HTTPS with a fresh self-signed identity
  std::int64_t first_message_id = 4500;  // message ids count up from here
  std::size_t messages_page_size = 20;   // as Chatwoot
  std::size_t conversations_page_size = 25;
};

struct stored_message {
  std::int64_t id = 0;
  std::int64_t conversation_id = 0;
  std::string content;
  int message_type = 0;  // 0 incoming, 1 outgoing, 2 activity, 3 template
  bool is_private = false;
  std::int64_t created_at = 0;
  std::string sender_type;  // "Contact" or "User"
  std::int64_t sender_id = 0;
};

struct stored_conversation {
  std::int64_t id = 0;
  std::int64_t inbox_id = 3;
  std::string channel = "Channel::WebWidget";
  std::string status = "open";
  std::optional<std::string> priority;
  std::vector<std::string> labels;
  std::optional<std::int64_t> assignee_id;
  std::optional<std::int64_t> team_id;
  std::string custom_attributes_json = "{}";
  std::int64_t contact_id = 77;
  std::string contact_name = "Jane Doe";
  std::string contact_email = "jane@example.com";
  std::vector<stored_message> messages;
};

class chatwoot_server {
 public:
  explicit chatwoot_server(chatwoot_server_options options = {});
  ~chatwoot_server();

  void start();
  void stop();
  std::uint16_t port() const;
  std::string base_url() const;
  /// Endpoint for io::chatwoot_client pointing at this server with the right token.
  io::chatwoot_endpoint endpoint() const;
  /// PEM of the self-signed certificate (TLS mode only; trust it as a CA).
  std::string certificate_pem() const;

  // ---- account setup (thread-safe) ----
  /// Creates a conversation (display ids count up from 311) and returns its id.
  std::int64_t add_conversation(const std::string& status = "open",
                                const std::string& channel = "Channel::WebWidget");
  /// A customer message arriving directly (no webhook): returns its id.
  std::int64_t add_customer_message(std::int64_t conversation, const std::string& content);
  /// A human agent replying inside Chatwoot.
  std::int64_t add_agent_reply(std::int64_t conversation, const std::string& content,
                               std::int64_t agent_id = 12);
  void add_agent(std::int64_t id, const std::string& name, const std::string& email,
                 const std::string& role = "agent");
  void add_team(std::int64_t id, const std::string& name);

  // ---- inspection (thread-safe snapshots) ----
  std::optional<stored_conversation> conversation(std::int64_t id) const;
  std::vector<stored_message> messages(std::int64_t conversation) const;
  /// Contents of outgoing public messages, oldest first.
  std::vector<std::string> public_replies(std::int64_t conversation) const;
  /// Contents of private notes, oldest first.
  std::vector<std::string> private_notes(std::int64_t conversation) const;

  // ---- transport (see test_http_server) ----
  void inject(fault f);
  std::vector<recorded_request> requests() const;
  void clear_requests();
  std::size_t accepted_connections() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
  std::unique_ptr<test_http_server> server_;
  std::optional<tls_identity> identity_;
};

}  // namespace frontdesk::test_support
