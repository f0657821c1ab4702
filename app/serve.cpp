#include "app/serve.hpp"

#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <iostream>

#include "actors/runtime.hpp"
#include "app/demo.hpp"
#include "app/http_api.hpp"
#include "config/log.hpp"
#include "io/http_server.hpp"
#include "io/random_token.hpp"

namespace frontdesk::app {
namespace {

/// The folder of the operator page: beside the sources when run from the tree.
std::string find_web_dir() {
  for (const char* candidate : {"web", FRONTDESK_SOURCE_DIR "/web"}) {
    if (std::filesystem::exists(std::filesystem::path(candidate) / "index.html")) return candidate;
  }
  return "web";
}

std::string find_demo_file() {
  for (const char* candidate :
       {"demo/conversations.jsonl", FRONTDESK_SOURCE_DIR "/demo/conversations.jsonl"}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return "demo/conversations.jsonl";
}

void usage() {
  std::cerr << "usage: frontdesk serve [--config PATH] [--demo]\n"
               "  --config PATH  TOML settings (default: config/frontdesk.toml when present)\n"
               "  --demo         replay the demo conversations through the webhook path\n";
}

}  // namespace

int run_serve(int argc, char** argv) {
  std::optional<std::string> config_path;
  bool demo = false;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (a == "--demo") {
      demo = true;
    } else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else {
      std::cerr << "frontdesk serve: unknown argument " << a << "\n";
      usage();
      return 2;
    }
  }
  if (!config_path && std::filesystem::exists("config/frontdesk.toml")) {
    config_path = "config/frontdesk.toml";
  }
  auto loaded = config::load_settings(config_path, config::process_env());
  if (!loaded) {
    std::cerr << "frontdesk: configuration error: " << loaded.error() << "\n";
    return 2;
  }
  config::settings s = std::move(*loaded);
  log::init(s.log);
  if (s.chatwoot.webhook_secrets.empty()) {
    // No secret configured: webhooks are refused unless signed with this one, which lives
    // only in this process (the demo uses it). Set CHATWOOT_WEBHOOK_SECRET for Chatwoot.
    s.chatwoot.webhook_secrets.push_back(io::random_hex(24));
    log::warn("webhook_secret_missing",
              {{"hint", "set CHATWOOT_WEBHOOK_SECRET to accept Chatwoot webhooks"}});
  }
  if (s.chatwoot.base_url.empty()) {
    log::info("local_inbox_mode", {{"hint", "set CHATWOOT_BASE_URL to deliver to Chatwoot"}});
  }
  if (s.llm.base_url.empty()) {
    log::info("builtin_drafter", {{"hint", "set LLM_BASE_URL to draft with a model"}});
  }
  if (s.operator_tokens.empty()) {
    const std::string token = io::random_hex(16);
    s.operator_tokens = token + ":admin:admin";
    log::warn("operator_tokens_missing", {{"hint", "set FRONTDESK_OPERATOR_TOKENS"}});
    std::cerr << "frontdesk: no operator tokens configured; sign in with the admin token " << token
              << "\n";
  }

  // Signals are waited for on this thread only; every thread started below inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto rt = actors::runtime::start(s);
  if (!rt) {
    log::error("start_failed", {{"error", rt.error()}});
    std::cerr << "frontdesk: " << rt.error() << "\n";
    return 1;
  }
  auto api = http_api::create(**rt, s, find_web_dir());
  if (!api) {
    std::cerr << "frontdesk: configuration error: " << api.error() << "\n";
    return 2;
  }
  io::http_server_options o;
  o.address = s.server.host;
  o.port = s.server.port;
  o.threads = static_cast<std::size_t>(s.server.threads);
  o.max_body_bytes = s.server.max_body_bytes;
  o.max_connections = static_cast<std::size_t>(s.server.max_connections);
  o.header_timeout = std::chrono::milliseconds(s.server.read_timeout_ms);
  o.body_timeout = std::chrono::milliseconds(s.server.read_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(s.server.idle_timeout_ms);
  io::http_server server(o, (*api)->handler());
  if (auto started = server.start(); !started) {
    log::error("listen_failed", {{"error", started.error()}});
    std::cerr << "frontdesk: cannot listen on " << s.server.host << ":" << s.server.port << ": "
              << started.error() << "\n";
    return 1;
  }
  log::info("listening",
            {{"address", s.server.host},
             {"port", static_cast<int>(server.port())},
             {"store", s.store.db.rfind("sqlite:", 0) == 0 ? s.store.db : "postgresql"},
             {"outbox", "local_inbox"},
             {"drafter", "builtin"},
             {"demo", demo ? "on" : "off"}});
  std::cerr << "frontdesk: serving on http://" << s.server.host << ":" << server.port() << "/\n";

  std::thread demo_thread;
  if (demo) {
    demo_options d;
    d.file = find_demo_file();
    d.host = s.server.host == "0.0.0.0" ? "127.0.0.1" : s.server.host;
    d.port = server.port();
    d.secret = s.chatwoot.webhook_secrets.back();
    demo_thread = std::thread([d] {
      auto n = replay_demo(d);
      if (n) {
        log::info("demo_replayed", {{"messages", *n}});
      } else {
        log::warn("demo_failed", {{"error", n.error()}});
      }
    });
  }

  int sig = 0;
  sigwait(&signals, &sig);
  if (demo_thread.joinable()) demo_thread.join();
  log::info("stopping", {{"signal", sig}});
  server.stop(std::chrono::seconds(5));
  (*rt)->stop();
  log::info("stopped");
  return 0;
}

}  // namespace frontdesk::app
