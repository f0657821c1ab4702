#include "tests/crash/harness.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <thread>

namespace frontdesk::crash_testing {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  return end && *end == '\0' ? n : fallback;
}

scratch_dir::scratch_dir(const std::string& name)
    : path_(std::filesystem::temp_directory_path() /
            ("frontdesk-crash-" + std::to_string(::getpid()) + "-" + name)) {
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

scratch_dir::~scratch_dir() {
  std::error_code ec;
  if (!keep_) std::filesystem::remove_all(path_, ec);
}

server_setup setup_in(const std::filesystem::path& dir) {
  return {FRONTDESK_BIN, dir, webhook_secret, operator_token,
          std::string(FRONTDESK_SOURCE_DIR) + "/kb"};
}

frontdesk_api api_for(io::http_client& client, const server_process& server) {
  return frontdesk_api(client, server.base_url(), webhook_secret, operator_token);
}

bool start_ready(server_process& server, io::http_client& client, std::string& why) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::uint16_t port = free_loopback_port();
    if (port == 0 || !server.spawn(port)) {
      why = "cannot spawn " FRONTDESK_BIN;
      return false;
    }
    frontdesk_api api = api_for(client, server);
    const auto end = clock_type::now() + 60s;
    while (clock_type::now() < end) {
      if (auto gone = server.exited()) {
        why = "the server " + gone->describe() + " while starting";
        break;  // perhaps the port was taken meanwhile: try another one
      }
      if (auto r = api.get("/health"); r && r->status == 200) return true;
      std::this_thread::sleep_for(10ms);
    }
    if (server.running()) {
      server.kill_now();
      why = "no answer from /health within 60 s";
      return false;
    }
  }
  return false;
}

std::string state_of(frontdesk_api& api, std::int64_t conversation, ledger& book) {
  auto r = api.get("/api/v1/conversations/" + std::to_string(conversation));
  if (!r || r->status != 200) return "";
  boost::system::error_code ec;
  auto v = boost::json::parse(r->body, ec);
  if (ec || !v.is_object()) return "";
  if (const auto* dv = v.as_object().if_contains("draft_version"); dv && dv->is_int64()) {
    book.observe_version(conversation, dv->as_int64());
  }
  const auto* s = v.as_object().if_contains("state");
  return s && s->is_string() ? std::string(s->as_string()) : "";
}

bool wait_settled(frontdesk_api& api, const std::vector<std::int64_t>& conversations, ledger& book,
                  std::chrono::milliseconds limit, std::string& busy) {
  const auto end = clock_type::now() + limit;
  for (;;) {
    busy.clear();
    for (const std::int64_t c : conversations) {
      const std::string s = state_of(api, c, book);
      if (s == "received" || s == "drafting") busy += std::to_string(c) + "=" + s + " ";
    }
    if (busy.empty()) return true;
    if (clock_type::now() >= end) return false;
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace frontdesk::crash_testing
