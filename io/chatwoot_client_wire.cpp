#include "io/chatwoot_client_wire.hpp"

#include <simdjson.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>

#include "domain/retry_after.hpp"
#include "io/url.hpp"

namespace frontdesk::io {

namespace dom = simdjson::dom;

std::string_view to_string(chatwoot_error_kind k) noexcept {
  switch (k) {
    case chatwoot_error_kind::transport:
      return "transport";
    case chatwoot_error_kind::unauthorized:
      return "unauthorized";
    case chatwoot_error_kind::not_found:
      return "not_found";
    case chatwoot_error_kind::unprocessable:
      return "unprocessable";
    case chatwoot_error_kind::rate_limited:
      return "rate_limited";
    case chatwoot_error_kind::server_error:
      return "server_error";
    case chatwoot_error_kind::client_error:
      return "client_error";
    case chatwoot_error_kind::invalid_response:
      return "invalid_response";
    case chatwoot_error_kind::invalid_argument:
      return "invalid_argument";
  }
  return "transport";
}

domain::call_outcome chatwoot_error::outcome() const {
  domain::call_outcome o;
  o.ambiguous = ambiguous;
  if (kind == chatwoot_error_kind::transport || kind == chatwoot_error_kind::invalid_response) {
    o.transport_failure = true;
  } else if (kind == chatwoot_error_kind::invalid_argument) {
    o.status = 400;
  } else {
    o.status = status;
  }
  if (retry_after)
    o.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after);
  return o;
}

namespace {

std::string account_url(const chatwoot_endpoint& ep, std::string_view rest) {
  return join_url(ep.base_url,
                  "/api/v1/accounts/" + std::to_string(ep.account_id) + std::string(rest));
}

std::string conv_url(const chatwoot_endpoint& ep, std::int64_t conv, std::string_view rest) {
  return account_url(ep, "/conversations/" + std::to_string(conv) + std::string(rest));
}

client_request make(const chatwoot_endpoint& ep, http_method m, std::string url,
                    std::string body = {}) {
  client_request r;
  r.method = m;
  r.url = std::move(url);
  r.headers.emplace_back("api_access_token", ep.api_token);
  r.headers.emplace_back("Accept", "application/json");
  if (m != http_method::get) r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  r.timeout = ep.timeout;
  return r;
}

chatwoot_error invalid(const http_result& res, std::string why) {
  chatwoot_error e;
  e.kind = chatwoot_error_kind::invalid_response;
  e.status = res.status;
  e.message = std::move(why);
  return e;
}

bool is_2xx(int s) {
  return s >= 200 && s < 300;
}

// ---- small simdjson accessors ----
std::optional<dom::element> field(dom::element obj, std::string_view key) {
  if (!obj.is_object()) return std::nullopt;
  dom::element v;
  if (obj.at_key(key).get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

// Callers check is_array() first; a non-array yields an empty array.
dom::array array_of(dom::element v) {
  dom::array a;
  if (v.get_array().get(a) != simdjson::SUCCESS) return {};
  return a;
}

std::optional<std::int64_t> as_int(dom::element v) {
  std::int64_t i = 0;
  if (v.get_int64().get(i) == simdjson::SUCCESS) return i;
  double d = 0;
  if (v.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d) && d > -9.0e18 && d < 9.0e18) {
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::optional<std::int64_t> int_field(dom::element obj, std::string_view key) {
  auto v = field(obj, key);
  return v ? as_int(*v) : std::nullopt;
}

std::optional<std::string> string_field(dom::element obj, std::string_view key) {
  auto v = field(obj, key);
  std::string_view s;
  if (!v || v->get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return std::string(s);
}

std::optional<bool> bool_field(dom::element obj, std::string_view key) {
  auto v = field(obj, key);
  bool b = false;
  if (!v || v->get_bool().get(b) != simdjson::SUCCESS) return std::nullopt;
  return b;
}

// "2026-05-06T10:16:32.000Z" -> epoch seconds (UTC designator or none; offsets ignored).
std::optional<std::int64_t> parse_iso8601(std::string_view s) {
  if (s.size() < 19) return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
       se = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' || *mo < 1 || *mo > 12 ||
      *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *se > 60) {
    return std::nullopt;
  }
  std::int64_t yy = *y - (*mo <= 2 ? 1 : 0);
  const std::int64_t era = yy / 400;
  const auto yoe = static_cast<unsigned>(yy - era * 400);
  const auto m = static_cast<unsigned>(*mo);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(*d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return days * 86400 + *h * 3600 + *mi * 60 + *se;
}

cw_result<cw_message> message_from(dom::element m) {
  chatwoot_error bad;
  bad.kind = chatwoot_error_kind::invalid_response;
  if (!m.is_object()) return bad.message = "message is not an object", frontdesk::unexpected{bad};
  cw_message out;
  auto id = int_field(m, "id");
  if (!id) return bad.message = "message without id", frontdesk::unexpected{bad};
  out.id = *id;
  out.conversation_id = int_field(m, "conversation_id").value_or(0);
  if (auto c = field(m, "content"); c && c->is_string()) {
    out.content = std::string(c->get_string().value_unsafe());
  } else {
    out.content_null = true;
  }
  auto mt = field(m, "message_type");
  if (!mt) return bad.message = "message without message_type", frontdesk::unexpected{bad};
  if (auto n = as_int(*mt)) {
    if (*n < 0 || *n > 3) return bad.message = "unknown message_type", frontdesk::unexpected{bad};
    out.message_type = static_cast<cw_message_type>(*n);
  } else if (mt->is_string()) {
    const auto s = mt->get_string().value_unsafe();
    if (s == "incoming") {
      out.message_type = cw_message_type::incoming;
    } else if (s == "outgoing") {
      out.message_type = cw_message_type::outgoing;
    } else if (s == "activity") {
      out.message_type = cw_message_type::activity;
    } else if (s == "template") {
      out.message_type = cw_message_type::templated;
    } else {
      return bad.message = "unknown message_type", frontdesk::unexpected{bad};
    }
  } else {
    return bad.message = "message_type of wrong type", frontdesk::unexpected{bad};
  }
  out.is_private = bool_field(m, "private").value_or(false);
  if (auto c = field(m, "created_at")) {
    if (auto n = as_int(*c)) {
      out.created_at = *n;
    } else if (c->is_string()) {
      out.created_at = parse_iso8601(c->get_string().value_unsafe()).value_or(0);
    }
  }
  out.content_type = string_field(m, "content_type").value_or("text");
  out.sender_type = string_field(m, "sender_type").value_or("");
  out.sender_id = int_field(m, "sender_id");
  if (!out.sender_id) {
    if (auto s = field(m, "sender")) out.sender_id = int_field(*s, "id");
  }
  out.status = string_field(m, "status").value_or("");
  out.source_id = string_field(m, "source_id");
  return out;
}

cw_result<cw_conversation> conversation_from(dom::element c) {
  chatwoot_error bad;
  bad.kind = chatwoot_error_kind::invalid_response;
  auto id = int_field(c, "id");
  if (!id) return bad.message = "conversation without id", frontdesk::unexpected{bad};
  cw_conversation out;
  out.id = *id;
  out.inbox_id = int_field(c, "inbox_id").value_or(0);
  out.channel = string_field(c, "channel").value_or("");
  out.status = string_field(c, "status").value_or("");
  out.priority = string_field(c, "priority");
  if (auto labels = field(c, "labels"); labels && labels->is_array()) {
    for (auto l : array_of(*labels)) {
      std::string_view s;
      if (l.get_string().get(s) == simdjson::SUCCESS) out.labels.emplace_back(s);
    }
  }
  if (auto meta = field(c, "meta")) {
    if (auto a = field(*meta, "assignee")) out.assignee_id = int_field(*a, "id");
    if (auto t = field(*meta, "team")) out.team_id = int_field(*t, "id");
    if (auto s = field(*meta, "sender")) {
      out.contact.id = int_field(*s, "id").value_or(0);
      out.contact.name = string_field(*s, "name").value_or("");
      out.contact.email = string_field(*s, "email").value_or("");
      out.contact.phone_number = string_field(*s, "phone_number").value_or("");
    }
  }
  if (auto ca = field(c, "custom_attributes"); ca && ca->is_object()) {
    out.custom_attributes_json = simdjson::minify(*ca);
  }
  out.last_activity_at = int_field(c, "last_activity_at").value_or(0);
  out.unread_count = int_field(c, "unread_count").value_or(0);
  if (auto msgs = field(c, "messages"); msgs && msgs->is_array()) {
    for (auto m : array_of(*msgs)) {
      auto parsed = message_from(m);
      if (parsed) out.last_message = std::move(*parsed);
    }
  }
  return out;
}

// Runs `f(root)` on a 2xx JSON body; maps everything else to an error.
template <class T, class F>
cw_result<T> with_json(const http_result& res, F&& f) {
  if (!is_2xx(res.status)) return frontdesk::unexpected{map_error_response(res)};
  dom::parser parser;
  dom::element root;
  if (parser.parse(res.body).get(root) != simdjson::SUCCESS) {
    return frontdesk::unexpected{invalid(res, "response body is not valid JSON")};
  }
  cw_result<T> out = f(root);
  if (!out) {
    auto e = out.error();
    e.status = res.status;
    if (e.message.empty()) e.message = "unexpected response shape";
    return frontdesk::unexpected{e};
  }
  return out;
}

chatwoot_error shape_error(std::string why) {
  chatwoot_error e;
  e.kind = chatwoot_error_kind::invalid_response;
  e.message = std::move(why);
  return e;
}

}  // namespace

// ---- builders ----

client_request build_create_message(const chatwoot_endpoint& ep, std::int64_t conversation,
                                    std::string_view content, bool private_note) {
  boost::json::object body;
  body["content"] = content;
  body["message_type"] = "outgoing";
  body["private"] = private_note;
  body["content_type"] = "text";
  return make(ep, http_method::post, conv_url(ep, conversation, "/messages"),
              boost::json::serialize(body));
}

client_request build_list_messages(const chatwoot_endpoint& ep, std::int64_t conversation,
                                   std::optional<std::int64_t> before) {
  std::string rest = "/messages";
  if (before) rest += "?before=" + std::to_string(*before);
  return make(ep, http_method::get, conv_url(ep, conversation, rest));
}

client_request build_get_conversation(const chatwoot_endpoint& ep, std::int64_t conversation) {
  return make(ep, http_method::get, conv_url(ep, conversation, ""));
}

client_request build_list_conversations(const chatwoot_endpoint& ep, std::string_view status,
                                        std::string_view assignee_type, int page) {
  std::string rest = "/conversations?status=" + url_encode_component(status) +
                     "&assignee_type=" + url_encode_component(assignee_type) +
                     "&page=" + std::to_string(std::max(1, page));
  return make(ep, http_method::get, account_url(ep, rest));
}

client_request build_assign_agent(const chatwoot_endpoint& ep, std::int64_t conversation,
                                  std::int64_t agent_id) {
  boost::json::object body;
  body["assignee_id"] = agent_id;
  return make(ep, http_method::post, conv_url(ep, conversation, "/assignments"),
              boost::json::serialize(body));
}

client_request build_assign_team(const chatwoot_endpoint& ep, std::int64_t conversation,
                                 std::int64_t team_id) {
  boost::json::object body;
  body["team_id"] = team_id;
  return make(ep, http_method::post, conv_url(ep, conversation, "/assignments"),
              boost::json::serialize(body));
}

client_request build_get_labels(const chatwoot_endpoint& ep, std::int64_t conversation) {
  return make(ep, http_method::get, conv_url(ep, conversation, "/labels"));
}

client_request build_set_labels(const chatwoot_endpoint& ep, std::int64_t conversation,
                                const std::vector<std::string>& labels) {
  boost::json::array arr;
  for (const auto& l : labels) arr.emplace_back(l);
  boost::json::object body;
  body["labels"] = std::move(arr);
  return make(ep, http_method::post, conv_url(ep, conversation, "/labels"),
              boost::json::serialize(body));
}

client_request build_toggle_status(const chatwoot_endpoint& ep, std::int64_t conversation,
                                   std::string_view status) {
  boost::json::object body;
  body["status"] = status;
  return make(ep, http_method::post, conv_url(ep, conversation, "/toggle_status"),
              boost::json::serialize(body));
}

client_request build_toggle_priority(const chatwoot_endpoint& ep, std::int64_t conversation,
                                     std::optional<std::string_view> priority) {
  boost::json::object body;
  if (priority) {
    body["priority"] = *priority;
  } else {
    body["priority"] = nullptr;
  }
  return make(ep, http_method::post, conv_url(ep, conversation, "/toggle_priority"),
              boost::json::serialize(body));
}

cw_result<client_request> build_set_custom_attributes(const chatwoot_endpoint& ep,
                                                      std::int64_t conversation,
                                                      std::string_view attributes_json) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(attributes_json, ec);
  if (ec || !parsed.is_object()) {
    chatwoot_error e;
    e.kind = chatwoot_error_kind::invalid_argument;
    e.message = "custom attributes must be a JSON object";
    return frontdesk::unexpected{e};
  }
  boost::json::object body;
  body["custom_attributes"] = std::move(parsed);
  return make(ep, http_method::post, conv_url(ep, conversation, "/custom_attributes"),
              boost::json::serialize(body));
}

client_request build_list_agents(const chatwoot_endpoint& ep) {
  return make(ep, http_method::get, account_url(ep, "/agents"));
}

client_request build_health(const chatwoot_endpoint& ep) {
  auto r = make(ep, http_method::get, join_url(ep.base_url, "/health"));
  r.headers.erase(r.headers.begin());  // no token needed (or wanted) outside the API
  return r;
}

// ---- error mapping ----

chatwoot_error map_transport_error(const client_error& err) {
  chatwoot_error e;
  e.kind = chatwoot_error_kind::transport;
  e.transport = err.kind;
  e.ambiguous = err.ambiguous;
  e.message = err.message;
  return e;
}

chatwoot_error map_error_response(const http_result& res) {
  chatwoot_error e;
  e.status = res.status;
  const int s = res.status;
  if (s == 401) {
    e.kind = chatwoot_error_kind::unauthorized;
  } else if (s == 404) {
    e.kind = chatwoot_error_kind::not_found;
  } else if (s == 422) {
    e.kind = chatwoot_error_kind::unprocessable;
  } else if (s == 429) {
    e.kind = chatwoot_error_kind::rate_limited;
  } else if (s >= 500 && s <= 599) {
    e.kind = chatwoot_error_kind::server_error;
  } else if (s >= 400 && s <= 499) {
    e.kind = chatwoot_error_kind::client_error;
  } else {
    e.kind = chatwoot_error_kind::invalid_response;
  }
  if (s == 429 || s == 503) {
    if (auto ra = res.header("Retry-After")) {
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      e.retry_after = domain::parse_retry_after(*ra, now);
    }
  }
  dom::parser parser;
  dom::element root;
  if (parser.parse(res.body).get(root) == simdjson::SUCCESS && root.is_object()) {
    if (auto m = string_field(root, "error")) {
      e.message = *m;
    } else if (auto msg = string_field(root, "message")) {
      e.message = *msg;
      if (auto attrs = field(root, "attributes"); attrs && attrs->is_array()) {
        std::string list;
        for (auto a : array_of(*attrs)) {
          std::string_view sv;
          if (a.get_string().get(sv) != simdjson::SUCCESS) continue;
          if (!list.empty()) list += ", ";
          list += sv;
        }
        if (!list.empty()) e.message += " (attributes: " + list + ")";
      }
    }
  }
  if (e.message.empty()) {
    e.message = res.body.substr(0, 300);
    if (e.message.empty()) e.message = "HTTP " + std::to_string(s);
  }
  return e;
}

// ---- parsers ----

cw_result<cw_message> parse_message_json(std::string_view json) {
  dom::parser parser;
  dom::element root;
  if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS) {
    return frontdesk::unexpected{shape_error("message is not valid JSON")};
  }
  return message_from(root);
}

cw_result<cw_message> parse_message_response(const http_result& res) {
  return with_json<cw_message>(res, [](dom::element root) { return message_from(root); });
}

cw_result<cw_message_page> parse_messages_response(const http_result& res) {
  return with_json<cw_message_page>(res, [](dom::element root) -> cw_result<cw_message_page> {
    auto payload = field(root, "payload");
    if (!payload || !payload->is_array()) {
      return frontdesk::unexpected{shape_error("messages: payload is not an array")};
    }
    cw_message_page page;
    for (auto m : array_of(*payload)) {
      auto msg = message_from(m);
      if (!msg) return frontdesk::unexpected{msg.error()};
      page.messages.push_back(std::move(*msg));
    }
    std::sort(page.messages.begin(), page.messages.end(),
              [](const cw_message& a, const cw_message& b) { return a.id < b.id; });
    return page;
  });
}

cw_result<cw_conversation> parse_conversation_response(const http_result& res) {
  return with_json<cw_conversation>(res, [](dom::element root) { return conversation_from(root); });
}

cw_result<cw_conversation_page> parse_conversations_response(const http_result& res) {
  return with_json<cw_conversation_page>(
      res, [](dom::element root) -> cw_result<cw_conversation_page> {
        auto data = field(root, "data");
        auto payload = data ? field(*data, "payload") : std::nullopt;
        if (!payload || !payload->is_array()) {
          return frontdesk::unexpected{shape_error("conversations: data.payload is not an array")};
        }
        cw_conversation_page page;
        for (auto c : array_of(*payload)) {
          auto conv = conversation_from(c);
          if (!conv) return frontdesk::unexpected{conv.error()};
          page.conversations.push_back(std::move(*conv));
        }
        if (auto meta = field(*data, "meta"))
          page.all_count = int_field(*meta, "all_count").value_or(0);
        return page;
      });
}

cw_result<cw_assignee> parse_assignment_response(const http_result& res) {
  return with_json<cw_assignee>(res, [](dom::element root) -> cw_result<cw_assignee> {
    auto id = int_field(root, "id");
    if (!id) return frontdesk::unexpected{shape_error("assignment: no id")};
    return cw_assignee{*id, string_field(root, "name").value_or("")};
  });
}

cw_result<std::vector<std::string>> parse_labels_response(const http_result& res) {
  return with_json<std::vector<std::string>>(
      res, [](dom::element root) -> cw_result<std::vector<std::string>> {
        auto payload = field(root, "payload");
        if (!payload || !payload->is_array()) {
          return frontdesk::unexpected{shape_error("labels: payload is not an array")};
        }
        std::vector<std::string> out;
        for (auto l : array_of(*payload)) {
          std::string_view s;
          if (l.get_string().get(s) != simdjson::SUCCESS) {
            return frontdesk::unexpected{shape_error("labels: non-string label")};
          }
          out.emplace_back(s);
        }
        return out;
      });
}

cw_result<cw_status_result> parse_toggle_status_response(const http_result& res) {
  return with_json<cw_status_result>(res, [](dom::element root) -> cw_result<cw_status_result> {
    auto payload = field(root, "payload");
    if (!payload || !payload->is_object()) {
      return frontdesk::unexpected{shape_error("toggle_status: payload is not an object")};
    }
    cw_status_result out;
    out.success = bool_field(*payload, "success").value_or(false);
    auto st = string_field(*payload, "current_status");
    if (!st) return frontdesk::unexpected{shape_error("toggle_status: no current_status")};
    out.current_status = *st;
    out.conversation_id = int_field(*payload, "conversation_id").value_or(0);
    return out;
  });
}

cw_result<bool> parse_empty_response(const http_result& res) {
  if (!is_2xx(res.status)) return frontdesk::unexpected{map_error_response(res)};
  return true;
}

cw_result<std::string> parse_custom_attributes_response(const http_result& res) {
  return with_json<std::string>(res, [](dom::element root) -> cw_result<std::string> {
    auto ca = field(root, "custom_attributes");
    if (!ca || !ca->is_object()) {
      return frontdesk::unexpected{shape_error("custom_attributes is not an object")};
    }
    return simdjson::minify(*ca);
  });
}

cw_result<std::vector<cw_agent>> parse_agents_response(const http_result& res) {
  return with_json<std::vector<cw_agent>>(
      res, [](dom::element root) -> cw_result<std::vector<cw_agent>> {
        if (!root.is_array()) return frontdesk::unexpected{shape_error("agents: not an array")};
        std::vector<cw_agent> out;
        for (auto a : array_of(root)) {
          auto id = int_field(a, "id");
          if (!id) return frontdesk::unexpected{shape_error("agents: agent without id")};
          out.push_back(cw_agent{*id, string_field(a, "name").value_or(""),
                                 string_field(a, "email").value_or(""),
                                 string_field(a, "role").value_or(""),
                                 string_field(a, "availability_status").value_or("")});
        }
        return out;
      });
}

cw_result<std::string> parse_health_response(const http_result& res) {
  return with_json<std::string>(res, [](dom::element root) -> cw_result<std::string> {
    auto s = string_field(root, "status");
    if (!s) return frontdesk::unexpected{shape_error("health: no status")};
    return *s;
  });
}

// ---- helpers ----

std::vector<std::string> union_labels(const std::vector<std::string>& current,
                                      const std::vector<std::string>& add) {
  std::vector<std::string> out;
  auto push = [&](const std::string& l) {
    if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
  };
  for (const auto& l : current) push(l);
  for (const auto& l : add) push(l);
  return out;
}

namespace {
std::string normalize_reply(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  const auto first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = out.find_last_not_of(" \t\r\n");
  return out.substr(first, last - first + 1);
}
}  // namespace

std::optional<std::int64_t> find_reply(const std::vector<cw_message>& messages,
                                       std::string_view reply_text, std::int64_t after_id) {
  const auto wanted = normalize_reply(reply_text);
  if (wanted.empty()) return std::nullopt;
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (it->id <= after_id || it->is_private || it->content_null ||
        it->message_type != cw_message_type::outgoing) {
      continue;
    }
    if (normalize_reply(it->content) == wanted) return it->id;
  }
  return std::nullopt;
}

}  // namespace frontdesk::io
