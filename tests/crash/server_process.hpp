#pragma once
// A `frontdesk serve` child process owned by the test: spawned with its own environment,
// killed and always reaped, even when an assertion fails half way.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace frontdesk::crash_testing {

struct server_setup {
  std::filesystem::path binary;  // the frontdesk executable
  std::filesystem::path dir;     // holds db.sqlite, the config file and the log
  std::string webhook_secret;
  std::string operator_token;  // at least 16 characters
  std::string kb_dir;
};

/// How a child ended, as waitpid reported it.
struct exit_status {
  bool signaled = false;
  int code = 0;  // exit code, or the signal number when signaled
  std::string describe() const;
};

/// A free TCP port on 127.0.0.1 at the time of asking (bound and released).
std::uint16_t free_loopback_port();

class server_process {
 public:
  explicit server_process(server_setup setup);
  /// Kills (SIGKILL) and reaps a child still running.
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  /// Starts `frontdesk serve` listening on 127.0.0.1:`port`. False if the spawn failed.
  bool spawn(std::uint16_t port);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  std::string base_url() const;

  /// Has the child exited on its own? Reaps it if so (non-blocking).
  std::optional<exit_status> exited();
  /// SIGKILL, then waits for it. No-op when no child runs.
  exit_status kill_now();
  /// A clean stop cut short: SIGTERM, then SIGKILL after `after` if it is still running.
  exit_status interrupt_stop(std::chrono::milliseconds after);
  /// SIGTERM, waits up to `grace`, then SIGKILL. `forced` tells whether SIGKILL was needed.
  exit_status terminate(std::chrono::milliseconds grace, bool& forced);

  /// The last `bytes` of the children's combined stdout/stderr log.
  std::string log_tail(std::size_t bytes = 4000) const;
  std::filesystem::path db_path() const { return setup_.dir / "db.sqlite"; }

 private:
  exit_status reap_blocking();

  server_setup setup_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace frontdesk::crash_testing
