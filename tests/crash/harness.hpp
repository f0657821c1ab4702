#pragma once
// What every crash test needs around a server: a scratch folder, the server's settings, start
// and wait for readiness, and waiting until no conversation is mid-work.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/http_client.hpp"
#include "tests/crash/frontdesk_api.hpp"
#include "tests/crash/ledger.hpp"
#include "tests/crash/server_process.hpp"

namespace frontdesk::crash_testing {

inline constexpr const char* webhook_secret = "crash-webhook-secret-1";
inline constexpr const char* operator_token = "crash-operator-token-0001";

/// An unsigned number from the environment, or `fallback` when unset or not a number.
std::uint64_t env_number(const char* name, std::uint64_t fallback);

/// A scratch folder per run, removed unless the run failed (then kept for a look).
class scratch_dir {
 public:
  explicit scratch_dir(const std::string& name);
  ~scratch_dir();
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

/// The test's server settings with its files in `dir`.
server_setup setup_in(const std::filesystem::path& dir);
/// The API of the server's current life.
frontdesk_api api_for(io::http_client& client, const server_process& server);
/// Spawns the server on a fresh port and waits for GET /health to answer 200.
bool start_ready(server_process& server, io::http_client& client, std::string& why);
/// The conversation's state over the API, or "" when it does not exist (or no answer); notes
/// its draft_version in the ledger.
std::string state_of(frontdesk_api& api, std::int64_t conversation, ledger& book);
/// Waits until no conversation is received or drafting (every message ended in a queued
/// draft or an escalation). False after `limit`, with the busy ones in `busy`.
bool wait_settled(frontdesk_api& api, const std::vector<std::int64_t>& conversations, ledger& book,
                  std::chrono::milliseconds limit, std::string& busy);

}  // namespace frontdesk::crash_testing
