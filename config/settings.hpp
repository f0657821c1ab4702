#pragma once
// Every setting of frontdesk, loaded from config/frontdesk.toml and overridden by the
// environment. A bad value is a start-up error naming the key and the problem.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/expected.hpp"

namespace frontdesk::config {

struct server_settings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int threads = 2;
  std::size_t max_body_bytes = 1 << 20;
  int max_connections = 1024;
  int read_timeout_ms = 10'000;
  int idle_timeout_ms = 60'000;
};

struct store_settings {
  std::string db = "sqlite:data/frontdesk.db";
  int batch_max = 512;
  int batch_delay_us = 500;
};

struct chatwoot_settings {
  std::string base_url;  ///< empty: local inbox mode
  std::string api_token;
  std::int64_t account_id = 0;
  std::vector<std::string> webhook_secrets;  ///< several during a rotation
  bool accept_unsigned = false;
  bool accept_body_hmac = false;
  int timestamp_window_s = 300;
  std::int64_t own_user_id = 0;  ///< frontdesk's own Chatwoot user (its replies are not "human")
  int reconcile_interval_s = 300;
  int max_in_flight = 16;  ///< concurrent Chatwoot API calls (Chatwoot limits each client IP)
};

struct llm_settings {
  std::string base_url;  ///< empty: the built-in drafter
  std::string api_key;
  std::string model = "gpt-4o-mini";
  int timeout_ms = 60'000;
};

struct knowledge_settings {
  std::string kb_dir = "kb";
  std::string rag_service_url;  ///< empty: the embedded index over kb_dir
  int top_k = 5;
  double min_relevance = 0.7;
};

struct workflow_settings {
  bool ai_drafts_enabled = true;
  double confidence_threshold = 0.70;
  bool grade_required = false;
  int draft_timeout_s = 300;
  int approval_notify_after_min = 30;
  int approval_manager_after_min = 60;
  int rate_limit_per_minute = 30;  ///< customer messages per contact
};

struct sla_settings {
  std::string timezone = "America/New_York";
  std::string business_hours = "Mon-Fri 09:00-17:00";
  std::vector<std::string> holidays;  ///< YYYY-MM-DD
  double warning_fraction = 0.75;
};

struct actor_settings {
  int workers = 2;
  int max_throughput = 300;
  int passivate_after_s = 600;
  /// Timers due within this many seconds are held in memory; later ones wait in the store.
  int timer_horizon_s = 600;
};

struct log_settings {
  std::string format = "kv";  ///< kv or json
  std::string level = "info";
};

struct settings {
  server_settings server;
  store_settings store;
  std::string operator_tokens;  ///< token:operator_id:role,...
  chatwoot_settings chatwoot;
  llm_settings llm;
  knowledge_settings knowledge;
  workflow_settings workflow;
  sla_settings sla;
  actor_settings actors;
  log_settings log;
};

/// Looks up an environment variable; injectable for tests.
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;
env_lookup process_env();

/// Defaults, then the TOML file (when `toml_path` is set; a missing file is an error),
/// then the environment.
expected<settings, std::string> load_settings(const std::optional<std::string>& toml_path,
                                              const env_lookup& env);
/// Same, with the TOML given as text (tests).
expected<settings, std::string> load_settings_from_text(std::string_view toml_text,
                                                        const env_lookup& env);

/// One documented key: its TOML path and environment name (may be empty).
struct key_info {
  std::string toml_key;
  std::string env_name;
};
std::vector<key_info> known_keys();

}  // namespace frontdesk::config
