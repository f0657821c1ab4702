// Runs `frontdesk serve` as a child process for a load run: its own working folder, environment
// and log file; finds the port it listens on; stops it with SIGTERM (SIGKILL after a grace time).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/expected.hpp"

namespace frontdesk::bench {

struct child_options {
  std::string executable;
  std::vector<std::string> args;                         // after argv[0]
  std::vector<std::pair<std::string, std::string>> env;  // added to a cleaned environment
  std::string working_dir;
  std::string log_path;  // stdout and stderr, appended
};

struct process_memory {
  std::int64_t rss_kb = 0;  // VmRSS
  std::int64_t hwm_kb = 0;  // VmHWM: peak RSS
};

/// VmRSS and VmHWM of a process from /proc/<pid>/status; nullopt when it is gone.
std::optional<process_memory> read_process_memory(int pid);
/// Parses the text of /proc/<pid>/status.
process_memory parse_proc_status(std::string_view text);
/// User + system CPU seconds of a process from /proc/<pid>/stat; nullopt when it is gone.
std::optional<double> read_process_cpu_seconds(int pid);
/// Parses the text of /proc/<pid>/stat (the command name may hold spaces and parentheses).
std::optional<double> parse_proc_stat_cpu(std::string_view text, long ticks_per_second);

class child_server {
 public:
  static expected<child_server, std::string> spawn(const child_options& options);
  child_server(child_server&& other) noexcept;
  child_server& operator=(child_server&& other) noexcept;
  child_server(const child_server&) = delete;
  child_server& operator=(const child_server&) = delete;
  ~child_server();  // kills a child still running

  int pid() const { return pid_; }
  bool running();
  /// Waits until the log shows "serving on http://HOST:PORT/"; the port, or an error quoting
  /// the end of the log when the child exits or the time runs out.
  expected<std::uint16_t, std::string> wait_for_port(std::chrono::milliseconds timeout);
  /// SIGTERM, then SIGKILL after `grace`. The exit status (128 + signal when killed by one),
  /// and how long the stop took.
  std::pair<int, std::chrono::milliseconds> stop(std::chrono::milliseconds grace);
  /// SIGKILL at once (a crash), reaped.
  void kill_now();
  std::string log_tail(std::size_t bytes) const;

 private:
  child_server() = default;
  int pid_ = -1;
  std::string log_path_;
  std::size_t log_start_ = 0;  // the log's size at spawn: an earlier start's lines are not ours
  int exit_status_ = -1;
};

}  // namespace frontdesk::bench
