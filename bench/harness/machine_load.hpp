// How busy the whole machine was during a load run, and who kept it busy: the server, the
// harness itself, or anything else. A latency tail measured on a saturated machine says more
// about the machine than about the server, so the report shows it next to the latencies.
#pragma once

#include <optional>
#include <string_view>

namespace frontdesk::bench {

/// CPU seconds of the whole machine, summed over its CPUs, from the "cpu" line of /proc/stat.
struct machine_cpu {
  double busy_s = 0;  ///< user, nice, system, irq, softirq and steal time
  double all_s = 0;   ///< the same plus idle and iowait
  int cpus = 0;       ///< the "cpuN" lines the sums are over
};

/// Parses the text of /proc/stat: its aggregate "cpu " line, and the per-CPU lines counted;
/// nullopt when the aggregate line is missing or malformed.
std::optional<machine_cpu> parse_proc_stat_machine(std::string_view text, long ticks_per_second);
/// The machine's CPU seconds so far; nullopt when /proc/stat cannot be read.
std::optional<machine_cpu> read_machine_cpu();

/// CPU seconds of the machine, the server and the harness at one moment.
struct cpu_reading {
  machine_cpu machine;
  double server_s = 0;
  double harness_s = 0;
  double wall_s = 0;  ///< steady clock, seconds
};

/// Reads all three now; nullopt when one of them cannot be read (the server is gone, no /proc).
std::optional<cpu_reading> read_cpu(int server_pid);

/// The average number of cores each one kept busy between two readings.
struct machine_load {
  int cpus = 0;
  double busy_cores = 0;     ///< the whole machine
  double server_cores = 0;   ///< the server process
  double harness_cores = 0;  ///< this process (senders, simulated dependencies, operators)
};

/// The load between `before` and `after`; nullopt when no time passed between them.
std::optional<machine_load> load_between(const cpu_reading& before, const cpu_reading& after);

}  // namespace frontdesk::bench
