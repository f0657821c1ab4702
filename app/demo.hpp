#pragma once
// `frontdesk serve --demo`: replays the demo conversations (demo/conversations.jsonl) through
// the real signed-webhook path of the running server, so the queue fills as it would from
// Chatwoot.

#include <cstdint>
#include <string>
#include <thread>

#include "domain/expected.hpp"

namespace frontdesk::app {

struct demo_options {
  std::string file = "demo/conversations.jsonl";
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string secret;  ///< the webhook secret the server verifies with
};

/// The Chatwoot `message_created` body for message `index` of a demo conversation line.
expected<std::string, std::string> demo_webhook_body(const std::string& jsonl_line,
                                                     std::size_t index, std::int64_t message_id);

/// Sends every demo message once (first messages first, then follow-ups); returns how many
/// were accepted or already stored. Blocking: run it on its own thread.
expected<int, std::string> replay_demo(const demo_options& options);

}  // namespace frontdesk::app
