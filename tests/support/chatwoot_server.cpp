#include "tests/support/chatwoot_server.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <mutex>

namespace frontdesk::test_support {

namespace json = boost::json;

namespace {

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

canned_response json_response(int status, const json::value& v) {
  return canned_response{status, "application/json", json::serialize(v), {}};
}

canned_response error_response(int status, std::string_view message) {
  return json_response(status, json::object{{"error", message}});
}

canned_response not_found() {
  return error_response(404, "Resource could not be found");
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

std::optional<std::int64_t> to_id(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

struct agent_record {
  std::int64_t id;
  std::string name, email, role;
};

struct chatwoot_server::state {
  chatwoot_server_options options;
  mutable std::mutex mutex;
  std::map<std::int64_t, stored_conversation> conversations;
  std::map<std::int64_t, agent_record> agents;
  std::map<std::int64_t, std::string> teams;
  std::int64_t next_conversation = 311;
  std::int64_t next_message = 4500;

  stored_message& add_message_locked(stored_conversation& c, std::string content, int type,
                                     bool is_private, std::string sender_type,
                                     std::int64_t sender_id) {
    stored_message m;
    m.id = next_message++;
    m.conversation_id = c.id;
    m.content = std::move(content);
    m.message_type = type;
    m.is_private = is_private;
    m.created_at = now_seconds();
    m.sender_type = std::move(sender_type);
    m.sender_id = sender_id;
    c.messages.push_back(std::move(m));
    return c.messages.back();
  }

  json::object contact_json(const stored_conversation& c) const {
    return json::object{{"additional_attributes", json::object{}},
                        {"custom_attributes", json::object{}},
                        {"email", c.contact_email},
                        {"id", c.contact_id},
                        {"identifier", nullptr},
                        {"name", c.contact_name},
                        {"phone_number", nullptr},
                        {"thumbnail", ""},
                        {"type", "contact"}};
  }

  json::object agent_json(const agent_record& a) const {
    return json::object{{"id", a.id},        {"name", a.name}, {"available_name", a.name},
                        {"email", a.email},  {"role", a.role}, {"availability_status", "online"},
                        {"confirmed", true}, {"thumbnail", ""}};
  }

  json::object message_json(const stored_conversation& c, const stored_message& m) const {
    json::object sender;
    if (m.sender_type == "Contact") {
      sender = contact_json(c);
    } else {
      auto it = agents.find(m.sender_id);
      sender = json::object{{"id", m.sender_id},
                            {"name", it == agents.end() ? "Agent" : it->second.name},
                            {"type", "user"}};
    }
    return json::object{{"id", m.id},
                        {"content", m.content},
                        {"account_id", options.account_id},
                        {"inbox_id", c.inbox_id},
                        {"conversation_id", c.id},
                        {"message_type", m.message_type},
                        {"created_at", m.created_at},
                        {"private", m.is_private},
                        {"status", "sent"},
                        {"source_id", nullptr},
                        {"content_type", "text"},
                        {"content_attributes", json::object{}},
                        {"sender_type", m.sender_type},
                        {"sender_id", m.sender_id},
                        {"external_source_ids", json::object{}},
                        {"additional_attributes", json::object{}},
                        {"processed_message_content", m.content},
                        {"sender", std::move(sender)}};
  }

  json::object conversation_json(const stored_conversation& c) const {
    json::array labels;
    for (const auto& l : c.labels) labels.emplace_back(l);
    json::value assignee = nullptr;
    if (c.assignee_id) {
      if (auto it = agents.find(*c.assignee_id); it != agents.end())
        assignee = agent_json(it->second);
    }
    json::value team = nullptr;
    if (c.team_id) {
      if (auto it = teams.find(*c.team_id); it != teams.end()) {
        team = json::object{{"id", it->first}, {"name", it->second}};
      }
    }
    json::array last;
    std::int64_t last_activity = 0;
    for (auto it = c.messages.rbegin(); it != c.messages.rend(); ++it) {
      if (last_activity == 0) last_activity = it->created_at;
      if (!it->is_private && last.empty()) last.push_back(message_json(c, *it));
    }
    json::value custom = json::parse(c.custom_attributes_json);
    return json::object{{"additional_attributes", json::object{}},
                        {"can_reply", true},
                        {"channel", c.channel},
                        {"contact_inbox", json::object{{"contact_id", c.contact_id},
                                                       {"inbox_id", c.inbox_id},
                                                       {"source_id", c.contact_email}}},
                        {"id", c.id},
                        {"inbox_id", c.inbox_id},
                        {"messages", std::move(last)},
                        {"labels", std::move(labels)},
                        {"meta", json::object{{"sender", contact_json(c)},
                                              {"assignee", std::move(assignee)},
                                              {"team", std::move(team)},
                                              {"hmac_verified", false}}},
                        {"status", c.status},
                        {"custom_attributes", std::move(custom)},
                        {"unread_count", 0},
                        {"priority", c.priority ? json::value(*c.priority) : json::value(nullptr)},
                        {"last_activity_at", last_activity},
                        {"timestamp", last_activity},
                        {"created_at", last_activity}};
  }

  canned_response route(const recorded_request& req);
  canned_response conversation_route(const recorded_request& req, stored_conversation& c,
                                     const std::string& action);
};

canned_response chatwoot_server::state::route(const recorded_request& req) {
  std::lock_guard lock(mutex);
  const auto parts = split_path(req.path);
  if (req.method == "GET" && parts.size() == 1 && parts[0] == "health") {
    return json_response(200, json::object{{"status", "woot"}});
  }
  if (req.method == "GET" && parts.size() == 1 && parts[0] == "api") {
    return json_response(200, json::object{{"version", "4.1.0"},
                                           {"timestamp", now_seconds()},
                                           {"queue_services", "ok"},
                                           {"data_services", "ok"}});
  }
  if (parts.size() < 4 || parts[0] != "api" || parts[1] != "v1" || parts[2] != "accounts") {
    return not_found();
  }
  const auto token = req.header("api_access_token");
  if (!token || *token != options.api_token || to_id(parts[3]) != options.account_id) {
    return error_response(401, "Invalid Access Token");
  }
  if (parts.size() == 5 && parts[4] == "agents" && req.method == "GET") {
    json::array out;
    for (const auto& [id, a] : agents) out.push_back(agent_json(a));
    return json_response(200, out);
  }
  if (parts.size() == 5 && parts[4] == "conversations" && req.method == "GET") {
    const auto st = req.query.count("status") ? req.query.at("status") : std::string("open");
    std::int64_t page = 1;
    if (req.query.count("page"))
      page = std::max<std::int64_t>(1, to_id(req.query.at("page")).value_or(1));
    std::vector<const stored_conversation*> matching;
    for (const auto& [id, c] : conversations) {
      if (st == "all" || c.status == st) matching.push_back(&c);
    }
    json::array payload;
    const auto size = static_cast<std::int64_t>(options.conversations_page_size);
    for (std::int64_t i = (page - 1) * size;
         i < std::min<std::int64_t>(page * size, static_cast<std::int64_t>(matching.size())); ++i) {
      payload.push_back(conversation_json(*matching[static_cast<std::size_t>(i)]));
    }
    std::int64_t unassigned = 0;
    for (auto* c : matching) unassigned += c->assignee_id ? 0 : 1;
    json::object meta{{"mine_count", 0},
                      {"assigned_count", static_cast<std::int64_t>(matching.size()) - unassigned},
                      {"unassigned_count", unassigned},
                      {"all_count", static_cast<std::int64_t>(matching.size())}};
    return json_response(200,
                         json::object{{"data", json::object{{"meta", std::move(meta)},
                                                            {"payload", std::move(payload)}}}});
  }
  if (parts.size() >= 6 && parts[4] == "conversations") {
    auto id = to_id(parts[5]);
    if (!id) return not_found();
    auto it = conversations.find(*id);
    if (it == conversations.end()) return not_found();
    if (parts.size() == 6) {
      if (req.method != "GET") return not_found();
      return json_response(200, conversation_json(it->second));
    }
    if (parts.size() == 7) return conversation_route(req, it->second, parts[6]);
  }
  return not_found();
}

canned_response chatwoot_server::state::conversation_route(const recorded_request& req,
                                                           stored_conversation& c,
                                                           const std::string& action) {
  json::value body;
  if (req.method == "POST") {
    boost::system::error_code ec;
    body = json::parse(req.body, ec);
    if (ec || !body.is_object()) return error_response(400, "Invalid JSON body");
  }
  const json::object* obj = body.if_object();
  if (action == "messages" && req.method == "GET") {
    std::optional<std::int64_t> before;
    if (req.query.count("before")) before = to_id(req.query.at("before"));
    std::vector<const stored_message*> older;
    for (const auto& m : c.messages) {
      if (!before || m.id < *before) older.push_back(&m);
    }
    const auto n = std::min(older.size(), options.messages_page_size);
    json::array payload;
    for (std::size_t i = older.size() - n; i < older.size(); ++i) {
      payload.push_back(message_json(c, *older[i]));
    }
    json::object meta{{"labels", json::array{}},
                      {"additional_attributes", json::object{}},
                      {"contact", contact_json(c)},
                      {"assignee", nullptr}};
    return json_response(200,
                         json::object{{"meta", std::move(meta)}, {"payload", std::move(payload)}});
  }
  if (action == "labels" && req.method == "GET") {
    json::array out;
    for (const auto& l : c.labels) out.emplace_back(l);
    return json_response(200, json::object{{"payload", std::move(out)}});
  }
  if (req.method != "POST") return not_found();
  if (action == "messages") {
    const auto* content = obj->if_contains("content");
    if (!content || !content->is_string() || content->as_string().empty()) {
      return json_response(422, json::object{{"message", "Content can't be blank"},
                                             {"attributes", json::array{"content"}}});
    }
    if (content->as_string().size() > 150000) {
      return json_response(
          422, json::object{{"message", "Content is too long (maximum is 150000 characters)"},
                            {"attributes", json::array{"content"}}});
    }
    int type = 1;
    if (const auto* mt = obj->if_contains("message_type"); mt && mt->is_string()) {
      if (mt->as_string() == "incoming") {
        type = 0;
      } else if (mt->as_string() != "outgoing") {
        return error_response(422, "message_type is not valid");
      }
    }
    bool is_private = false;
    if (const auto* p = obj->if_contains("private"); p && p->is_bool()) is_private = p->as_bool();
    auto& m = add_message_locked(c, std::string(content->as_string()), type, is_private,
                                 type == 0 ? "Contact" : "User", type == 0 ? c.contact_id : 1);
    return json_response(200, message_json(c, m));
  }
  if (action == "assignments") {
    if (const auto* a = obj->if_contains("assignee_id"); a && a->is_int64()) {
      auto it = agents.find(a->as_int64());
      if (it == agents.end()) return not_found();
      c.assignee_id = it->first;
      return json_response(200, agent_json(it->second));
    }
    if (const auto* t = obj->if_contains("team_id"); t && t->is_int64()) {
      auto it = teams.find(t->as_int64());
      if (it == teams.end()) return not_found();
      c.team_id = it->first;
      return json_response(200, json::object{{"id", it->first},
                                             {"name", it->second},
                                             {"description", ""},
                                             {"allow_auto_assign", true},
                                             {"account_id", options.account_id},
                                             {"is_member", false}});
    }
    return error_response(422, "assignee_id or team_id required");
  }
  if (action == "labels") {
    const auto* l = obj->if_contains("labels");
    if (!l || !l->is_array()) return error_response(422, "labels must be an array");
    std::vector<std::string> labels;
    for (const auto& v : l->as_array()) {
      if (!v.is_string()) return error_response(422, "labels must be strings");
      std::string s(v.as_string());
      if (std::find(labels.begin(), labels.end(), s) == labels.end()) labels.push_back(s);
    }
    c.labels = labels;
    json::array out;
    for (const auto& s : labels) out.emplace_back(s);
    return json_response(200, json::object{{"payload", std::move(out)}});
  }
  if (action == "toggle_status") {
    std::string next;
    if (const auto* s = obj->if_contains("status"); s && s->is_string()) {
      next = std::string(s->as_string());
    } else {
      next = c.status == "open" ? "resolved" : "open";
    }
    if (next != "open" && next != "resolved" && next != "pending" && next != "snoozed") {
      return error_response(422, "Invalid status");
    }
    c.status = next;
    return json_response(200, json::object{{"meta", json::object{}},
                                           {"payload", json::object{{"success", true},
                                                                    {"current_status", next},
                                                                    {"conversation_id", c.id}}}});
  }
  if (action == "toggle_priority") {
    const auto* p = obj->if_contains("priority");
    if (!p) return error_response(422, "priority required");
    if (p->is_null()) {
      c.priority.reset();
    } else if (p->is_string() && (p->as_string() == "low" || p->as_string() == "medium" ||
                                  p->as_string() == "high" || p->as_string() == "urgent")) {
      c.priority = std::string(p->as_string());
    } else {
      return error_response(422, "Invalid priority");
    }
    return canned_response{200, "", "", {}};
  }
  if (action == "custom_attributes") {
    const auto* ca = obj->if_contains("custom_attributes");
    if (!ca || !ca->is_object()) return error_response(422, "custom_attributes must be an object");
    c.custom_attributes_json = json::serialize(*ca);
    return json_response(200, json::object{{"custom_attributes", *ca}});
  }
  return not_found();
}

chatwoot_server::chatwoot_server(chatwoot_server_options options)
    : state_(std::make_shared<state>()) {
  state_->options = options;
  state_->next_message = options.first_message_id;
  state_->agents[1] =
      agent_record{1, "Frontdesk Bot User", "frontdesk@acme.example", "administrator"};
  state_->agents[12] = agent_record{12, "Sam Agent", "sam@acme.example", "agent"};
  state_->teams[3] = "Support";
  if (options.tls) identity_ = make_self_signed_identity();
  auto st = state_;
  server_ = std::make_unique<test_http_server>(
      [st](const recorded_request& r) { return st->route(r); }, identity_);
}

chatwoot_server::~chatwoot_server() {
  stop();
}

void chatwoot_server::start() {
  server_->start();
}
void chatwoot_server::stop() {
  server_->stop();
}
std::uint16_t chatwoot_server::port() const {
  return server_->port();
}
std::string chatwoot_server::base_url() const {
  return server_->base_url();
}

io::chatwoot_endpoint chatwoot_server::endpoint() const {
  io::chatwoot_endpoint ep;
  ep.base_url = base_url();
  ep.account_id = state_->options.account_id;
  ep.api_token = state_->options.api_token;
  return ep;
}

std::string chatwoot_server::certificate_pem() const {
  return identity_ ? identity_->cert_pem : std::string{};
}

std::int64_t chatwoot_server::add_conversation(const std::string& status,
                                               const std::string& channel) {
  std::lock_guard lock(state_->mutex);
  stored_conversation c;
  c.id = state_->next_conversation++;
  c.status = status;
  c.channel = channel;
  state_->conversations[c.id] = c;
  return c.id;
}

std::int64_t chatwoot_server::add_customer_message(std::int64_t conversation,
                                                   const std::string& content) {
  std::lock_guard lock(state_->mutex);
  auto it = state_->conversations.find(conversation);
  if (it == state_->conversations.end()) return 0;
  return state_->add_message_locked(it->second, content, 0, false, "Contact", it->second.contact_id)
      .id;
}

std::int64_t chatwoot_server::add_agent_reply(std::int64_t conversation, const std::string& content,
                                              std::int64_t agent_id) {
  std::lock_guard lock(state_->mutex);
  auto it = state_->conversations.find(conversation);
  if (it == state_->conversations.end()) return 0;
  return state_->add_message_locked(it->second, content, 1, false, "User", agent_id).id;
}

void chatwoot_server::add_agent(std::int64_t id, const std::string& name, const std::string& email,
                                const std::string& role) {
  std::lock_guard lock(state_->mutex);
  state_->agents[id] = agent_record{id, name, email, role};
}

void chatwoot_server::add_team(std::int64_t id, const std::string& name) {
  std::lock_guard lock(state_->mutex);
  state_->teams[id] = name;
}

std::optional<stored_conversation> chatwoot_server::conversation(std::int64_t id) const {
  std::lock_guard lock(state_->mutex);
  auto it = state_->conversations.find(id);
  if (it == state_->conversations.end()) return std::nullopt;
  return it->second;
}

std::vector<stored_message> chatwoot_server::messages(std::int64_t conversation) const {
  auto c = this->conversation(conversation);
  return c ? c->messages : std::vector<stored_message>{};
}

std::vector<std::string> chatwoot_server::public_replies(std::int64_t conversation) const {
  std::vector<std::string> out;
  for (const auto& m : messages(conversation)) {
    if (m.message_type == 1 && !m.is_private) out.push_back(m.content);
  }
  return out;
}

std::vector<std::string> chatwoot_server::private_notes(std::int64_t conversation) const {
  std::vector<std::string> out;
  for (const auto& m : messages(conversation)) {
    if (m.is_private) out.push_back(m.content);
  }
  return out;
}

void chatwoot_server::inject(fault f) {
  server_->inject(std::move(f));
}
std::vector<recorded_request> chatwoot_server::requests() const {
  return server_->requests();
}
void chatwoot_server::clear_requests() {
  server_->clear_requests();
}
std::size_t chatwoot_server::accepted_connections() const {
  return server_->accepted_connections();
}

}  // namespace frontdesk::test_support
