#include "bench/harness/machine_load.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "bench/harness/child_server.hpp"

namespace frontdesk::bench {

std::optional<machine_cpu> parse_proc_stat_machine(std::string_view text, long ticks_per_second) {
  constexpr std::string_view prefix = "cpu ";
  if (ticks_per_second <= 0 || text.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view rest = text.substr(prefix.size(), text.find('\n') - prefix.size());
  // user nice system idle iowait irq softirq steal; guest time is already in user and nice.
  std::array<std::int64_t, 8> v{};
  for (auto& field : v) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const auto end = std::min(rest.find(' '), rest.size());
    if (end == 0) return std::nullopt;
    const auto r = std::from_chars(rest.data(), rest.data() + end, field);
    if (r.ec != std::errc{} || r.ptr != rest.data() + end || field < 0) return std::nullopt;
    rest.remove_prefix(end);
  }
  const double tick = 1.0 / static_cast<double>(ticks_per_second);
  const std::int64_t idle = v[3] + v[4];
  std::int64_t all = 0;
  for (auto f : v) all += f;
  int cpus = 0;
  for (auto at = text.find("\ncpu"); at != std::string_view::npos;
       at = text.find("\ncpu", at + 1)) {
    const auto digit = at + 4;
    if (digit < text.size() && text[digit] >= '0' && text[digit] <= '9') ++cpus;
  }
  if (cpus == 0) return std::nullopt;
  return machine_cpu{static_cast<double>(all - idle) * tick, static_cast<double>(all) * tick, cpus};
}

std::optional<machine_cpu> read_machine_cpu() {
  std::ifstream in("/proc/stat", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return parse_proc_stat_machine(text.str(), ::sysconf(_SC_CLK_TCK));
}

std::optional<cpu_reading> read_cpu(int server_pid) {
  const auto machine = read_machine_cpu();
  const auto server = read_process_cpu_seconds(server_pid);
  const auto harness = read_process_cpu_seconds(static_cast<int>(::getpid()));
  if (!machine || !server || !harness) return std::nullopt;
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  return cpu_reading{*machine, *server, *harness, std::chrono::duration<double>(now).count()};
}

std::optional<machine_load> load_between(const cpu_reading& before, const cpu_reading& after) {
  const int cpus = after.machine.cpus;
  const double wall = after.wall_s - before.wall_s;
  const double all = after.machine.all_s - before.machine.all_s;
  if (wall <= 0 || all <= 0 || cpus <= 0) return std::nullopt;
  machine_load l;
  l.cpus = cpus;
  l.server_cores = (after.server_s - before.server_s) / wall;
  l.harness_cores = (after.harness_s - before.harness_s) / wall;
  // The machine's own clock of all CPUs, not the wall clock, scales its busy time: the two
  // differ by the tick rounding of /proc/stat. Its busy time is sampled at ticks, while the
  // processes' own times are not: on a lightly loaded machine, short bursts between ticks read
  // as idle, so the machine is at least as busy as the two processes say.
  l.busy_cores = std::max((after.machine.busy_s - before.machine.busy_s) / all * cpus,
                          l.server_cores + l.harness_cores);
  return l;
}

}  // namespace frontdesk::bench
