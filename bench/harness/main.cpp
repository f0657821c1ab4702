// frontdesk-bench: the end-to-end load harness (see bench/harness/README.md).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bench/harness/bench_run.hpp"

namespace {

void usage() {
  std::cerr
      << "usage: frontdesk-bench --scenario NAME|PATH [--frontdesk PATH | --connect URL --token T\n"
         "                       --secret S] [--json OUT] [--set key=value ...] [--keep]\n"
         "  --scenario NAME|PATH  bench/scenarios/NAME.toml, or a TOML file\n"
         "  --frontdesk PATH      the frontdesk binary to start (default: the one of this build)\n"
         "  --connect URL         use a running server (http://host:port) instead\n"
         "  --json OUT            also write the report as JSON ('-' for stdout)\n"
         "  --set key=value       override a scenario key, e.g. --set traffic.conversations=500\n"
         "  --keep                keep the server's folder (database, log)\n"
         "exit status: 0 all checks passed, 1 a check failed, 2 the run could not be set up\n";
}

std::string read_file(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace frontdesk::bench;
  std::string scenario_arg, json_out;
  run_options o;
  o.frontdesk_binary = FRONTDESK_BUILD_DIR "/app/frontdesk";
  o.kb_dir = FRONTDESK_SOURCE_DIR "/kb";
  o.fixture_path =
      FRONTDESK_SHARED_DIR "/fixtures/chatwoot/message_created.web_widget.incoming.json";
  scenario_overrides overrides;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "frontdesk-bench: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--scenario") {
      scenario_arg = value();
    } else if (a == "--frontdesk") {
      o.frontdesk_binary = value();
    } else if (a == "--connect") {
      o.connect_url = value();
    } else if (a == "--token") {
      o.token = value();
    } else if (a == "--secret") {
      o.secret = value();
    } else if (a == "--json") {
      json_out = value();
    } else if (a == "--kb") {
      o.kb_dir = value();
    } else if (a == "--fixture") {
      o.fixture_path = value();
    } else if (a == "--keep") {
      o.keep_dir = true;
    } else if (a == "--set") {
      auto kv = parse_override(value());
      if (!kv) {
        std::cerr << "frontdesk-bench: " << kv.error() << "\n";
        return 2;
      }
      overrides.push_back(std::move(*kv));
    } else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else {
      std::cerr << "frontdesk-bench: unknown argument " << a << "\n";
      usage();
      return 2;
    }
  }
  if (scenario_arg.empty()) {
    usage();
    return 2;
  }
  if (!o.connect_url.empty() && (o.token.empty() || o.secret.empty())) {
    std::cerr << "frontdesk-bench: --connect needs --token and --secret\n";
    return 2;
  }
  std::string path = scenario_arg;
  if (path.find('/') == std::string::npos && path.find(".toml") == std::string::npos) {
    path = FRONTDESK_SOURCE_DIR "/bench/scenarios/" + scenario_arg + ".toml";
  }
  bool ok = false;
  const std::string text = read_file(path, ok);
  if (!ok) {
    std::cerr << "frontdesk-bench: cannot read scenario " << path << "\n";
    return 2;
  }
  auto sc = parse_scenario(text, overrides);
  if (!sc) {
    std::cerr << "frontdesk-bench: " << path << ": " << sc.error() << "\n";
    return 2;
  }
  o.sc = std::move(*sc);
  if (o.connect_url.empty() && !std::filesystem::exists(o.frontdesk_binary)) {
    std::cerr << "frontdesk-bench: no frontdesk binary at " << o.frontdesk_binary
              << " (build it or pass --frontdesk)\n";
    return 2;
  }
  o.progress = &std::cerr;
  auto report = run_bench(o);
  if (!report) {
    std::cerr << "frontdesk-bench: " << report.error() << "\n";
    return 2;
  }
  std::cout << render_table(*report) << std::flush;
  if (!json_out.empty()) {
    if (json_out == "-") {
      std::cout << render_json(*report);
    } else {
      std::ofstream(json_out) << render_json(*report);
    }
  }
  return report->passed() ? 0 : 1;
}
