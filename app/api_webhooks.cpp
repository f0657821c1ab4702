// POST /webhooks/chatwoot: verify, parse, classify, rate-limit, and hand the event to its
// conversation; the answer waits until the event is durably stored.

#include <boost/json.hpp>

#include "app/api_context.hpp"
#include "config/log.hpp"
#include "io/chatwoot_event.hpp"
#include "io/json_out.hpp"

namespace frontdesk::app {
namespace {

using io::http_response;
using status = actors::command_reply::status;

bool is_json_content_type(std::optional<std::string_view> ct) {
  if (!ct) return false;
  std::string_view v = *ct;
  const auto semi = v.find(';');
  if (semi != std::string_view::npos) v = v.substr(0, semi);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return io::iequals(v, "application/json");
}

persistence::timestamp now_ms() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

actors::incoming_message message_of(const io::chatwoot_event& e) {
  actors::incoming_message m;
  m.message_id = e.message_id.value_or(0);
  m.content = e.content.value_or("");
  if (e.email_subject && !e.email_subject->empty() &&
      m.content.find(*e.email_subject) == std::string::npos) {
    m.content = *e.email_subject + "\n\n" + m.content;
  }
  if (e.sender) {
    m.sender = e.sender->name;
    m.contact.name = e.sender->name;
    m.contact.email = e.sender->email;
  }
  if (e.conversation) {
    const io::chatwoot_conversation& c = *e.conversation;
    m.contact.id =
        c.contact_id.value_or(e.sender && e.sender->type != "user" ? e.sender->id.value_or(0) : 0);
    m.channel = domain::parse_channel(c.channel);
    m.labels = c.labels;
    m.custom_attributes = c.custom_attributes;
    m.assignee = c.assignee_id;
  }
  return m;
}

void chatwoot_webhook(api_context& ctx, const io::request_ptr& req, const io::responder& res) {
  if (!is_json_content_type(req->header("Content-Type"))) {
    ctx.metrics.count("frontdesk_webhooks_total{outcome=\"unsupported_media_type\"}");
    return void(res(http_response::error(415, "unsupported_media_type",
                                         "webhooks must be sent as application/json")));
  }
  if (auto v = ctx.verifier.verify(*req); !v) {
    ctx.metrics.count("frontdesk_webhooks_total{outcome=\"unauthorized\"}");
    log::warn("webhook_rejected", {{"req", req->request_id}, {"why", io::to_string(v.error())}});
    return void(res(http_response::error(401, io::to_string(v.error()),
                                         "the webhook signature could not be verified")));
  }
  auto parsed =
      io::parse_chatwoot_event(req->body, {ctx.settings.server.max_body_bytes, 64, 256 * 1024});
  if (!parsed) {
    ctx.metrics.count("frontdesk_webhooks_total{outcome=\"bad_request\"}");
    const int code = parsed.error().code == "malformed_json" ||
                             parsed.error().code == "invalid_utf8" ||
                             parsed.error().code == "too_deep" || parsed.error().code == "too_large"
                         ? 400
                         : 422;
    return void(res(http_response::error(code, parsed.error().code, parsed.error().message)));
  }
  const io::chatwoot_event& e = *parsed;
  io::chatwoot_classify_options copts;
  if (ctx.settings.chatwoot.own_user_id != 0) copts.own_user_id = ctx.settings.chatwoot.own_user_id;
  const io::chatwoot_classification cls = io::classify(e, copts);
  const std::int64_t conv = e.conversation ? e.conversation->display_id : 0;

  actors::conversation_command cmd;
  cmd.conversation_id = conv;
  cmd.cause = "webhook:" + e.dedupe_key();
  cmd.actor = "chatwoot";
  auto data = std::make_shared<actors::command_data>();
  data->message = message_of(e);
  switch (cls.kind) {
    case io::chatwoot_event_kind::customer_message: {
      const std::string contact_key =
          "contact:" + std::to_string(data->message->contact.id) + ":" + std::to_string(conv);
      if (auto d = ctx.contact_limiter.acquire(contact_key); !d.allowed) {
        ctx.metrics.count("frontdesk_webhooks_total{outcome=\"rate_limited\"}");
        return void(
            res(http_response::error(429, "rate_limited", "too many messages from this contact")
                    .header("Retry-After", std::to_string(d.retry_after_seconds))));
      }
      cmd.event = fsm::ev::customer_message{e.message_id.value_or(0)};
      cmd.actor = "customer";
      break;
    }
    case io::chatwoot_event_kind::agent_reply:
      cmd.event = fsm::ev::human_replied{e.message_id.value_or(0)};
      cmd.actor = e.sender ? "agent:" + e.sender->name : "agent";
      break;
    case io::chatwoot_event_kind::conversation_status_changed:
      if (e.conversation && e.conversation->status == "resolved") cmd.event = fsm::ev::resolved{};
      break;
    case io::chatwoot_event_kind::conversation_created:
    case io::chatwoot_event_kind::conversation_updated:
    case io::chatwoot_event_kind::message_updated:
      break;  // what the conversation knows changes; no state machine event
    default:
      ctx.metrics.count("frontdesk_webhooks_total{outcome=\"ignored\"}");
      return void(res(http_response::json(200, io::json_webhook_ack(false, cls.reason))));
  }
  if (conv <= 0) {
    return void(res(http_response::error(422, "missing_field", "conversation.id is required")));
  }
  cmd.data = std::move(data);
  persistence::inbound_event in;
  if (auto d = req->header("X-Chatwoot-Delivery"); d && !d->empty())
    in.delivery_id = std::string(*d);
  in.dedupe_key = e.dedupe_key();
  in.event = e.event;
  in.conversation_id = conv;
  in.received_at = now_ms();
  in.body = req->body;
  cmd.inbound = std::move(in);
  const auto started = std::chrono::steady_clock::now();
  api_context* c = &ctx;
  const std::string req_id = req->request_id;
  cmd.reply = actors::make_reply([c, res, started, req_id, conv](const actors::command_reply& r) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    c->metrics.observe("webhook_commit", secs);
    switch (r.outcome) {
      case status::applied:
        c->metrics.count("frontdesk_webhooks_total{outcome=\"accepted\"}");
        res(http_response::json(200, io::json_webhook_ack(true, "stored")));
        break;
      case status::duplicate:
      case status::repeat:
        c->metrics.count("frontdesk_webhooks_total{outcome=\"duplicate\"}");
        res(http_response::json(200, io::json_webhook_ack(true, "duplicate", true)));
        break;
      case status::refused:
        c->metrics.count("frontdesk_webhooks_total{outcome=\"refused\"}");
        res(http_response::json(200, io::json_webhook_ack(false, fsm::to_string(r.code))));
        break;
      case status::unavailable:
        c->metrics.count("frontdesk_webhooks_total{outcome=\"unavailable\"}");
        log::warn("webhook_not_stored", {{"req", req_id}, {"conv", conv}, {"why", r.message}});
        res(http_response::error(503, "not_ready", "the event could not be stored; try again")
                .header("Retry-After", "5"));
        break;
    }
  });
  ctx.rt.submit(std::move(cmd));
}

}  // namespace

void add_webhook_routes(api_context& ctx, io::router& r) {
  r.post("/webhooks/chatwoot",
         [&ctx](io::request_ptr req, io::responder res) { chatwoot_webhook(ctx, req, res); });
}

}  // namespace frontdesk::app
