#pragma once
// The real frontdesk HTTP server (runtime + API) on an ephemeral loopback port with a
// temporary SQLite store, and a client that speaks to it over real sockets.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "actors/runtime.hpp"
#include "app/http_api.hpp"
#include "io/http_client.hpp"
#include "io/http_server.hpp"
#include "io/webhook_signature.hpp"
#include "persistence/store.hpp"

namespace frontdesk::app::testing {

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(FRONTDESK_SHARED_DIR) + "/fixtures/chatwoot/" + name,
                   std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

constexpr const char* operator_token = "op-token-0000000001";
constexpr const char* manager_token = "mgr-token-000000001";
constexpr const char* admin_token = "adm-token-000000001";
constexpr const char* secret = "webhook-secret-1";

class server_test : public ::testing::Test {
 protected:
  config::settings settings;
  std::unique_ptr<actors::runtime> rt;
  std::unique_ptr<http_api> api;
  std::unique_ptr<io::http_server> server;
  io::http_client client{io::http_client_options{}};
  std::filesystem::path dir;

  void SetUp() override {
    static int n = 0;
    dir = std::filesystem::temp_directory_path() /
          ("frontdesk-api-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    std::filesystem::create_directories(dir);
    settings.store.db = "sqlite:" + (dir / "db.sqlite").string();
    settings.operator_tokens = std::string(operator_token) + ":alice:operator," + manager_token +
                               ":mary:manager," + admin_token + ":root:admin";
    settings.chatwoot.webhook_secrets = {"old-secret-0", secret};
    settings.knowledge.kb_dir = std::string(FRONTDESK_SOURCE_DIR) + "/kb";
    settings.workflow.rate_limit_per_minute = 600;
  }

  void start() {
    auto r = actors::runtime::start(settings);
    ASSERT_TRUE(r) << r.error();
    rt = std::move(*r);
    auto a = http_api::create(*rt, settings, std::string(FRONTDESK_SOURCE_DIR) + "/web");
    ASSERT_TRUE(a) << a.error();
    api = std::move(*a);
    io::http_server_options o;
    o.port = 0;
    o.max_body_bytes = settings.server.max_body_bytes;
    server = std::make_unique<io::http_server>(o, api->handler());
    auto started = server->start();
    ASSERT_TRUE(started) << started.error();
  }

  void TearDown() override {
    if (server) server->stop(std::chrono::seconds(2));
    if (rt) rt->stop();
    server.reset();
    api.reset();
    rt.reset();
    std::filesystem::remove_all(dir);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + path;
  }

  io::http_result call(io::http_method m, const std::string& path, std::string body = {},
                       io::header_list headers = {}) {
    io::client_request req;
    req.method = m;
    req.url = url(path);
    req.body = std::move(body);
    req.headers = std::move(headers);
    req.timeout = std::chrono::seconds(20);
    auto r = client.send(std::move(req));
    if (!r) {
      ADD_FAILURE() << "request failed: " << r.error().message;
      return {};
    }
    return std::move(*r);
  }

  io::http_result get(const std::string& path, const char* token = operator_token) {
    io::header_list h;
    if (token) h.emplace_back("Authorization", std::string("Bearer ") + token);
    return call(io::http_method::get, path, {}, std::move(h));
  }

  io::http_result post_json(const std::string& path, const std::string& body,
                            const char* token = operator_token) {
    io::header_list h{{"Content-Type", "application/json"}};
    if (token) h.emplace_back("Authorization", std::string("Bearer ") + token);
    return call(io::http_method::post, path, body, std::move(h));
  }

  /// Signs as Chatwoot does: HMAC-SHA256(secret, ts + "." + body).
  io::http_result webhook(const std::string& body, const std::string& delivery,
                          std::int64_t ts = io::system_unix_seconds(),
                          const std::string& key = secret,
                          std::string content_type = "application/json") {
    const std::string t = std::to_string(ts);
    io::header_list h{
        {"Content-Type", std::move(content_type)},
        {"X-Chatwoot-Timestamp", t},
        {"X-Chatwoot-Signature", "sha256=" + io::hmac_sha256_hex(key, t + "." + body)},
        {"X-Chatwoot-Delivery", delivery}};
    return call(io::http_method::post, "/webhooks/chatwoot", body, std::move(h));
  }

  /// A customer message in the web widget fixture's shape with our ids and text.
  static std::string customer_message(std::int64_t conv, std::int64_t msg,
                                      const std::string& text) {
    auto v = boost::json::parse(fixture("message_created.web_widget.incoming.json"));
    auto& o = v.as_object();
    o["id"] = msg;
    o["content"] = text;
    o["conversation"].as_object()["id"] = conv;
    return boost::json::serialize(v);
  }

  static boost::json::value json_of(const io::http_result& r) {
    boost::system::error_code ec;
    auto v = boost::json::parse(r.body, ec);
    if (ec) ADD_FAILURE() << "not JSON: " << r.body.substr(0, 200);
    return v;
  }

  std::optional<persistence::conversation_row> conversation(std::int64_t id) {
    auto r = rt->store()->get_conversation(id);
    return r ? *r : std::nullopt;
  }
};

}  // namespace frontdesk::app::testing
