// A keep-alive HTTP load generator for frontdesk: closed loop (each connection sends as soon as
// its answer arrives) or open loop (a fixed schedule; latency is measured from the intended send
// time so a slow server cannot hide its queueing), for GET health checks or signed Chatwoot
// webhooks with unique ids.

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "bench/load/load_run.hpp"

namespace frontdesk::bench {
namespace {

constexpr const char* default_fixture =
    FRONTDESK_SHARED_DIR "/fixtures/chatwoot/message_created.web_widget.incoming.json";

struct options {
  load_options load;
  std::string url;
  std::string fixture = default_fixture;
  std::string label;
};

void usage() {
  std::cerr << "usage: load_gen (--health URL | --webhooks URL --secret S) [options]\n"
               "  --connections N     keep-alive connections (default 16)\n"
               "  --threads N         client threads, each with its own share of connections (1)\n"
               "  --duration S        measured seconds after the warm-up (5)\n"
               "  --warmup S          seconds sent but not measured (1)\n"
               "  --rate R            open loop at R requests/s in total; 0 = closed loop (0)\n"
               "  --timeout S         per request (10)\n"
               "  --drain S           after the end, wait this long for answers still due (5)\n"
               "  --conversations N   webhooks rotate over N conversation ids (10000)\n"
               "  --conversation-base N  first conversation id (1000000)\n"
               "  --message-base N    first message id (default: from the clock)\n"
               "  --fixture PATH      webhook body template (message_created fixture)\n"
               "  --label TEXT        name printed in the RESULT line\n";
}

std::optional<options> parse_options(int argc, char** argv) {
  options o;
  bool have_url = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    auto number = [&](double& out) {
      auto v = value();
      if (!v) return false;
      char* end = nullptr;
      out = std::strtod(v->c_str(), &end);
      return end != v->c_str() && *end == '\0' && std::isfinite(out) && out >= 0;
    };
    auto integer = [&](auto& out) {
      double d = 0;
      if (!number(d) || d != std::floor(d) || d > 9e15) return false;
      out = static_cast<std::remove_reference_t<decltype(out)>>(d);
      return true;
    };
    bool ok = true;
    if (a == "--health" || a == "--webhooks") {
      o.load.mode = a == "--health" ? run_mode::health : run_mode::webhooks;
      auto v = value();
      ok = v.has_value();
      if (ok) o.url = *v;
      have_url = ok;
    } else if (a == "--secret") {
      auto v = value();
      ok = v.has_value();
      if (ok) o.load.secret = *v;
    } else if (a == "--fixture") {
      auto v = value();
      ok = v.has_value();
      if (ok) o.fixture = *v;
    } else if (a == "--label") {
      auto v = value();
      ok = v.has_value();
      if (ok) o.label = *v;
    } else if (a == "--connections") {
      ok = integer(o.load.connections) && o.load.connections >= 1 && o.load.connections <= 10000;
    } else if (a == "--threads") {
      ok = integer(o.load.threads) && o.load.threads >= 1 && o.load.threads <= 64;
    } else if (a == "--duration") {
      ok = number(o.load.duration_s) && o.load.duration_s > 0;
    } else if (a == "--warmup") {
      ok = number(o.load.warmup_s);
    } else if (a == "--rate") {
      ok = number(o.load.rate);
    } else if (a == "--timeout") {
      ok = number(o.load.timeout_s) && o.load.timeout_s > 0;
    } else if (a == "--drain") {
      ok = number(o.load.drain_s);
    } else if (a == "--conversations") {
      ok = integer(o.load.conversations) && o.load.conversations >= 1;
    } else if (a == "--conversation-base") {
      ok = integer(o.load.conversation_base) && o.load.conversation_base >= 1;
    } else if (a == "--message-base") {
      ok = integer(o.load.message_base) && o.load.message_base >= 1;
    } else if (a == "--help" || a == "-h") {
      usage();
      std::exit(0);
    } else {
      std::cerr << "load_gen: unknown argument " << a << "\n";
      return std::nullopt;
    }
    if (!ok) {
      std::cerr << "load_gen: bad or missing value for " << a << "\n";
      return std::nullopt;
    }
  }
  if (!have_url) {
    std::cerr << "load_gen: give --health URL or --webhooks URL\n";
    return std::nullopt;
  }
  auto t = parse_target_url(o.url);
  if (!t) {
    std::cerr << "load_gen: not a plain http URL: " << o.url << "\n";
    return std::nullopt;
  }
  o.load.target = *t;
  if (o.load.mode == run_mode::webhooks && o.load.secret.empty()) {
    std::cerr << "load_gen: --webhooks needs --secret\n";
    return std::nullopt;
  }
  return o;
}
std::string ms(std::uint64_t ns) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(3);
  o << static_cast<double>(ns) / 1e6;
  return o.str();
}

int run(const options& o) {
  load_options lo = o.load;
  if (lo.mode == run_mode::webhooks) {
    std::ifstream in(o.fixture, std::ios::binary);
    if (!in) {
      std::cerr << "load_gen: cannot read fixture " << o.fixture << "\n";
      return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    lo.fixture_json = text.str();
  }
  auto r = run_load(lo);
  if (!r) {
    std::cerr << "load_gen: " << r.error() << "\n";
    return 2;
  }
  const load_report& total = *r;
  const double rps = static_cast<double>(total.ok_completed_in_window) / lo.duration_s;
  const char* mode = lo.mode == run_mode::health ? "health" : "webhooks";
  std::cout << "load_gen " << mode << " " << o.url << ": " << total.connections << " connections, "
            << total.threads << " thread(s), " << lo.warmup_s << " s warm-up + " << lo.duration_s
            << " s, "
            << (lo.rate > 0 ? "open loop at " + std::to_string(static_cast<long>(lo.rate)) + "/s"
                            : std::string("closed loop"))
            << "\n";
  std::cout << "  ok answered in window: " << total.ok_completed_in_window << " ("
            << static_cast<long>(rps) << " req/s), sent in total " << total.sent << ", connects "
            << total.connects << "\n";
  std::cout << "  latency ms" << (lo.rate > 0 ? " (from intended send time)" : "") << ": p50 "
            << ms(total.latency.percentile(50)) << "  p90 " << ms(total.latency.percentile(90))
            << "  p99 " << ms(total.latency.percentile(99)) << "  p99.9 "
            << ms(total.latency.percentile(99.9)) << "  max " << ms(total.latency.max())
            << "  mean " << ms(static_cast<std::uint64_t>(total.latency.mean())) << "\n";
  for (const auto& [k, v] : total.errors) {
    std::cout << "  error " << k << ": " << v;
    if (auto it = total.samples.find(k); it != total.samples.end() && !it->second.empty())
      std::cout << "  e.g. " << it->second;
    std::cout << "\n";
  }
  std::cout << "  load_gen cpu: " << total.cpu_seconds << " s over " << total.wall_seconds
            << " s wall\n";
  std::cout << "RESULT label=" << (o.label.empty() ? mode : o.label) << " mode=" << mode
            << " rate=" << static_cast<long>(lo.rate) << " rps=" << static_cast<long>(rps)
            << " p50_ms=" << ms(total.latency.percentile(50))
            << " p90_ms=" << ms(total.latency.percentile(90))
            << " p99_ms=" << ms(total.latency.percentile(99))
            << " p999_ms=" << ms(total.latency.percentile(99.9))
            << " max_ms=" << ms(total.latency.max()) << " ok=" << total.ok_intended_in_window
            << " errors=" << total.error_count() << " sent=" << total.sent << " gen_cpu_pct="
            << static_cast<long>(100.0 * total.cpu_seconds / std::max(total.wall_seconds, 1e-9))
            << "\n";
  return 0;
}

}  // namespace
}  // namespace frontdesk::bench

int main(int argc, char** argv) {
  auto o = frontdesk::bench::parse_options(argc, argv);
  if (!o) {
    frontdesk::bench::usage();
    return 2;
  }
  return frontdesk::bench::run(*o);
}
