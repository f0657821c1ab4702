#include "tests/crash/server_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace frontdesk::crash_testing {
namespace {

/// Settings the child must not pick up from the test's own environment.
bool is_ours(const std::string& entry) {
  for (const char* prefix : {"FRONTDESK_", "CHATWOOT_", "LLM_", "RAG_", "AI_DRAFTS_"}) {
    if (entry.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::string exit_status::describe() const {
  return signaled ? "killed by signal " + std::to_string(code)
                  : "exited with code " + std::to_string(code);
}

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    socklen_t len = sizeof a;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

server_process::server_process(server_setup setup) : setup_(std::move(setup)) {}

server_process::~server_process() {
  if (pid_ > 0) kill_now();
}

std::string server_process::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

bool server_process::spawn(std::uint16_t port) {
  if (pid_ > 0) return false;
  port_ = port;
  const std::filesystem::path config = setup_.dir / "frontdesk.toml";
  {
    // Every conversation of the test belongs to the same contact: no rate limit in the way.
    std::ofstream out(config, std::ios::trunc);
    out << "[workflow]\nrate_limit_per_minute = 100000\n";
  }
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (!is_ours(*e)) env.emplace_back(*e);
  }
  env.push_back("FRONTDESK_LISTEN=127.0.0.1:" + std::to_string(port));
  env.push_back("FRONTDESK_DB=sqlite:" + db_path().string());
  env.push_back("CHATWOOT_WEBHOOK_SECRET=" + setup_.webhook_secret);
  env.push_back("FRONTDESK_OPERATOR_TOKENS=" + setup_.operator_token + ":alice:operator");
  env.push_back("FRONTDESK_KB_DIR=" + setup_.kb_dir);
  env.push_back("FRONTDESK_LOG_LEVEL=warn");
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  std::string bin = setup_.binary.string();
  std::string cmd = "serve";
  std::string opt = "--config";
  std::string cfg = config.string();
  std::vector<char*> argv{bin.data(), cmd.data(), opt.data(), cfg.data(), nullptr};

  const std::string log = (setup_.dir / "serve.log").string();
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    if (log_fd >= 0) ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    return false;
  }
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child == 0) {
    // Only async-signal-safe calls until exec. The child dies with the test process, so a
    // test killed by a timeout leaves no server behind.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(bin.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  if (child < 0) return false;
  pid_ = child;
  return true;
}

std::optional<exit_status> server_process::exited() {
  if (pid_ <= 0) return std::nullopt;
  int st = 0;
  const pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r != pid_) return std::nullopt;
  pid_ = -1;
  if (WIFSIGNALED(st)) return exit_status{true, WTERMSIG(st)};
  return exit_status{false, WEXITSTATUS(st)};
}

exit_status server_process::reap_blocking() {
  int st = 0;
  pid_t r = -1;
  do {
    r = ::waitpid(pid_, &st, 0);
  } while (r < 0 && errno == EINTR);
  pid_ = -1;
  if (r < 0) return exit_status{false, -1};
  if (WIFSIGNALED(st)) return exit_status{true, WTERMSIG(st)};
  return exit_status{false, WEXITSTATUS(st)};
}

exit_status server_process::kill_now() {
  if (pid_ <= 0) return {};
  ::kill(pid_, SIGKILL);
  return reap_blocking();
}

exit_status server_process::interrupt_stop(std::chrono::milliseconds after) {
  bool forced = false;
  return terminate(after, forced);
}

exit_status server_process::terminate(std::chrono::milliseconds grace, bool& forced) {
  forced = false;
  if (pid_ <= 0) return {};
  ::kill(pid_, SIGTERM);
  const auto end = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < end) {
    if (auto e = exited()) return *e;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  forced = true;
  return kill_now();
}

std::string server_process::log_tail(std::size_t bytes) const {
  std::ifstream in(setup_.dir / "serve.log", std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  std::string all = b.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

}  // namespace frontdesk::crash_testing
