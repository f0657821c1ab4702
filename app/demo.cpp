#include "app/demo.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <vector>

#include "config/log.hpp"
#include "io/http_client.hpp"
#include "io/webhook_signature.hpp"

namespace frontdesk::app {
namespace json = boost::json;

expected<std::string, std::string> demo_webhook_body(const std::string& line, std::size_t index,
                                                     std::int64_t message_id) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return unexpected{std::string("demo line is not a JSON object")};
  const json::object& d = v.as_object();
  const json::value* conv = d.if_contains("conversation_id");
  const json::value* contact = d.if_contains("contact");
  const json::value* messages = d.if_contains("messages");
  if (!conv || !conv->is_int64() || !contact || !contact->is_object() || !messages ||
      !messages->is_array() || index >= messages->as_array().size() ||
      !messages->as_array()[index].is_string()) {
    return unexpected{std::string("demo line lacks conversation_id, contact or messages")};
  }
  const json::object& c = contact->as_object();
  json::object sender{{"id", c.contains("id") ? c.at("id") : json::value(0)},
                      {"name", c.contains("name") ? c.at("name") : json::value("")},
                      {"email", c.contains("email") ? c.at("email") : json::value("")},
                      {"type", "contact"}};
  json::object attrs;
  if (const json::value* a = d.if_contains("custom_attributes"); a && a->is_object())
    attrs = a->as_object();
  json::array labels;
  if (const json::value* l = d.if_contains("labels"); l && l->is_array()) labels = l->as_array();
  const std::string channel = d.contains("channel") && d.at("channel").is_string()
                                  ? std::string(d.at("channel").as_string())
                                  : "Channel::WebWidget";
  json::object conversation{{"id", conv->as_int64()},
                            {"inbox_id", 1},
                            {"channel", channel},
                            {"status", "open"},
                            {"labels", labels},
                            {"custom_attributes", attrs},
                            {"contact_inbox", {{"contact_id", sender.at("id")}}},
                            {"meta", {{"sender", sender}}}};
  json::object body{{"event", "message_created"},
                    {"id", message_id},
                    {"content", messages->as_array()[index]},
                    {"content_type", "text"},
                    {"message_type", "incoming"},
                    {"private", false},
                    {"sender", sender},
                    {"inbox", {{"id", 1}, {"name", "Demo"}}},
                    {"account", {{"id", 1}, {"name", "Demo store"}}},
                    {"conversation", conversation}};
  return json::serialize(body);
}

expected<int, std::string> replay_demo(const demo_options& o) {
  std::ifstream in(o.file);
  if (!in) return unexpected{"cannot read " + o.file};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  io::http_client client{io::http_client_options{}};
  const std::string url = "http://" + o.host + ":" + std::to_string(o.port) + "/webhooks/chatwoot";
  int accepted = 0;
  for (std::size_t round = 0; round < 4; ++round) {  // first messages of all, then follow-ups
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::int64_t message_id =
          700000 + static_cast<std::int64_t>(i) * 10 + static_cast<std::int64_t>(round);
      auto body = demo_webhook_body(lines[i], round, message_id);
      if (!body) continue;  // this conversation has fewer messages
      const std::string ts = std::to_string(io::system_unix_seconds());
      io::client_request req;
      req.method = io::http_method::post;
      req.url = url;
      req.body = *body;
      req.headers = {
          {"Content-Type", "application/json"},
          {"X-Chatwoot-Timestamp", ts},
          {"X-Chatwoot-Signature", "sha256=" + io::hmac_sha256_hex(o.secret, ts + "." + *body)},
          {"X-Chatwoot-Delivery", "demo-" + std::to_string(message_id)}};
      auto r = client.send(std::move(req));
      if (r && r->status == 200) {
        ++accepted;
      } else {
        log::warn("demo_webhook_refused",
                  {{"status", r ? r->status : 0}, {"body", r ? r->body : r.error().message}});
      }
    }
  }
  return accepted;
}

}  // namespace frontdesk::app
