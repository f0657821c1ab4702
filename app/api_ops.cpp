// Operations: liveness, readiness, Prometheus metrics, and the operator page's files.

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/api_context.hpp"
#include "persistence/commit_queue.hpp"
#include "persistence/read_pool.hpp"

namespace frontdesk::app {
namespace json = boost::json;
namespace {

using io::http_response;

std::string content_type_of(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt" || ext == ".md") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

/// Serves a file below web_dir; 404 for anything else (no traversal, no hidden files).
void serve_file(const api_context& ctx, const std::string& relative, const io::responder& res) {
  if (relative.empty() || relative.find("..") != std::string::npos || relative.front() == '/' ||
      relative.find("/.") != std::string::npos || relative.front() == '.' ||
      relative.find('\\') != std::string::npos || relative.find('\0') != std::string::npos) {
    return void(res(http_response::error(404, "not_found", "no such file")));
  }
  const std::filesystem::path path = std::filesystem::path(ctx.web_dir) / relative;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) ||
      std::filesystem::file_size(path, ec) > (8u << 20)) {
    return void(res(http_response::error(404, "not_found", "no such file")));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  auto r = http_response::text(200, buf.str(), content_type_of(path));
  r.header("Cache-Control", "no-cache");
  r.header("X-Content-Type-Options", "nosniff");
  if (path.extension() == ".html") {
    r.header("Content-Security-Policy",
             "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
             "connect-src 'self'; frame-ancestors 'none'");
  }
  res(std::move(r));
}

json::object gateway_json(const std::string& mode, const actors::gateway_stats* g) {
  if (!g) return {{"mode", mode}, {"state", "closed"}, {"in_flight", 0}, {"last_error", nullptr}};
  return {
      {"mode", mode},
      {"state", domain::to_string(g->breaker)},
      {"in_flight", g->in_flight},
      {"queued", g->queued},
      {"calls", g->calls},
      {"failed", g->failed},
      {"retries", g->retries},
      {"last_error", g->last_error.empty() ? json::value(nullptr) : json::value(g->last_error)}};
}

const actors::gateway_stats* find_gateway(const actors::runtime_counts& c, std::string_view name) {
  for (const auto& g : c.gateways) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

void ready(api_context& ctx, const io::responder& res) {
  ctx.rt.counts([&ctx, res](actors::runtime_counts counts) {
    const bool queue_healthy = ctx.rt.store_healthy();
    const std::string chatwoot_mode =
        ctx.settings.chatwoot.base_url.empty() ? "local_inbox" : "chatwoot";
    const std::string llm_mode =
        ctx.settings.llm.base_url.empty() ? "builtin" : "openai_compatible";
    const std::string rag_mode =
        ctx.settings.knowledge.rag_service_url.empty() ? "embedded" : "service";
    json::object gateways{
        {"chatwoot", gateway_json(chatwoot_mode, find_gateway(counts, "chatwoot"))},
        {"llm", gateway_json(llm_mode, find_gateway(counts, "llm"))},
        {"rag", gateway_json(rag_mode, find_gateway(counts, "knowledge"))}};
    const bool posted = ctx.rt.reads()->post(
        [res, queue_healthy, gateways = std::move(gateways), &ctx](persistence::store& db) mutable {
          const auto ping = db.ping();
          const bool store_ok = ping.has_value() && queue_healthy;
          std::int64_t pending = -1;
          if (auto c = db.count_queue_by_status()) {
            auto it = c->find("pending");
            pending = it == c->end() ? 0 : it->second;
          }
          json::object store{
              {"state", store_ok ? "up" : "down"},
              {"writer", queue_healthy ? "healthy" : "unavailable"},
              {"last_error", ping ? json::value(nullptr) : json::value(ping.error().message)}};
          json::object body{{"status", store_ok ? "ready" : "not_ready"},
                            {"store", std::move(store)},
                            {"gateways", std::move(gateways)},
                            {"queue_depth", pending},
                            {"commit_waiting", ctx.rt.commits().waiting()}};
          ok_json(res, body, store_ok ? 200 : 503);
        });
    if (!posted) res(http_response::error(503, "not_ready", "the store is saturated"));
  });
}

/// Gateway calls, retries, failures and circuit state, one series per gateway.
void render_gateway_metrics(std::string& out, const std::vector<actors::gateway_stats>& gws) {
  if (gws.empty()) return;
  struct family {
    const char* name;
    const char* type;
    std::uint64_t actors::gateway_stats::*field;
  };
  static const family families[] = {
      {"frontdesk_gateway_calls_total", "counter", &actors::gateway_stats::calls},
      {"frontdesk_gateway_attempts_total", "counter", &actors::gateway_stats::attempts},
      {"frontdesk_gateway_retries_total", "counter", &actors::gateway_stats::retries},
      {"frontdesk_gateway_failures_total", "counter", &actors::gateway_stats::failed},
      {"frontdesk_gateway_cancelled_total", "counter", &actors::gateway_stats::cancelled},
      {"frontdesk_gateway_rejected_open_total", "counter", &actors::gateway_stats::rejected_open},
      {"frontdesk_gateway_rejected_overloaded_total", "counter",
       &actors::gateway_stats::rejected_overloaded},
      {"frontdesk_gateway_worker_restarts_total", "counter",
       &actors::gateway_stats::worker_restarts},
      {"frontdesk_gateway_circuit_opened_total", "counter", &actors::gateway_stats::breaker_opened},
      {"frontdesk_gateway_in_flight", "gauge", &actors::gateway_stats::in_flight},
      {"frontdesk_gateway_queued", "gauge", &actors::gateway_stats::queued},
  };
  for (const family& f : families) {
    out += std::string("# TYPE ") + f.name + " " + f.type + "\n";
    for (const auto& g : gws) {
      out +=
          std::string(f.name) + "{gateway=\"" + g.name + "\"} " + std::to_string(g.*f.field) + "\n";
    }
  }
  // Time attempts waited for a free slot: what a dependency's concurrency limit adds.
  out += "# TYPE frontdesk_gateway_slot_wait_seconds histogram\n";
  for (const auto& g : gws) {
    render_histogram(out, "frontdesk_gateway_slot_wait_seconds", "gateway=\"" + g.name + "\"",
                     actors::slot_waits::bounds, g.slot_wait.buckets, g.slot_wait.total_seconds);
  }
  out += "# TYPE frontdesk_gateway_circuit_state gauge\n";
  for (const auto& g : gws) {
    for (auto st : {domain::breaker_state::closed, domain::breaker_state::half_open,
                    domain::breaker_state::open}) {
      out += "frontdesk_gateway_circuit_state{gateway=\"" + g.name + "\",state=\"" +
             std::string(domain::to_string(st)) + "\"} " + (g.breaker == st ? "1" : "0") + "\n";
    }
  }
}

void metrics(api_context& ctx, const io::responder& res) {
  ctx.rt.counts([&ctx, res](actors::runtime_counts c) {
    std::string out = ctx.metrics.render();
    const auto stats = ctx.rt.commits().stats();
    auto gauge = [&out](const std::string& name, std::uint64_t v, const char* type = "gauge") {
      out += "# TYPE " + name + " " + type + "\n" + name + " " + std::to_string(v) + "\n";
    };
    gauge("frontdesk_actors_live", c.live);
    gauge("frontdesk_actors_passivations_total", c.passivations, "counter");
    gauge("frontdesk_actors_activations_total", c.activations, "counter");
    gauge("frontdesk_commands_routed_total", c.routed, "counter");
    gauge("frontdesk_timers_armed", c.timers);
    gauge("frontdesk_store_committed_sets_total", stats.committed_sets, "counter");
    gauge("frontdesk_store_transactions_total", stats.transactions, "counter");
    gauge("frontdesk_store_failed_sets_total", stats.failed_sets, "counter");
    gauge("frontdesk_store_commit_waiting", ctx.rt.commits().waiting());
    gauge("frontdesk_store_up", ctx.rt.store_healthy() ? 1 : 0);
    render_gateway_metrics(out, c.gateways);
    res(http_response::text(200, std::move(out), "text/plain; version=0.0.4"));
  });
}

}  // namespace

void add_ops_routes(api_context& ctx, io::router& r) {
  r.get("/health", [](io::request_ptr, io::responder res) {
    res(http_response::json(200, R"({"status":"ok"})"));
  });
  r.get("/health/ready", [&ctx](io::request_ptr, io::responder res) { ready(ctx, res); });
  r.get("/metrics", [&ctx](io::request_ptr, io::responder res) { metrics(ctx, res); });
  r.get("/", [&ctx](io::request_ptr, io::responder res) { serve_file(ctx, "index.html", res); });
  r.get("/web/{path...}", [&ctx](io::request_ptr req, io::responder res) {
    serve_file(ctx, req->path_param("path"), res);
  });
}

}  // namespace frontdesk::app
