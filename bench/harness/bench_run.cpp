#include "bench/harness/bench_run.hpp"

#include <unistd.h>

#include <toml++/toml.h>
#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <thread>

#include "bench/harness/blocking_http.hpp"
#include "bench/harness/child_server.hpp"
#include "bench/harness/conversation_ledger.hpp"
#include "bench/harness/machine_load.hpp"
#include "bench/harness/metrics_text.hpp"
#include "bench/harness/operator_sim.hpp"
#include "bench/harness/sim_chatwoot.hpp"
#include "bench/harness/sim_llm.hpp"
#include "bench/harness/traffic_model.hpp"
#include "bench/harness/webhook_sender.hpp"
#include "io/random_token.hpp"
#include "io/webhook_signature.hpp"

namespace frontdesk::bench {
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

using clock = std::chrono::steady_clock;

double seconds_since(clock::time_point t) {
  return std::chrono::duration<double>(clock::now() - t).count();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The server's config file: the scenario's [frontdesk] table, plus a per-contact rate limit a
/// load run does not trip over (the harness gives each conversation its own contact, but a
/// scenario may send many messages per conversation).
expected<std::string, std::string> server_config(const std::string& scenario_toml) {
  toml::table t;
  try {
    t = toml::parse(scenario_toml);
  } catch (const toml::parse_error& e) {
    return unexpected{"[frontdesk] table: " + std::string(e.description())};
  }
  if (!t.contains("workflow")) t.insert("workflow", toml::table{});
  if (auto* w = t.get("workflow"); w != nullptr && w->is_table()) {
    if (!w->as_table()->contains("rate_limit_per_minute"))
      w->as_table()->insert("rate_limit_per_minute", 100'000);
  }
  std::ostringstream out;
  out << toml::toml_formatter(t);
  return out.str();
}

struct server_probe {
  std::string host;
  std::uint16_t port = 0;

  std::optional<std::string> metrics() const {
    blocking_http c(host, port, std::chrono::seconds(10));
    auto a = c.get("/metrics");
    if (a.status != 200) return std::nullopt;
    return a.body;
  }
  double live_actors() const {
    auto m = metrics();
    return m ? metric_sum(*m, "frontdesk_actors_live").value_or(0) : 0;
  }
  /// Polls /health/ready until it answers 200 "ready"; false at the deadline.
  bool wait_ready(double timeout_s) const {
    const auto deadline =
        clock::now() + std::chrono::milliseconds(static_cast<int>(timeout_s * 1000));
    blocking_http c(host, port, std::chrono::seconds(5));
    while (clock::now() < deadline) {
      auto a = c.get("/health/ready");
      if (a.status == 200 && a.body.find("\"ready\"") != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
};

struct conversation_view {
  int status = 0;
  std::string state;
  std::int64_t customer_messages = 0;
  std::int64_t replies = 0;
};

conversation_view view_conversation(blocking_http& c, const header_list& auth, std::int64_t id) {
  conversation_view v;
  auto a = c.get("/api/v1/conversations/" + std::to_string(id), auth);
  v.status = a.status;
  if (a.status != 200) return v;
  boost::system::error_code ec;
  json::value doc = json::parse(a.body, ec);
  if (ec || !doc.is_object()) return v.status = -1, v;
  const auto& o = doc.as_object();
  if (const auto* s = o.if_contains("state"); s && s->is_string()) v.state = s->as_string();
  if (const auto* ms = o.if_contains("messages"); ms && ms->is_array()) {
    for (const auto& m : ms->as_array()) {
      if (!m.is_object()) continue;
      const auto* k = m.as_object().if_contains("kind");
      if (k == nullptr || !k->is_string()) continue;
      if (k->as_string() == "customer") ++v.customer_messages;
      if (k->as_string() == "reply") ++v.replies;
    }
  }
  return v;
}

bool settled_state(const std::string& s) {
  return s == "awaiting_approval" || s == "escalated" || s == "sent" || s == "graded" ||
         s == "closed";
}

/// Samples RSS and live actors until stopped.
class memory_sampler {
 public:
  memory_sampler(int pid, server_probe probe, double interval_s, clock::time_point t0)
      : pid_(pid), probe_(std::move(probe)), interval_(interval_s), t0_(t0) {
    thread_ = std::thread([this] { run(); });
  }
  ~memory_sampler() { stop(); }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<memory_sample> samples() const {
    std::lock_guard lock(mutex_);
    return samples_;
  }
  memory_sample at_peak_live() const {
    std::lock_guard lock(mutex_);
    return peak_;
  }
  std::int64_t in_flight_samples() const { return static_cast<std::int64_t>(samples_.size()); }

 private:
  void run() {
    while (!stopping_) {
      memory_sample s;
      s.t_s = seconds_since(t0_);
      if (pid_ > 0) {
        if (auto m = read_process_memory(pid_)) s.rss_kb = m->rss_kb;
      }
      s.live_actors = probe_.live_actors();
      {
        std::lock_guard lock(mutex_);
        if (samples_.size() < 20000) samples_.push_back(s);
        if (s.live_actors >= peak_.live_actors) peak_ = s;
      }
      const auto until =
          clock::now() + std::chrono::milliseconds(static_cast<int>(interval_ * 1000));
      while (!stopping_ && clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  int pid_;
  server_probe probe_;
  double interval_;
  clock::time_point t0_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<memory_sample> samples_;
  memory_sample peak_;
  std::thread thread_;
};

}  // namespace

expected<bench_report, std::string> run_bench(const run_options& options) {
  const scenario& sc = options.sc;
  std::ostream* log = options.progress;
  auto say = [&](const std::string& s) {
    if (log != nullptr) *log << "[bench " << sc.name << "] " << s << std::endl;
  };
  const auto run_start = clock::now();
  bench_report report;
  report.scenario = sc.name;
  report.seed = sc.seed;

  // ---- plan ----
  const traffic_plan plan = make_traffic_plan(sc.traffic, sc.seed);
  report.conversations = sc.traffic.conversations;
  report.messages = plan.messages;
  report.duplicates_planned = plan.duplicates;
  report.reordered_planned = plan.reordered;
  report.planned_span_s = static_cast<double>(plan.span_ns) / 1e9;
  say("planned " + std::to_string(plan.deliveries.size()) + " deliveries over " +
      std::to_string(report.planned_span_s) + " s");

  auto fixture = webhook_factory::from_fixture(read_text(options.fixture_path));
  if (!fixture) return unexpected{options.fixture_path + ": " + fixture.error()};

  conversation_ledger ledger(sc.traffic.conversation_base,
                             static_cast<std::size_t>(sc.traffic.conversations));

  // ---- simulated dependencies ----
  const std::string cw_token = "cw-" + io::random_hex(12);
  const std::string llm_key = "sk-bench-" + io::random_hex(12);
  sim_chatwoot chatwoot(sc.sim.chatwoot, ledger, sc.seed ^ 0xC0FFEEull, sc.sim.threads, 1,
                        cw_token);
  sim_llm llm(sc.sim.llm, sc.sim.rag, ledger, sc.seed ^ 0xBEEFull, sc.sim.threads, llm_key);
  if (auto s = chatwoot.start(); !s) return unexpected{s.error()};
  if (auto s = llm.start(); !s) return unexpected{s.error()};

  // ---- the server ----
  std::optional<child_server> child;
  std::string dir;
  std::string token = options.token;
  std::string secret = options.secret;
  server_probe probe;
  child_options copts;
  if (options.connect_url.empty()) {
    char tmpl[] = "/tmp/frontdesk-bench.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return unexpected{std::string("mkdtemp failed")};
    dir = tmpl;
    token = "bench-" + io::random_hex(16);
    secret = "whsec-" + io::random_hex(16);
    auto cfg = server_config(sc.frontdesk_toml);
    if (!cfg) return unexpected{cfg.error()};
    std::ofstream(dir + "/bench.toml") << *cfg;
    copts.executable = options.frontdesk_binary;
    copts.args = {"serve", "--config", dir + "/bench.toml"};
    copts.working_dir = dir;
    copts.log_path = dir + "/frontdesk.log";
    copts.env = {{"FRONTDESK_DB", "sqlite:" + dir + "/frontdesk.db"},
                 {"FRONTDESK_LISTEN", "127.0.0.1:0"},
                 {"FRONTDESK_OPERATOR_TOKENS", token + ":bench:admin"},
                 {"FRONTDESK_KB_DIR", options.kb_dir},
                 {"FRONTDESK_LOG_LEVEL", "warn"},
                 {"CHATWOOT_WEBHOOK_SECRET", secret}};
    if (sc.sim.chatwoot.enabled) {
      copts.env.insert(copts.env.end(), {{"CHATWOOT_BASE_URL", chatwoot.base_url()},
                                         {"CHATWOOT_API_TOKEN", cw_token},
                                         {"CHATWOOT_ACCOUNT_ID", "1"},
                                         {"CHATWOOT_OWN_USER_ID", "1"}});
    }
    if (sc.sim.llm.enabled) {
      copts.env.insert(copts.env.end(), {{"LLM_BASE_URL", llm.base_url()},
                                         {"LLM_API_KEY", llm_key},
                                         {"LLM_MODEL", "bench-model"}});
    }
    if (sc.sim.rag.enabled) copts.env.emplace_back("RAG_SERVICE_URL", llm.base_url());
    auto spawned = child_server::spawn(copts);
    if (!spawned) return unexpected{spawned.error()};
    child.emplace(std::move(*spawned));
    const auto t_start = clock::now();
    auto port = child->wait_for_port(
        std::chrono::milliseconds(static_cast<int>(sc.phases.startup_timeout_s * 1000)));
    if (!port) return unexpected{port.error()};
    probe = {"127.0.0.1", *port};
    if (!probe.wait_ready(sc.phases.startup_timeout_s)) {
      return unexpected{"frontdesk never became ready:\n" + child->log_tail(2000)};
    }
    say("frontdesk pid " + std::to_string(child->pid()) + " ready on port " +
        std::to_string(*port) + " after " + std::to_string(seconds_since(t_start)) + " s (" + dir +
        ")");
  } else {
    if (!split_http_base(options.connect_url, probe.host, probe.port))
      return unexpected{"--connect expects http://host:port, got " + options.connect_url};
    if (!probe.wait_ready(sc.phases.startup_timeout_s))
      return unexpected{options.connect_url + " is not ready"};
  }
  const int pid = child ? child->pid() : -1;
  if (pid > 0) {
    if (auto m = read_process_memory(pid)) report.baseline_rss_kb = m->rss_kb;
  }
  const double live_before = probe.live_actors();
  // CPU seconds of the server before the traffic; negative when unknown.
  const double cpu_before = pid > 0 ? read_process_cpu_seconds(pid).value_or(-1.0) : -1.0;
  double cpu_restarted = 0;  // CPU of a server instance stopped by the restart phase

  // ---- traffic, operators, sampling ----
  const auto traffic_start = clock::now();
  memory_sampler sampler(pid, probe, sc.phases.sample_interval_s, traffic_start);
  operator_pool operators(sc.operators, sc.seed, probe.host, probe.port, token, ledger);
  operators.start();
  sender_options so;
  so.connections = sc.traffic.connections;
  so.conversation_base = sc.traffic.conversation_base;
  // Ids from the clock, so runs against a long-lived server (--connect) never repeat one.
  ledger.start_message_ids(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count() *
                           1000);
  std::atomic<bool> abort{false};
  const auto cpu_at_traffic_start = pid > 0 ? read_cpu(pid) : std::nullopt;
  say("sending traffic");
  const sender_result sent =
      send_traffic(plan, so, *fixture, {probe.host, probe.port, secret}, ledger, abort);
  report.webhooks_sent = sent.sent;
  report.traffic_wall_s = sent.wall_s;
  report.ack = summarize(sent.ack);
  report.webhooks_acked = sent.ack.count();
  report.webhooks_per_s =
      sent.wall_s > 0 ? static_cast<double>(report.webhooks_acked) / sent.wall_s : 0;
  report.sender_late_p99_ms = sent.late_p99_ms;
  report.webhook_outcomes = sent.outcomes;
  if (cpu_at_traffic_start) {
    if (const auto now = read_cpu(pid))
      report.traffic_load = load_between(*cpu_at_traffic_start, *now);
  }
  say("traffic done: " + std::to_string(sent.sent) + " deliveries in " +
      std::to_string(sent.wall_s) + " s");

  // ---- settle: every sampled conversation drafted or escalated ----
  std::vector<std::size_t> sample;
  const auto n = static_cast<std::size_t>(sc.traffic.conversations);
  const std::size_t want =
      sc.checks.sample <= 0 ? n
                            : std::min<std::size_t>(n, static_cast<std::size_t>(sc.checks.sample));
  for (std::size_t i = 0; i < want; ++i) sample.push_back(i * n / want);
  const header_list auth{{"Authorization", "Bearer " + token}};
  blocking_http reader(probe.host, probe.port, std::chrono::seconds(30));
  const auto settle_deadline =
      clock::now() + std::chrono::milliseconds(static_cast<int>(sc.phases.settle_s * 1000));
  std::vector<std::size_t> unsettled = sample;
  while (!unsettled.empty()) {
    std::vector<std::size_t> still;
    for (std::size_t i : unsettled) {
      const auto v = view_conversation(reader, auth,
                                       sc.traffic.conversation_base + static_cast<std::int64_t>(i));
      const auto& slot = ledger.at(i);
      if (v.status != 200 || !settled_state(v.state) ||
          v.customer_messages < slot.stored_acks.load())
        still.push_back(i);
    }
    unsettled.swap(still);
    if (unsettled.empty() || clock::now() >= settle_deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  say("settled: " + std::to_string(sample.size() - unsettled.size()) + " of " +
      std::to_string(sample.size()) + " sampled conversations");
  if (sc.phases.hold_s > 0) {
    say("holding " + std::to_string(sc.phases.hold_s) + " s");
    std::this_thread::sleep_for(
        std::chrono::milliseconds(static_cast<int>(sc.phases.hold_s * 1000)));
  }
  const operator_result ops = operators.stop();
  report.operator_outcomes = ops.outcomes;
  report.operator_action = summarize(ops.action_latency);

  // Replies of the last approvals still on their way to the simulated Chatwoot.
  const bool chatwoot_mode = ledger.notes_seen.load() + ledger.replies_seen.load() > 0;
  report.delivery_mode = chatwoot_mode ? "chatwoot" : "local_inbox";
  if (chatwoot_mode) {
    const auto reply_deadline =
        clock::now() +
        std::chrono::milliseconds(static_cast<int>(std::max(5.0, sc.phases.settle_s) * 1000));
    for (;;) {
      bool waiting = false;
      for (std::size_t i : sample) {
        const auto& slot = ledger.at(i);
        if (slot.public_replies.load() < slot.approvals.load()) waiting = true;
      }
      if (!waiting || clock::now() >= reply_deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }

  // ---- final view of every sampled conversation ----
  std::uint64_t not_settled = 0, lost = 0, legal_not_escalated = 0, reply_mismatch = 0,
                view_errors = 0, unanswered = 0;
  std::string first_problem;
  auto note_problem = [&](const std::string& what) {
    if (first_problem.empty()) first_problem = what;
  };
  std::vector<std::pair<std::size_t, std::string>> states_before;
  for (std::size_t i : sample) {
    const std::int64_t id = sc.traffic.conversation_base + static_cast<std::int64_t>(i);
    const auto v = view_conversation(reader, auth, id);
    const auto& slot = ledger.at(i);
    const std::uint32_t stored = slot.stored_acks.load();
    if (slot.failed_deliveries.load() > 0) ++unanswered;
    if (v.status != 200) {
      if (stored > 0) {
        ++view_errors;
        note_problem("conversation " + std::to_string(id) + ": GET answered " +
                     std::to_string(v.status));
      }
      continue;
    }
    states_before.emplace_back(i, v.state);
    if (!settled_state(v.state)) {
      ++not_settled;
      note_problem("conversation " + std::to_string(id) + " still " + v.state);
    }
    if (v.customer_messages != stored) {
      ++lost;
      note_problem("conversation " + std::to_string(id) + ": " + std::to_string(stored) +
                   " messages acknowledged as stored, " + std::to_string(v.customer_messages) +
                   " in the conversation");
    }
    if (sc.checks.legal_must_escalate && slot.legal.load() && stored > 0 &&
        v.state != "escalated") {
      ++legal_not_escalated;
      note_problem("conversation " + std::to_string(id) + " had a legal threat and is " + v.state);
    }
    const std::uint32_t approvals = slot.approvals.load();
    const std::int64_t replies = chatwoot_mode ? slot.public_replies.load() : v.replies;
    if (replies != approvals) {
      ++reply_mismatch;
      std::string seen;
      if (chatwoot_mode) {
        for (const auto& [rid, text] : chatwoot.public_replies(id))
          seen += " [" + std::to_string(rid) + ": " + text.substr(0, 40) + "]";
      }
      note_problem("conversation " + std::to_string(id) + ": " + std::to_string(approvals) +
                   " approvals, " + std::to_string(replies) + " public replies" + seen);
    }
  }
  std::uint64_t stored_total = 0, duplicate_total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    stored_total += ledger.at(i).stored_acks.load();
    duplicate_total += ledger.at(i).duplicate_acks.load();
  }
  const std::uint64_t failed_total = sent.sent - stored_total - duplicate_total;

  auto check = [&](std::string name, bool ok, std::string detail) {
    report.checks.push_back({std::move(name), ok, std::move(detail)});
  };
  check("every webhook acknowledged (200)", failed_total == 0,
        std::to_string(failed_total) + " of " + std::to_string(sent.sent) +
            " deliveries not acknowledged");
  check("each message stored exactly once, repeats answered as duplicates",
        stored_total <= static_cast<std::uint64_t>(plan.messages) &&
            (failed_total > 0 || (stored_total == static_cast<std::uint64_t>(plan.messages) &&
                                  duplicate_total == static_cast<std::uint64_t>(plan.duplicates))),
        std::to_string(stored_total) + " stored for " + std::to_string(plan.messages) +
            " messages; " + std::to_string(duplicate_total) + " duplicate answers for " +
            std::to_string(plan.duplicates) + " repeats");
  check("no acknowledged webhook lost", lost == 0 && view_errors == 0,
        std::to_string(sample.size()) + " conversations checked, " + std::to_string(lost) +
            " with missing messages, " + std::to_string(view_errors) + " unreadable");
  check("every message drafted or escalated", not_settled == 0,
        std::to_string(not_settled) + " of " + std::to_string(sample.size()) +
            " not settled after " + std::to_string(static_cast<int>(sc.phases.settle_s)) + " s");
  if (sc.checks.legal_must_escalate) {
    check("legal threats escalated", legal_not_escalated == 0,
          std::to_string(legal_not_escalated) + " not escalated");
  }
  check(std::string("exactly one public reply per approval (") +
            (chatwoot_mode ? "simulated Chatwoot" : "local inbox, via the operator API") + ")",
        reply_mismatch == 0, std::to_string(reply_mismatch) + " conversations differ");
  if (!first_problem.empty()) report.checks.back().detail += "; first problem: " + first_problem;

  // ---- memory ----
  const memory_sample peak = sampler.at_peak_live();
  report.live_actors_peak = peak.live_actors;
  report.rss_at_peak_live_kb = peak.rss_kb;
  if (peak.live_actors - live_before >= 1 && peak.rss_kb > 0 && report.baseline_rss_kb > 0) {
    report.bytes_per_live_conversation = static_cast<double>(peak.rss_kb - report.baseline_rss_kb) *
                                         1024.0 / (peak.live_actors - live_before);
  }

  // ---- restart ----
  if (sc.phases.restart && child) {
    sampler.stop();
    if (auto m = read_process_memory(pid)) report.rss_peak_kb = m->hwm_kb;
    if (auto c = read_process_cpu_seconds(pid); c && cpu_before >= 0)
      cpu_restarted = *c - cpu_before;
    const auto [status, took] = child->stop(std::chrono::seconds(120));
    report.stop_ms = static_cast<double>(took.count());
    report.server_exit_status = status;
    say("stopped in " + std::to_string(took.count()) + " ms (status " + std::to_string(status) +
        "); restarting");
    const auto t0 = clock::now();
    auto spawned = child_server::spawn(copts);
    if (!spawned) return unexpected{spawned.error()};
    child.emplace(std::move(*spawned));
    auto port = child->wait_for_port(
        std::chrono::milliseconds(static_cast<int>(sc.phases.startup_timeout_s * 1000)));
    if (!port) return unexpected{"restart: " + port.error()};
    probe.port = *port;
    if (!probe.wait_ready(sc.phases.startup_timeout_s)) {
      return unexpected{"restart: frontdesk never became ready:\n" + child->log_tail(2000)};
    }
    report.restart_ready_ms = seconds_since(t0) * 1000;
    // A new conversation after the restart: how soon a webhook is taken again.
    blocking_http c(probe.host, probe.port, std::chrono::seconds(60));
    const std::int64_t conv = sc.traffic.conversation_base + sc.traffic.conversations;
    const std::int64_t unix_now = std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count();
    const std::string body = fixture->body(ledger.allocate_message_id(), conv, conv,
                                           "Where is my order? [ref T0x0]", unix_now);
    const std::string ts = std::to_string(unix_now);
    const auto a = c.request("POST", "/webhooks/chatwoot", body,
                             {{"Content-Type", "application/json"},
                              {"X-Chatwoot-Timestamp", ts},
                              {"X-Chatwoot-Signature", io::chatwoot_signature(secret, ts, body)},
                              {"X-Chatwoot-Delivery", "bench-restart"}});
    if (a.status == 200) report.restart_first_ack_ms = seconds_since(t0) * 1000;
    report.restart_live_actors = probe.live_actors();
    // Every sampled conversation is in the state it was in.
    std::uint64_t changed = 0;
    std::string first_changed;
    blocking_http r2(probe.host, probe.port, std::chrono::seconds(30));
    const std::size_t step = std::max<std::size_t>(1, states_before.size() / 500);
    std::size_t compared = 0;
    for (std::size_t k = 0; k < states_before.size(); k += step) {
      const auto& [i, before] = states_before[k];
      const auto v =
          view_conversation(r2, auth, sc.traffic.conversation_base + static_cast<std::int64_t>(i));
      ++compared;
      if (v.state != before) {
        ++changed;
        if (first_changed.empty())
          first_changed =
              std::to_string(sc.traffic.conversation_base + static_cast<std::int64_t>(i)) + ": " +
              before + " -> " + v.state;
      }
    }
    check("states survive the restart", changed == 0,
          std::to_string(compared) + " compared, " + std::to_string(changed) + " changed" +
              (first_changed.empty() ? "" : " (" + first_changed + ")"));
    check("serving again after the restart", report.restart_first_ack_ms.has_value(),
          "webhook answered " + std::to_string(a.status));
  }
  sampler.stop();
  report.samples = sampler.samples();
  for (int q = 1; q <= 4 && !report.samples.empty(); ++q) {
    const double t = report.traffic_wall_s * q / 4.0;
    const memory_sample* best = &report.samples.front();
    for (const auto& m : report.samples) {
      if (std::abs(m.t_s - t) < std::abs(best->t_s - t)) best = &m;
    }
    report.traffic_quarters.push_back(*best);
  }

  // ---- dependencies, errors ----
  const auto cw = chatwoot.counts();
  const auto lc = llm.counts();
  report.sim_in_flight_peak = lc.server.in_flight_peak;
  report.sim_counts = {
      {"chatwoot_calls", cw.calls},
      {"chatwoot_private_notes", cw.private_notes},
      {"chatwoot_public_replies", cw.public_replies},
      {"chatwoot_injected_errors", cw.injected_errors + cw.injected_429},
      {"chatwoot_in_flight_peak", static_cast<std::uint64_t>(cw.server.in_flight_peak)},
      {"llm_completions", lc.completions},
      {"llm_injected_errors", lc.injected_errors + lc.injected_429},
      {"rag_queries", lc.rag_queries}};
  for (const auto& [k, v] : sent.outcomes) {
    if (k != "stored" && k != "duplicate") report.errors["webhook " + k] += v;
  }
  for (const auto& [k, v] : ops.outcomes) {
    if (k.rfind("poll_", 0) == 0 || k.rfind("action_", 0) == 0) report.errors["operator " + k] += v;
  }
  if (cw.unauthorized > 0) report.errors["chatwoot unauthorized"] = cw.unauthorized;
  if (lc.rejected > 0) report.errors["llm rejected"] = lc.rejected;
  if (ledger.unknown_conversation_calls.load() > 0)
    report.errors["chatwoot call for an unknown conversation"] =
        ledger.unknown_conversation_calls.load();
  if (chatwoot_mode) {
    report.note = summarize(ledger.note_latency.snapshot());
    report.note_overhead = summarize(ledger.note_overhead.snapshot());
    report.reply = summarize(ledger.reply_latency.snapshot());
  }

  // ---- the server's own view of its gateways ----
  if (auto m = probe.metrics()) {
    for (const char* g : {"chatwoot", "llm", "rag"}) {
      const std::string label = std::string("gateway=\"") + g + "\"";
      for (const char* what :
           {"calls", "attempts", "retries", "failures", "cancelled", "circuit_opened"}) {
        const std::string name = std::string("frontdesk_gateway_") + what + "_total";
        if (auto v = metric_sum_with(*m, name, label); v && *v > 0)
          report.gateway_counts[std::string(g) + "_" + what] = static_cast<std::uint64_t>(*v);
      }
      const std::string waits = "frontdesk_gateway_slot_wait_seconds";
      const auto count = metric_sum_with(*m, waits + "_count", label);
      const auto sum = metric_sum_with(*m, waits + "_sum", label);
      if (count && sum && *count > 0) {
        auto ms = [](std::optional<double> s) -> std::optional<double> {
          if (!s || !std::isfinite(*s)) return std::nullopt;
          return *s * 1000;
        };
        bench_report::slot_wait w;
        w.count = static_cast<std::uint64_t>(*count);
        w.mean_ms = *sum / *count * 1000;
        w.p50_at_most_ms = ms(histogram_quantile_bound(*m, waits, label, 0.50));
        w.p99_at_most_ms = ms(histogram_quantile_bound(*m, waits, label, 0.99));
        report.gateway_slot_waits[g] = w;
      }
    }
  }
  {
    blocking_http c(probe.host, probe.port, std::chrono::seconds(10));
    const auto ready = c.get("/health/ready");
    boost::system::error_code ec;
    const json::value doc = json::parse(ready.body, ec);
    if (!ec && doc.is_object()) {
      if (const auto* gw = doc.as_object().if_contains("gateways"); gw && gw->is_object()) {
        for (const auto& [name, g] : gw->as_object()) {
          if (!g.is_object()) continue;
          if (const auto* e = g.as_object().if_contains("last_error"); e && e->is_string())
            report.gateway_last_error[std::string(name)] = std::string(e->as_string());
        }
      }
    }
  }

  // ---- stop ----
  if (child) {
    if (auto m = read_process_memory(child->pid())) {
      report.rss_end_kb = m->rss_kb;
      report.rss_peak_kb = std::max(report.rss_peak_kb, m->hwm_kb);
    }
    if (auto c = read_process_cpu_seconds(child->pid()); c && cpu_before >= 0) {
      report.server_cpu_s = sc.phases.restart ? cpu_restarted : *c - cpu_before;
      if (plan.messages > 0)
        report.server_cpu_us_per_message =
            *report.server_cpu_s * 1e6 / static_cast<double>(plan.messages);
    }
    const auto [status, took] = child->stop(std::chrono::seconds(60));
    if (!sc.phases.restart) report.stop_ms = static_cast<double>(took.count());
    report.server_exit_status = status;
    check("server stopped cleanly on SIGTERM", status == 0,
          "exit status " + std::to_string(status) + " after " + std::to_string(took.count()) +
              " ms" + (status == 0 ? "" : "; log tail:\n" + child->log_tail(1500)));
    if (!options.keep_dir && report.passed()) {
      std::error_code ec;
      fs::remove_all(dir, ec);
    } else {
      say("server folder kept: " + dir);
    }
  }
  chatwoot.stop();
  llm.stop();
  report.total_s = seconds_since(run_start);
  return report;
}

}  // namespace frontdesk::bench
