#include "app/http_api.hpp"

#include "app/api_context.hpp"
#include "config/log.hpp"

namespace frontdesk::app {
namespace {

/// Forwards the single answer of a request and records its latency when it is sent,
/// so async routes (webhooks, operator actions) are measured to the answer, not to the
/// end of dispatch.
class timed_sink : public io::detail::response_sink {
 public:
  timed_sink(io::responder inner, http_metrics& metrics, std::string route)
      : inner_(std::move(inner)),
        metrics_(metrics),
        route_(std::move(route)),
        started_(std::chrono::steady_clock::now()) {}
  void deliver(io::http_response r) override {
    metrics_.observe(
        route_, std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    inner_(std::move(r));
  }
  std::shared_ptr<io::sse_stream> open_stream(const io::sse_options& options) override {
    return inner_.start_sse(options);
  }

 private:
  io::responder inner_;
  http_metrics& metrics_;
  std::string route_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace
}  // namespace frontdesk::app

namespace frontdesk::app {

struct http_api::impl {
  std::unique_ptr<api_context> ctx;
  io::router routes;
};

http_api::http_api() : impl_(std::make_unique<impl>()) {}
http_api::~http_api() = default;

expected<std::unique_ptr<http_api>, std::string> http_api::create(actors::runtime& rt,
                                                                  const config::settings& s,
                                                                  std::string web_dir) {
  auto auth = io::bearer_auth::from_config(s.operator_tokens);
  if (!auth) return unexpected{"FRONTDESK_OPERATOR_TOKENS: " + auth.error()};
  io::chatwoot_signature_options sig;
  sig.secrets = s.chatwoot.webhook_secrets;
  sig.window = std::chrono::seconds(s.chatwoot.timestamp_window_s);
  sig.accept_unsigned = s.chatwoot.accept_unsigned;
  sig.accept_body_only_hmac = s.chatwoot.accept_body_hmac;
  io::rate_limit_options rl;
  rl.capacity = std::max(1, s.workflow.rate_limit_per_minute / 3);
  rl.refill_per_second = s.workflow.rate_limit_per_minute / 60.0;
  std::unique_ptr<http_api> api(new http_api());
  api->impl_->ctx =
      std::unique_ptr<api_context>(new api_context{rt,
                                                   s,
                                                   std::move(*auth),
                                                   io::chatwoot_signature_verifier(sig),
                                                   io::rate_limiter(rl),
                                                   {},
                                                   std::move(web_dir)});
  api_context& ctx = *api->impl_->ctx;
  add_webhook_routes(ctx, api->impl_->routes);
  add_operator_routes(ctx, api->impl_->routes);
  add_ops_routes(ctx, api->impl_->routes);
  return api;
}

io::http_handler http_api::handler() {
  impl* m = impl_.get();
  return [m](io::request_ptr req, io::responder res) {
    std::string route = req->path;
    // Group parameterised paths so the metric has bounded cardinality.
    if (route.rfind("/api/v1/queue/", 0) == 0) {
      const auto slash = route.find('/', 14);
      route = slash == std::string::npos ? "/api/v1/queue/{id}"
                                         : "/api/v1/queue/{id}" + route.substr(slash);
    } else if (route.rfind("/api/v1/conversations/", 0) == 0) {
      route = route.find("/trace") != std::string::npos ? "/api/v1/conversations/{id}/trace"
                                                        : "/api/v1/conversations/{id}";
    } else if (route.rfind("/web/", 0) == 0) {
      route = "/web/{path}";
    } else if (route != "/" && route != "/health" && route != "/health/ready" &&
               route != "/metrics" && route.rfind("/api/v1/", 0) != 0 &&
               route.rfind("/webhooks/", 0) != 0) {
      route = "other";
    }
    m->ctx->metrics.count("frontdesk_http_requests_total{route=\"" + route + "\",method=\"" +
                          (req->method.size() <= 7 ? req->method : std::string("other")) + "\"}");
    m->routes.dispatch(
        req, io::responder(std::make_shared<timed_sink>(std::move(res), m->ctx->metrics, route)));
  };
}

}  // namespace frontdesk::app
