#include "actors/chatwoot_payloads.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <limits>

#include "domain/private_note.hpp"

namespace frontdesk::actors {
namespace json = boost::json;
namespace {

constexpr std::size_t max_payload_bytes = 1024 * 1024;

expected<json::object, std::string> parse_object(std::string_view text) {
  if (text.size() > max_payload_bytes) return unexpected{std::string("payload too large")};
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) return unexpected{"malformed payload: " + ec.message()};
  if (!v.is_object()) return unexpected{std::string("payload is not an object")};
  return std::move(v.as_object());
}

std::optional<std::string> get_string(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::optional<std::int64_t> get_int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

std::optional<double> get_number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_double()) return v->as_double();
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  return std::nullopt;
}

/// Present but of the wrong type is an error; absent is fine.
bool wrong_type(const json::object& o, std::string_view key, json::kind k) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return false;
  if (k == json::kind::int64) return !(v->is_int64() || v->is_uint64());
  if (k == json::kind::double_) return !(v->is_double() || v->is_int64() || v->is_uint64());
  return v->kind() != k;
}

std::vector<std::string> strings_of(const json::value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->as_array())
    if (e.is_string()) out.emplace_back(e.as_string());
  return out;
}

std::string quote_block(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto nl = text.find('\n', start);
    const auto line =
        text.substr(start, nl == std::string_view::npos ? text.size() - start : nl - start);
    out += "> ";
    out += line;
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

expected<reply_payload, std::string> parse_reply_payload(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return unexpected{o.error()};
  reply_payload r;
  auto content = get_string(*o, "content");
  if (!content) return unexpected{std::string("content missing or not a string")};
  if (wrong_type(*o, "after_id", json::kind::int64) || wrong_type(*o, "action", json::kind::string))
    return unexpected{std::string("after_id or action has the wrong type")};
  r.content = std::move(*content);
  r.after_id = std::max<std::int64_t>(0, get_int(*o, "after_id").value_or(0));
  r.action = get_string(*o, "action").value_or("");
  return r;
}

expected<handoff_payload, std::string> parse_handoff_payload(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return unexpected{o.error()};
  if (wrong_type(*o, "reason", json::kind::string) ||
      wrong_type(*o, "low_confidence", json::kind::bool_) ||
      wrong_type(*o, "draft", json::kind::string) ||
      wrong_type(*o, "draft_version", json::kind::int64) ||
      wrong_type(*o, "assignee_id", json::kind::int64) ||
      wrong_type(*o, "category", json::kind::string) ||
      wrong_type(*o, "note", json::kind::string) ||
      wrong_type(*o, "sentiment", json::kind::string) ||
      wrong_type(*o, "sources", json::kind::array)) {
    return unexpected{std::string("a handoff field has the wrong type")};
  }
  handoff_payload h;
  h.reason = get_string(*o, "reason").value_or("");
  if (const json::value* v = o->if_contains("low_confidence"); v && v->is_bool())
    h.low_confidence = v->as_bool();
  h.draft = get_string(*o, "draft");
  h.draft_version = get_int(*o, "draft_version").value_or(0);
  if (auto a = get_int(*o, "assignee_id"); a && *a > 0) h.assignee_id = a;
  h.category = get_string(*o, "category").value_or("");
  h.note = get_string(*o, "note").value_or("");
  h.sentiment = get_string(*o, "sentiment").value_or("");
  if (const json::value* v = o->if_contains("sources")) {
    for (const json::value& e : v->as_array()) {
      if (!e.is_string()) return unexpected{std::string("handoff sources must be strings")};
      if (h.sources.size() < 20) h.sources.emplace_back(e.as_string());
    }
  }
  return h;
}

expected<std::string, std::string> parse_priority_payload(std::string_view text) {
  auto o = parse_object(text);
  if (!o) return unexpected{o.error()};
  auto p = get_string(*o, "priority");
  if (!p || p->empty()) return unexpected{std::string("priority missing")};
  return std::move(*p);
}

expected<std::string, std::string> render_draft_note(std::string_view text,
                                                     double low_confidence_below) {
  auto parsed = parse_object(text);
  if (!parsed) return unexpected{parsed.error()};
  const json::object& o = *parsed;
  auto draft = get_string(o, "draft");
  if (!draft) {
    if (o.contains("draft")) return unexpected{std::string("draft is not a string")};
    const auto v = get_int(o, "draft_version").value_or(0);
    return "**AI DRAFT** v" + std::to_string(v) + " is waiting in the frontdesk review queue.";
  }
  domain::private_note_input in;
  in.draft = std::move(*draft);
  in.confidence = get_number(o, "confidence").value_or(0.0);
  if (!std::isfinite(in.confidence)) in.confidence = 0.0;
  if (const json::value* s = o.if_contains("sources"); s && s->is_array()) {
    for (const auto& e : s->as_array()) {
      if (!e.is_object()) continue;
      const json::object& so = e.as_object();
      domain::private_note_source src;
      src.article_id = get_string(so, "id").value_or("");
      src.title = get_string(so, "title").value_or("");
      src.version = static_cast<int>(std::clamp<std::int64_t>(get_int(so, "version").value_or(1), 0,
                                                              std::numeric_limits<int>::max()));
      src.relevance = get_number(so, "relevance").value_or(0.0);
      in.sources.push_back(std::move(src));
    }
  }
  in.tags = strings_of(o.if_contains("tags"));
  if (const json::value* s = o.if_contains("sentiment"); s && s->is_object()) {
    in.sentiment = get_string(s->as_object(), "label").value_or("");
    in.urgency = get_string(s->as_object(), "urgency").value_or("");
  }
  in.recommended_action = get_string(o, "recommended_action").value_or("");
  in.low_confidence_below = low_confidence_below;
  for (const std::string& f : strings_of(o.if_contains("flags"))) {
    if (f == "urgent") in.urgent = true;
    if (f == "knowledge_unavailable") in.knowledge_unavailable = true;
    if (f == "low_confidence") in.low_confidence_below = std::max(2.0, low_confidence_below);
  }
  const auto ms = get_int(o, "generated_at_ms").value_or(0);
  in.generated_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  if (auto g = get_string(o, "drafter_version"); g && !g->empty()) in.generator = *g;
  return domain::format_private_note(in);
}

std::string describe_handoff_reason(std::string_view reason) {
  if (reason == "low_confidence") return "the AI draft's confidence is below the threshold";
  if (reason == "ai_unavailable") return "the AI could not draft a reply in time";
  if (reason == "ai_disabled") return "AI drafts are switched off";
  if (reason == "operator") return "an operator escalated the conversation";
  if (reason == "rejected") return "an operator rejected the AI draft";
  if (reason == "p0") return "priority P0";
  if (reason == "refund_amount") return "a large refund is requested";
  if (reason == "order_value") return "a high-value order";
  if (reason == "high_anger") return "the customer is very upset";
  if (reason == "low_grade") return "the previous AI reply was graded low";
  if (reason == "unresolved_conversations")
    return "the customer has other unresolved conversations";
  if (reason.starts_with("keyword:"))
    return "the customer wrote \"" + std::string(reason.substr(8)) + "\"";
  if (reason.empty()) return "no reason given";
  return std::string(reason);
}

std::string render_handoff_note(const handoff_payload& h, std::optional<std::int64_t> agent,
                                std::optional<std::int64_t> team) {
  std::string note = "**HANDED TO A HUMAN**: " + describe_handoff_reason(h.reason) + ".\n";
  if (h.low_confidence) note += "**LOW CONFIDENCE**: the AI draft below was not sent.\n";
  if (!h.note.empty()) note += "**Operator's note:** " + h.note + "\n";
  if (!h.category.empty()) note += "**Category:** " + h.category + "\n";
  if (!h.sentiment.empty()) note += "**Sentiment:** " + h.sentiment + "\n";
  if (!h.sources.empty()) {
    note += "**Sources:** ";
    for (std::size_t i = 0; i < h.sources.size(); ++i) note += (i ? ", " : "") + h.sources[i];
    note += "\n";
  }
  if (agent || team) {
    note += "**Assigned to:** ";
    if (agent) note += "agent #" + std::to_string(*agent);
    if (agent && team) note += ", ";
    if (team) note += "team #" + std::to_string(*team);
    note += "\n";
  }
  if (h.draft && !h.draft->empty()) {
    note += "\nAI draft v" + std::to_string(h.draft_version) + " (not sent):\n";
    note += quote_block(*h.draft);
  } else {
    note += "\nNo AI reply was sent: please answer the customer.\n";
  }
  return note;
}

}  // namespace frontdesk::actors
