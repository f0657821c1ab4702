#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <string>

#include "bench/harness/bench_report.hpp"
#include "bench/harness/machine_load.hpp"

namespace frontdesk::bench {
namespace {

constexpr const char* two_cpus =
    "cpu  700 100 200 900 100 0 50 50 30 0\n"
    "cpu0 350 50 100 450 50 0 25 25 15 0\n"
    "cpu1 350 50 100 450 50 0 25 25 15 0\n"
    "intr 12345 0 0\n";

TEST(MachineLoad, IdleAndIowaitAreNotBusyAndGuestTimeIsNotCountedTwice) {
  const auto m = parse_proc_stat_machine(two_cpus, 100);
  ASSERT_TRUE(m);
  // busy: user 700 + nice 100 + system 200 + irq 0 + softirq 50 + steal 50 = 1100 ticks;
  // all: that plus idle 900 and iowait 100. Guest (30) is inside user already.
  EXPECT_DOUBLE_EQ(m->busy_s, 11.0);
  EXPECT_DOUBLE_EQ(m->all_s, 21.0);
  EXPECT_EQ(m->cpus, 2);
}

TEST(MachineLoad, MalformedStatTextIsRefused) {
  EXPECT_FALSE(parse_proc_stat_machine("", 100));
  EXPECT_FALSE(parse_proc_stat_machine(two_cpus, 0));
  EXPECT_FALSE(parse_proc_stat_machine("cpu0 1 2 3 4 5 6 7 8\n", 100));        // no aggregate
  EXPECT_FALSE(parse_proc_stat_machine("cpu  1 2 3 4\ncpu0 1 2 3 4\n", 100));  // too few fields
  EXPECT_FALSE(parse_proc_stat_machine("cpu  1 2 x 4 5 6 7 8\ncpu0 1\n", 100));
  EXPECT_FALSE(parse_proc_stat_machine("cpu  1 2 -3 4 5 6 7 8\ncpu0 1\n", 100));
  EXPECT_FALSE(parse_proc_stat_machine("cpu  1 2 3 4 5 6 7 8\nintr 1\n", 100));  // no CPU lines
}

TEST(MachineLoad, CoresBusyAreCpuSecondsOverTheInterval) {
  cpu_reading before{{10.0, 40.0, 2}, 5.0, 1.0, 100.0};
  // Four seconds later: the machine's two CPUs spent 6 of 8 seconds busy; the server used
  // 4.4 s of CPU, the harness 1.2 s.
  cpu_reading after{{16.0, 48.0, 2}, 9.4, 2.2, 104.0};
  const auto l = load_between(before, after);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->cpus, 2);
  EXPECT_DOUBLE_EQ(l->busy_cores, 1.5);
  EXPECT_DOUBLE_EQ(l->server_cores, 1.1);
  EXPECT_DOUBLE_EQ(l->harness_cores, 0.3);
  // Tick sampling missed the processes' short bursts: the machine is at least as busy as they.
  cpu_reading undercounted = after;
  undercounted.machine.busy_s = 11.0;  // 0.25 cores by /proc/stat
  const auto u = load_between(before, undercounted);
  ASSERT_TRUE(u);
  EXPECT_DOUBLE_EQ(u->busy_cores, 1.4);
  EXPECT_FALSE(load_between(after, after));
  EXPECT_FALSE(load_between(after, before));
}

TEST(MachineLoad, ReadsThisMachineWhileThisProcessSpins) {
  const auto before = read_cpu(static_cast<int>(::getpid()));
  ASSERT_TRUE(before);
  EXPECT_EQ(before->machine.cpus, static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)));
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  volatile std::uint64_t spin = 0;
  while (std::chrono::steady_clock::now() < until) spin = spin + 1;
  const auto after = read_cpu(static_cast<int>(::getpid()));
  ASSERT_TRUE(after);
  const auto l = load_between(*before, *after);
  ASSERT_TRUE(l);
  // This process is both "server" and "harness" here; it kept close to one core busy (tick
  // rounding and a loaded machine make it less than exactly one).
  EXPECT_GT(l->harness_cores, 0.3);
  EXPECT_LE(l->harness_cores, 1.2);
  EXPECT_GE(l->busy_cores, 0.3);
  EXPECT_LE(l->busy_cores, l->cpus + 0.01);
  EXPECT_FALSE(read_cpu(-3));
}

TEST(MachineLoad, TheReportSaysWhoKeptTheCoresBusy) {
  bench_report r;
  r.scenario = "t";
  r.traffic_load = machine_load{2, 1.9, 1.45, 0.4};
  const auto table = render_table(r);
  EXPECT_NE(table.find("cores busy while sending (2 CPUs): 1.90 (95 %) = server 1.45 + harness "
                       "0.40 + other 0.05"),
            std::string::npos)
      << table;
  EXPECT_NE(render_json(r).find("\"cores_busy_while_sending\":{\"cpus\":2,\"machine\":1.9E0,"
                                "\"server\":1.45E0,\"harness\":4E-1}"),
            std::string::npos)
      << render_json(r);
  r.traffic_load.reset();
  EXPECT_EQ(render_table(r).find("cores busy"), std::string::npos);
  EXPECT_NE(render_json(r).find("\"cores_busy_while_sending\":null"), std::string::npos);
}

}  // namespace
}  // namespace frontdesk::bench
