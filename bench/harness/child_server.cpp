#include "bench/harness/child_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace frontdesk::bench {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::int64_t kb_field(std::string_view text, std::string_view name) {
  const auto at = text.find(name);
  if (at == std::string_view::npos) return 0;
  std::size_t i = at + name.size();
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  std::int64_t v = 0;
  std::from_chars(text.data() + i, text.data() + text.size(), v);
  return v;
}

/// Variables of the harness's own environment that must not leak into the child's settings.
bool is_setting(std::string_view entry) {
  for (std::string_view p : {"FRONTDESK_", "CHATWOOT_", "LLM_", "RAG_", "AI_DRAFTS"}) {
    if (entry.substr(0, p.size()) == p) return true;
  }
  return false;
}

int status_code(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return -1;
}

}  // namespace

process_memory parse_proc_status(std::string_view text) {
  return {kb_field(text, "\nVmRSS:"), kb_field(text, "\nVmHWM:")};
}

std::optional<double> parse_proc_stat_cpu(std::string_view text, long ticks_per_second) {
  const auto close = text.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  std::string_view rest = text.substr(close + 1);
  // Fields after the name: state(3) ... utime(14) stime(15); rest starts at field 3.
  std::int64_t utime = -1, stime = -1;
  for (int field = 3; field <= 15 && !rest.empty(); ++field) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const auto end = rest.find(' ');
    const auto token = rest.substr(0, end);
    if (field == 14 || field == 15) {
      std::int64_t v = 0;
      const auto r = std::from_chars(token.data(), token.data() + token.size(), v);
      if (r.ec != std::errc{} || r.ptr != token.data() + token.size() || v < 0) return std::nullopt;
      (field == 14 ? utime : stime) = v;
    }
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  if (utime < 0 || stime < 0) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(ticks_per_second);
}

std::optional<double> read_process_cpu_seconds(int pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (text.empty()) return std::nullopt;
  return parse_proc_stat_cpu(text, ::sysconf(_SC_CLK_TCK));
}

std::optional<process_memory> read_process_memory(int pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/status");
  if (text.empty()) return std::nullopt;
  return parse_proc_status(text);
}

expected<child_server, std::string> child_server::spawn(const child_options& o) {
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> argv_s{o.executable};
  argv_s.insert(argv_s.end(), o.args.begin(), o.args.end());
  std::vector<std::string> env_s;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!is_setting(*e)) env_s.emplace_back(*e);
  }
  for (const auto& [k, v] : o.env) env_s.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env_s) envp.push_back(s.data());
  envp.push_back(nullptr);

  const std::size_t log_start = read_file(o.log_path).size();
  const int log_fd = ::open(o.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return unexpected{"cannot open " + o.log_path + ": " + std::strerror(errno)};
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return unexpected{std::string("fork failed: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the harness
    if (::getppid() != parent) ::_exit(127);
    // The harness blocks no signals, but reset the mask the child inherits anyway.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    if (!o.working_dir.empty() && ::chdir(o.working_dir.c_str()) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(log_fd);
  child_server c;
  c.pid_ = pid;
  c.log_path_ = o.log_path;
  c.log_start_ = log_start;
  return c;
}

child_server::child_server(child_server&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      log_path_(std::move(other.log_path_)),
      log_start_(other.log_start_),
      exit_status_(other.exit_status_) {}

child_server& child_server::operator=(child_server&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) kill_now();
    pid_ = std::exchange(other.pid_, -1);
    log_path_ = std::move(other.log_path_);
    log_start_ = other.log_start_;
    exit_status_ = other.exit_status_;
  }
  return *this;
}

child_server::~child_server() {
  if (pid_ > 0) kill_now();
}

bool child_server::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  const pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    exit_status_ = status_code(st);
    pid_ = -1;
    return false;
  }
  return true;
}

expected<std::uint16_t, std::string> child_server::wait_for_port(
    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  static constexpr std::string_view mark = "serving on http://";
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string whole = read_file(log_path_);
    // Only this start's lines count (a restart appends to the same file).
    const std::string log = whole.size() > log_start_ ? whole.substr(log_start_) : std::string();
    const auto at = log.find(mark);
    if (at != std::string::npos) {
      const auto colon = log.find(':', at + mark.size());
      unsigned port = 0;
      if (colon != std::string::npos) {
        const auto r = std::from_chars(log.data() + colon + 1, log.data() + log.size(), port);
        if (r.ec == std::errc{} && port > 0 && port < 65536)
          return static_cast<std::uint16_t>(port);
      }
    }
    if (!running()) {
      return unexpected{"frontdesk exited (status " + std::to_string(exit_status_) +
                        ") before listening:\n" + log_tail(2000)};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return unexpected{"frontdesk did not listen within the time:\n" + log_tail(2000)};
}

std::pair<int, std::chrono::milliseconds> child_server::stop(std::chrono::milliseconds grace) {
  const auto start = std::chrono::steady_clock::now();
  auto took = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  };
  if (pid_ <= 0) return {exit_status_, took()};
  ::kill(pid_, SIGTERM);
  while (std::chrono::steady_clock::now() - start < grace) {
    if (!running()) return {exit_status_, took()};
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill_now();
  return {exit_status_, took()};
}

void child_server::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int st = 0;
  ::waitpid(pid_, &st, 0);
  exit_status_ = status_code(st);
  pid_ = -1;
}

std::string child_server::log_tail(std::size_t bytes) const {
  const std::string log = read_file(log_path_);
  return log.size() <= bytes ? log : log.substr(log.size() - bytes);
}

}  // namespace frontdesk::bench
