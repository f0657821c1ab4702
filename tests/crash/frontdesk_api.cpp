#include "tests/crash/frontdesk_api.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "io/webhook_signature.hpp"

namespace frontdesk::crash_testing {
namespace {

const std::string& fixture() {
  static const std::string text = [] {
    std::ifstream in(std::string(FRONTDESK_SHARED_DIR) +
                         "/fixtures/chatwoot/message_created.web_widget.incoming.json",
                     std::ios::binary);
    std::stringstream b;
    b << in.rdbuf();
    return b.str();
  }();
  return text;
}

}  // namespace

std::string customer_message_body(std::int64_t conversation, std::int64_t message,
                                  const std::string& text) {
  auto v = boost::json::parse(fixture());
  auto& o = v.as_object();
  o["id"] = message;
  o["content"] = text;
  o["conversation"].as_object()["id"] = conversation;
  return boost::json::serialize(v);
}

frontdesk_api::frontdesk_api(io::http_client& client, std::string base_url,
                             std::string webhook_secret, std::string operator_token)
    : client_(client),
      base_url_(std::move(base_url)),
      secret_(std::move(webhook_secret)),
      token_(std::move(operator_token)) {}

std::optional<io::http_result> frontdesk_api::call(io::client_request req) {
  req.url = base_url_ + req.url;
  req.timeout = std::chrono::seconds(10);
  auto r = client_.send(std::move(req));
  if (!r) return std::nullopt;
  return std::move(*r);
}

std::optional<io::http_result> frontdesk_api::webhook(const std::string& body,
                                                      const std::string& delivery) {
  const std::string ts = std::to_string(io::system_unix_seconds());
  io::client_request req;
  req.method = io::http_method::post;
  req.url = "/webhooks/chatwoot";
  req.body = body;
  req.headers = {
      {"Content-Type", "application/json"},
      {"X-Chatwoot-Timestamp", ts},
      {"X-Chatwoot-Signature", "sha256=" + io::hmac_sha256_hex(secret_, ts + "." + body)},
      {"X-Chatwoot-Delivery", delivery}};
  return call(std::move(req));
}

std::optional<io::http_result> frontdesk_api::get(const std::string& path) {
  io::client_request req;
  req.method = io::http_method::get;
  req.url = path;
  req.headers = {{"Authorization", "Bearer " + token_}};
  return call(std::move(req));
}

std::optional<io::http_result> frontdesk_api::post(const std::string& path,
                                                   const std::string& body) {
  io::client_request req;
  req.method = io::http_method::post;
  req.url = path;
  req.body = body;
  req.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token_}};
  return call(std::move(req));
}

}  // namespace frontdesk::crash_testing
