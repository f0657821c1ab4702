#include <gtest/gtest.h>

#include <limits>

#include <unistd.h>

#include "bench/harness/bench_report.hpp"
#include "bench/harness/child_server.hpp"
#include "bench/harness/metrics_text.hpp"

namespace frontdesk::bench {
namespace {

TEST(Percentiles, UniformValuesLandWithinTheHistogramError) {
  latency_histogram h;
  for (std::int64_t v = 1; v <= 100000; ++v) h.record(v * 1000);  // 1 us .. 100 ms
  const auto s = summarize(h);
  EXPECT_EQ(s.count, 100000u);
  EXPECT_NEAR(s.p50_ms, 50.0, 50.0 * 0.016);
  EXPECT_NEAR(s.p90_ms, 90.0, 90.0 * 0.016);
  EXPECT_NEAR(s.p99_ms, 99.0, 99.0 * 0.016);
  EXPECT_NEAR(s.p999_ms, 99.9, 99.9 * 0.016);
  EXPECT_DOUBLE_EQ(s.max_ms, 100.0);
  EXPECT_NEAR(s.mean_ms, 50.0005, 1e-3);
}

TEST(Percentiles, TheTailIsNotTheMean) {
  latency_histogram h;
  for (int i = 0; i < 990; ++i) h.record(1'000'000);   // 1 ms
  for (int i = 0; i < 10; ++i) h.record(500'000'000);  // 500 ms: the slowest 1 %
  const auto s = summarize(h);
  EXPECT_NEAR(s.p50_ms, 1.0, 0.02);
  EXPECT_NEAR(s.p99_ms, 1.0, 0.02);  // exactly 99 % are at 1 ms
  EXPECT_NEAR(s.p999_ms, 500.0, 500.0 * 0.016);
  EXPECT_DOUBLE_EQ(s.max_ms, 500.0);
}

TEST(Percentiles, EmptyAndSingleAndMerged) {
  latency_histogram empty;
  EXPECT_EQ(summarize(empty).count, 0u);
  EXPECT_EQ(summarize(empty).p99_ms, 0.0);
  latency_histogram one;
  one.record(7'000'000);
  EXPECT_NEAR(summarize(one).p50_ms, 7.0, 0.12);
  EXPECT_LE(summarize(one).p999_ms, 7.0);  // never above the largest value
  latency_histogram a, b;
  for (int i = 0; i < 100; ++i) a.record(1'000'000);
  for (int i = 0; i < 100; ++i) b.record(3'000'000);
  a.merge(b);
  EXPECT_EQ(a.count(), 200u);
  EXPECT_NEAR(summarize(a).p90_ms, 3.0, 0.05);
  EXPECT_NEAR(summarize(a).p50_ms, 1.0, 0.02);
}

TEST(Percentiles, NegativeAndHugeValuesAreClamped) {
  latency_histogram h;
  h.record(-5);
  h.record(std::int64_t{1} << 62);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.percentile(100), std::uint64_t{1} << 62);
}

TEST(MetricsText, SumsEverySeriesOfTheMetricOnly) {
  const std::string text =
      "# HELP frontdesk_actors_live live actors\n"
      "# TYPE frontdesk_actors_live gauge\n"
      "frontdesk_actors_live 1234\n"
      "frontdesk_actors_live_total 99\n"
      "frontdesk_webhooks_total{outcome=\"stored\"} 10\n"
      "frontdesk_webhooks_total{outcome=\"dup}licate\",x=\"a\\\"b\"} 5\n"
      "frontdesk_webhooks_total_sum 1e9\n";
  EXPECT_EQ(metric_sum(text, "frontdesk_actors_live"), 1234.0);
  EXPECT_EQ(metric_sum(text, "frontdesk_webhooks_total"), 15.0);
  EXPECT_FALSE(metric_sum(text, "frontdesk_missing"));
  EXPECT_FALSE(metric_sum("", "x"));
}

TEST(MetricsText, MalformedLinesAreSkipped) {
  const std::string text =
      "m{unterminated=\"x 5\n"
      "m NaN\n"
      "m +Inf\n"
      "m 12abc\n"
      "m\n"
      "m{a=\"b\"}7\n"  // no space before the value
      "m " +
      std::string(200, '9') +
      "\n"
      "m 3\n";
  EXPECT_EQ(metric_sum(text, "m"), 3.0);
}

TEST(ProcStatus, ReadsRssAndPeak) {
  const auto m = parse_proc_status(
      "Name:\tfrontdesk\nVmPeak:\t  900000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\n");
  EXPECT_EQ(m.rss_kb, 40960);
  EXPECT_EQ(m.hwm_kb, 51200);
  const auto none = parse_proc_status("garbage\n\n");
  EXPECT_EQ(none.rss_kb, 0);
  EXPECT_EQ(none.hwm_kb, 0);
}

TEST(ProcStatus, ReadsThisProcess) {
  const auto m = read_process_memory(static_cast<int>(::getpid()));
  ASSERT_TRUE(m);
  EXPECT_GT(m->rss_kb, 0);
  EXPECT_GE(m->hwm_kb, m->rss_kb);
  EXPECT_FALSE(read_process_memory(-3));
}

TEST(Report, TableAndJsonSayNotApplicableWithoutChatwootDelivery) {
  bench_report r;
  r.scenario = "t";
  r.delivery_mode = "local_inbox";
  r.checks.push_back({"c1", true, ""});
  r.checks.push_back({"c2", false, "broken"});
  const auto table = render_table(r);
  EXPECT_NE(table.find("n/a (no Chatwoot delivery seen)"), std::string::npos);
  EXPECT_NE(table.find("[FAIL] c2: broken"), std::string::npos);
  EXPECT_NE(table.find("result: FAIL"), std::string::npos);
  const auto json = render_json(r);
  EXPECT_NE(json.find("\"passed\":false"), std::string::npos);
  EXPECT_NE(json.find("\"message_to_private_note\":\"n/a (no Chatwoot delivery seen)\""),
            std::string::npos);
  EXPECT_FALSE(r.passed());
}

TEST(Report, TableAndJsonShowHowLongGatewayCallsWaitedForASlot) {
  bench_report r;
  r.scenario = "t";
  r.gateway_slot_waits["chatwoot"] = {120, 2.5, 1.0, std::nullopt};
  const auto table = render_table(r);
  EXPECT_NE(table.find("chatwoot waited for a free slot (ms): mean 2.50, p50 <= 1, p99 above the "
                       "largest bucket   n=120"),
            std::string::npos)
      << table;
  const auto json = render_json(r);
  EXPECT_NE(json.find("\"gateway_slot_wait\":{\"chatwoot\":{\"count\":120,\"mean_ms\":2.5E0,"
                      "\"p50_at_most_ms\":1E0,\"p99_at_most_ms\":null}}"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace frontdesk::bench

namespace frontdesk::bench {
namespace {

TEST(ProcStat, ReadsUserAndSystemTicksPastAHostileName) {
  // Field 2 is "(name)" and may hold spaces and ')'; utime and stime are fields 14 and 15.
  const std::string line =
      "4242 (fd (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1000 0 0";
  const auto cpu = parse_proc_stat_cpu(line, 100);
  ASSERT_TRUE(cpu);
  EXPECT_DOUBLE_EQ(*cpu, 3.0);
  EXPECT_FALSE(parse_proc_stat_cpu("", 100));
  EXPECT_FALSE(parse_proc_stat_cpu("1 (x) S 1 2", 100));
  EXPECT_FALSE(parse_proc_stat_cpu("1 (x) S 1 1 1 0 -1 0 0 0 0 0 -5 3", 100));
  EXPECT_FALSE(parse_proc_stat_cpu(line, 0));
  ASSERT_TRUE(read_process_cpu_seconds(static_cast<int>(::getpid())));
  EXPECT_GE(*read_process_cpu_seconds(static_cast<int>(::getpid())), 0.0);
}

}  // namespace
}  // namespace frontdesk::bench

namespace frontdesk::bench {
namespace {

TEST(MetricsText, SumsOnlyTheSeriesWithTheLabel) {
  const std::string text =
      "frontdesk_gateway_calls_total{gateway=\"llm\"} 7\n"
      "frontdesk_gateway_calls_total{gateway=\"chatwoot\",op=\"post\"} 3\n"
      "frontdesk_gateway_calls_total{gateway=\"chatwoot\",op=\"labels\"} 4\n"
      "frontdesk_gateway_calls_total 100\n";
  EXPECT_EQ(metric_sum_with(text, "frontdesk_gateway_calls_total", "gateway=\"chatwoot\""), 7.0);
  EXPECT_EQ(metric_sum_with(text, "frontdesk_gateway_calls_total", "gateway=\"llm\""), 7.0);
  EXPECT_FALSE(metric_sum_with(text, "frontdesk_gateway_calls_total", "gateway=\"rag\""));
  EXPECT_EQ(metric_sum(text, "frontdesk_gateway_calls_total"), 114.0);
}

TEST(MetricsText, HistogramQuantileBoundIsTheFirstBucketHoldingTheFraction) {
  // 100 samples for chatwoot: 60 up to 1 ms, 35 more up to 50 ms, 4 up to 1 s, 1 above.
  const std::string text =
      "# TYPE frontdesk_gateway_slot_wait_seconds histogram\n"
      "frontdesk_gateway_slot_wait_seconds_bucket{gateway=\"llm\",le=\"0.001\"} 5\n"
      "frontdesk_gateway_slot_wait_seconds_bucket{gateway=\"llm\",le=\"+Inf\"} 5\n"
      "frontdesk_gateway_slot_wait_seconds_bucket{gateway=\"chatwoot\",le=\"0.05\"} 95\n"
      "frontdesk_gateway_slot_wait_seconds_bucket{gateway=\"chatwoot\",le=\"0.001\"} 60\n"
      "frontdesk_gateway_slot_wait_seconds_bucket{gateway=\"chatwoot\",le=\"1\"} 99\n"
      "frontdesk_gateway_slot_wait_seconds_bucket{gateway=\"chatwoot\",le=\"+Inf\"} 100\n"
      "frontdesk_gateway_slot_wait_seconds_bucket{gateway=\"chatwoot\",le=\"x\"} 1\n"
      "frontdesk_gateway_slot_wait_seconds_sum{gateway=\"chatwoot\"} 2.5\n"
      "frontdesk_gateway_slot_wait_seconds_count{gateway=\"chatwoot\"} 100\n";
  const std::string name = "frontdesk_gateway_slot_wait_seconds";
  const std::string cw = "gateway=\"chatwoot\"";
  EXPECT_EQ(histogram_quantile_bound(text, name, cw, 0.5), 0.001);
  EXPECT_EQ(histogram_quantile_bound(text, name, cw, 0.6), 0.001);
  EXPECT_EQ(histogram_quantile_bound(text, name, cw, 0.9), 0.05);
  EXPECT_EQ(histogram_quantile_bound(text, name, cw, 0.99), 1.0);
  EXPECT_EQ(histogram_quantile_bound(text, name, cw, 0.999),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(histogram_quantile_bound(text, name, "gateway=\"llm\"", 0.99), 0.001);
  EXPECT_FALSE(histogram_quantile_bound(text, name, "gateway=\"rag\"", 0.5));
  EXPECT_FALSE(histogram_quantile_bound(
      "m_bucket{gateway=\"rag\",le=\"0.001\"} 0\nm_bucket{gateway=\"rag\",le=\"+Inf\"} 0\n", "m",
      "gateway=\"rag\"", 0.5));
}

}  // namespace
}  // namespace frontdesk::bench
