#include "bench/harness/bench_report.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <sstream>

namespace frontdesk::bench {
namespace json = boost::json;

latency_summary summarize(const latency_histogram& h) {
  latency_summary s;
  s.count = h.count();
  if (s.count == 0) return s;
  auto ms = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  s.p50_ms = ms(h.percentile(50));
  s.p90_ms = ms(h.percentile(90));
  s.p99_ms = ms(h.percentile(99));
  s.p999_ms = ms(h.percentile(99.9));
  s.max_ms = ms(h.max());
  s.mean_ms = h.mean() / 1e6;
  return s;
}

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string latency_line(const std::string& label, const std::optional<latency_summary>& s,
                         const std::string& absent) {
  std::string line = "  " + label;
  if (line.size() < 34) line.append(34 - line.size(), ' ');
  if (!s || s->count == 0) return line + (s ? "no samples" : absent) + "\n";
  return line + fmt("%9.2f", s->p50_ms) + fmt("%9.2f", s->p90_ms) + fmt("%9.2f", s->p99_ms) +
         fmt("%10.2f", s->p999_ms) + fmt("%10.2f", s->max_ms) + "   n=" + std::to_string(s->count) +
         "\n";
}

json::value latency_json(const std::optional<latency_summary>& s, const std::string& absent) {
  if (!s) return json::value(absent);
  return json::object{{"count", s->count},    {"p50_ms", s->p50_ms},   {"p90_ms", s->p90_ms},
                      {"p99_ms", s->p99_ms},  {"p999_ms", s->p999_ms}, {"max_ms", s->max_ms},
                      {"mean_ms", s->mean_ms}};
}

json::object count_map(const std::map<std::string, std::uint64_t>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

json::value opt(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

constexpr const char* no_delivery = "n/a (no Chatwoot delivery seen)";

}  // namespace

std::string render_table(const bench_report& r) {
  std::ostringstream o;
  o << "frontdesk-bench: scenario " << r.scenario << " (seed " << r.seed << "), delivery mode "
    << r.delivery_mode << "\n";
  o << "  traffic: " << r.conversations << " conversations, " << r.messages << " messages (+"
    << r.duplicates_planned << " duplicate deliveries, " << r.reordered_planned
    << " out of order) planned over " << fmt("%.1f", r.planned_span_s) << " s\n";
  o << "  webhooks: " << r.webhooks_sent << " sent, " << r.webhooks_acked << " acknowledged in "
    << fmt("%.2f", r.traffic_wall_s) << " s = " << fmt("%.1f", r.webhooks_per_s)
    << " acknowledged/s (sender lateness p99 " << fmt("%.1f", r.sender_late_p99_ms) << " ms)\n";
  o << "\n  latency (ms)                         p50      p90      p99     p99.9       max\n";
  o << latency_line("webhook ack", r.ack, "");
  o << latency_line("message -> private note", r.note, no_delivery);
  o << latency_line("  orchestration overhead", r.note_overhead, no_delivery);
  o << latency_line("approve -> public reply", r.reply, no_delivery);
  o << latency_line("operator action (API)", r.operator_action, "");
  o << "\n  webhook answers:";
  for (const auto& [k, v] : r.webhook_outcomes) o << " " << k << "=" << v;
  o << "\n  operator actions:";
  for (const auto& [k, v] : r.operator_outcomes) o << " " << k << "=" << v;
  o << "\n  simulated dependencies:";
  for (const auto& [k, v] : r.sim_counts) o << " " << k << "=" << v;
  o << "\n  server gateways:";
  for (const auto& [k, v] : r.gateway_counts) o << " " << k << "=" << v;
  for (const auto& [k, v] : r.gateway_last_error) o << "\n    " << k << " last error: " << v;
  for (const auto& [k, w] : r.gateway_slot_waits) {
    auto bound = [](const std::optional<double>& b) {
      return b ? "<= " + fmt("%g", *b) : std::string("above the largest bucket");
    };
    o << "\n    " << k << " waited for a free slot (ms): mean " << fmt("%.2f", w.mean_ms)
      << ", p50 " << bound(w.p50_at_most_ms) << ", p99 " << bound(w.p99_at_most_ms)
      << "   n=" << w.count;
  }
  o << "\n\n  conversations in flight (live actors) peak " << fmt("%.0f", r.live_actors_peak)
    << "; simulated LLM calls in flight peak " << r.sim_in_flight_peak << "\n";
  o << "  RSS: baseline " << r.baseline_rss_kb / 1024 << " MiB, at peak live "
    << r.rss_at_peak_live_kb / 1024 << " MiB, end " << r.rss_end_kb / 1024 << " MiB, peak (VmHWM) "
    << r.rss_peak_kb / 1024 << " MiB";
  if (r.bytes_per_live_conversation) {
    o << "; " << fmt("%.0f", *r.bytes_per_live_conversation) << " bytes per live conversation";
    if (r.live_actors_peak < 1000) o << " (too few conversations to mean much)";
  }
  o << "\n";
  if (!r.traffic_quarters.empty()) {
    o << "  RSS / live actors during the traffic:";
    int q = 25;
    for (const auto& m : r.traffic_quarters) {
      o << " " << q << "% " << m.rss_kb / 1024 << " MiB / " << fmt("%.0f", m.live_actors) << ";";
      q += 25;
    }
    o << "\n";
  }
  if (r.server_cpu_s) {
    o << "  server CPU: " << fmt("%.1f", *r.server_cpu_s) << " s (user + system) from the traffic "
      << "start to the stop";
    if (r.server_cpu_us_per_message) {
      o << " = " << fmt("%.0f", *r.server_cpu_us_per_message) << " us per customer message";
    }
    o << "\n";
  }
  if (const auto& l = r.traffic_load) {
    o << "  cores busy while sending (" << l->cpus << " CPUs): " << fmt("%.2f", l->busy_cores)
      << " (" << fmt("%.0f", 100.0 * l->busy_cores / l->cpus) << " %) = server "
      << fmt("%.2f", l->server_cores) << " + harness " << fmt("%.2f", l->harness_cores)
      << " + other "
      << fmt("%.2f", std::max(0.0, l->busy_cores - l->server_cores - l->harness_cores)) << "\n";
  }
  if (r.restart_ready_ms) {
    o << "  restart: stop took " << fmt("%.0f", r.stop_ms.value_or(0)) << " ms; ready after "
      << fmt("%.0f", *r.restart_ready_ms) << " ms; first webhook acknowledged after "
      << (r.restart_first_ack_ms ? fmt("%.0f", *r.restart_first_ack_ms) + " ms" : "n/a")
      << "; live actors after restart " << fmt("%.0f", r.restart_live_actors.value_or(0)) << "\n";
  } else if (r.stop_ms) {
    o << "  stop (SIGTERM) took " << fmt("%.0f", *r.stop_ms) << " ms, exit status "
      << r.server_exit_status << "\n";
  }
  o << "  errors:";
  if (r.errors.empty()) o << " none";
  for (const auto& [k, v] : r.errors) o << " " << k << "=" << v;
  o << "\n\n  correctness checks\n";
  for (const auto& c : r.checks) {
    o << "    [" << (c.passed ? "ok  " : "FAIL") << "] " << c.name;
    if (!c.detail.empty()) o << ": " << c.detail;
    o << "\n";
  }
  o << "  result: " << (r.passed() ? "PASS" : "FAIL") << " in " << fmt("%.1f", r.total_s) << " s\n";
  return o.str();
}

std::string render_json(const bench_report& r) {
  json::array checks;
  for (const auto& c : r.checks) {
    checks.push_back(json::object{{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
  }
  json::array samples;
  for (const auto& s : r.samples) {
    samples.push_back(
        json::object{{"t_s", s.t_s}, {"rss_kb", s.rss_kb}, {"live_actors", s.live_actors}});
  }
  json::object o{
      {"scenario", r.scenario},
      {"seed", r.seed},
      {"delivery_mode", r.delivery_mode},
      {"passed", r.passed()},
      {"traffic", json::object{{"conversations", r.conversations},
                               {"messages", r.messages},
                               {"duplicates_planned", r.duplicates_planned},
                               {"reordered_planned", r.reordered_planned},
                               {"planned_span_s", r.planned_span_s}}},
      {"webhooks", json::object{{"sent", r.webhooks_sent},
                                {"acknowledged", r.webhooks_acked},
                                {"wall_s", r.traffic_wall_s},
                                {"acknowledged_per_s", r.webhooks_per_s},
                                {"sender_late_p99_ms", r.sender_late_p99_ms},
                                {"ack_latency", latency_json(r.ack, "")},
                                {"outcomes", count_map(r.webhook_outcomes)}}},
      {"message_to_private_note", latency_json(r.note, no_delivery)},
      {"orchestration_overhead", latency_json(r.note_overhead, no_delivery)},
      {"approve_to_public_reply", latency_json(r.reply, no_delivery)},
      {"operators", json::object{{"outcomes", count_map(r.operator_outcomes)},
                                 {"action_latency", latency_json(r.operator_action, "")}}},
      {"memory", json::object{{"baseline_rss_kb", r.baseline_rss_kb},
                              {"rss_at_peak_live_kb", r.rss_at_peak_live_kb},
                              {"rss_end_kb", r.rss_end_kb},
                              {"rss_peak_kb", r.rss_peak_kb},
                              {"live_actors_peak", r.live_actors_peak},
                              {"bytes_per_live_conversation", opt(r.bytes_per_live_conversation)},
                              {"server_cpu_s", opt(r.server_cpu_s)},
                              {"server_cpu_us_per_message", opt(r.server_cpu_us_per_message)},
                              {"cores_busy_while_sending", [&]() -> json::value {
                                 if (!r.traffic_load) return nullptr;
                                 const auto& l = *r.traffic_load;
                                 return json::object{{"cpus", l.cpus},
                                                     {"machine", l.busy_cores},
                                                     {"server", l.server_cores},
                                                     {"harness", l.harness_cores}};
                               }()},
                              {"samples", std::move(samples)}}},
      {"traffic_quarters", [&] {
         json::array a;
         for (const auto& m : r.traffic_quarters)
           a.push_back(json::object{{"t_s", m.t_s}, {"rss_kb", m.rss_kb}, {"live_actors", m.live_actors}});
         return a;
       }()},
      {"sim_in_flight_peak", r.sim_in_flight_peak},
      {"restart", json::object{{"stop_ms", opt(r.stop_ms)},
                               {"ready_ms", opt(r.restart_ready_ms)},
                               {"first_ack_ms", opt(r.restart_first_ack_ms)},
                               {"live_actors_after", opt(r.restart_live_actors)}}},
      {"dependencies", count_map(r.sim_counts)},
      {"gateways", count_map(r.gateway_counts)},
      {"gateway_last_error", [&] {
         json::object g;
         for (const auto& [k, v] : r.gateway_last_error) g[k] = v;
         return g;
       }()},
      {"gateway_slot_wait", [&] {
         json::object g;
         for (const auto& [k, w] : r.gateway_slot_waits) {
           g[k] = json::object{{"count", w.count},
                               {"mean_ms", w.mean_ms},
                               {"p50_at_most_ms", opt(w.p50_at_most_ms)},
                               {"p99_at_most_ms", opt(w.p99_at_most_ms)}};
         }
         return g;
       }()},
      {"errors", count_map(r.errors)},
      {"checks", std::move(checks)},
      {"server_exit_status", r.server_exit_status},
      {"total_s", r.total_s}};
  return json::serialize(o) + "\n";
}

}  // namespace frontdesk::bench
