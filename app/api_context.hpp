#pragma once
// What every HTTP route needs: the runtime, settings, authentication, verification,
// limits and metrics. Built once by http_api; routes only read it (the rate limiter and
// metrics are thread-safe).

#include <memory>
#include <string>

#include <boost/json/value.hpp>
#include "actors/runtime.hpp"
#include "app/http_metrics.hpp"
#include "config/settings.hpp"

#include "io/bearer_auth.hpp"
#include "io/http_responder.hpp"
#include "io/rate_limiter.hpp"
#include "io/router.hpp"
#include "io/webhook_signature.hpp"

namespace frontdesk::app {

struct api_context {
  actors::runtime& rt;
  config::settings settings;
  io::bearer_auth auth;
  io::chatwoot_signature_verifier verifier;
  io::rate_limiter contact_limiter;
  http_metrics metrics;
  std::string web_dir;
};

/// Answers 401/403 and returns nullopt unless the request carries a token of `role`.
std::optional<io::operator_identity> authorize(const api_context& ctx, const io::http_request& req,
                                               const io::responder& res, io::operator_role role);

/// 200 with a JSON body.
void ok_json(const io::responder& res, const boost::json::value& v, int status = 200);

void add_webhook_routes(api_context& ctx, io::router& r);
void add_operator_routes(api_context& ctx, io::router& r);
void add_ops_routes(api_context& ctx, io::router& r);

}  // namespace frontdesk::app
