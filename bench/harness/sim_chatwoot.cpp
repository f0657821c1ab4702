#include "bench/harness/sim_chatwoot.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "bench/harness/dependency_latency.hpp"

namespace frontdesk::bench {
namespace json = boost::json;

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

std::optional<std::int64_t> to_id(std::string_view s) {
  std::int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

sim_response json_answer(int status, const json::value& v) {
  sim_response r;
  r.status = status;
  r.body = json::serialize(v);
  return r;
}

sim_response error_answer(int status, std::string_view message) {
  return json_answer(status, json::object{{"error", message}});
}

struct kept_message {
  std::int64_t id = 0;
  std::string content;
  bool is_private = false;
  std::int64_t created_at = 0;
};

}  // namespace

struct sim_chatwoot::state {
  state(dependency_spec spec, conversation_ledger& l, std::uint64_t seed, std::int64_t account,
        std::string token)
      : latency(spec, seed), ledger(l), account_id(account), api_token(std::move(token)) {}

  dependency_latency latency;
  conversation_ledger& ledger;
  std::int64_t account_id;
  std::string api_token;

  mutable std::mutex mutex;
  std::unordered_map<std::int64_t, std::deque<kept_message>> kept;  // last public replies
  sim_chatwoot_counts counts;

  void count(const std::string& route) {
    std::lock_guard lock(mutex);
    ++counts.calls;
    ++counts.by_route[route];
  }

  json::object message_json(std::int64_t conv, const kept_message& m) const {
    return json::object{
        {"id", m.id},
        {"content", m.content},
        {"account_id", account_id},
        {"inbox_id", 3},
        {"conversation_id", conv},
        {"message_type", 1},
        {"created_at", m.created_at},
        {"private", m.is_private},
        {"status", "sent"},
        {"source_id", nullptr},
        {"content_type", "text"},
        {"content_attributes", json::object{}},
        {"sender_type", "User"},
        {"sender_id", 1},
        {"sender", json::object{{"id", 1}, {"name", "Frontdesk"}, {"type", "user"}}}};
  }

  json::object conversation_json(std::int64_t conv) const {
    const std::int64_t contact = conv;  // the harness gives each conversation its own contact
    return json::object{{"id", conv},
                        {"inbox_id", 3},
                        {"channel", "Channel::WebWidget"},
                        {"status", "open"},
                        {"priority", nullptr},
                        {"labels", json::array{}},
                        {"messages", json::array{}},
                        {"meta", json::object{{"sender", json::object{{"id", contact},
                                                                      {"name", "Load Customer"},
                                                                      {"email", "load@example.com"},
                                                                      {"phone_number", nullptr}}},
                                              {"assignee", nullptr},
                                              {"team", nullptr}}},
                        {"custom_attributes", json::object{}},
                        {"unread_count", 0},
                        {"last_activity_at", unix_now()},
                        {"timestamp", unix_now()}};
  }

  sim_response route(const sim_request& req) {
    const auto parts = split_path(req.path);
    if (req.method == "GET" && parts.size() == 1 && parts[0] == "health") {
      count("GET health");
      return json_answer(200, json::object{{"status", "woot"}});
    }
    if (req.method == "GET" && parts.size() == 1 && parts[0] == "api") {
      count("GET api");
      return json_answer(200, json::object{{"version", "4.1.0"}, {"timestamp", unix_now()}});
    }
    if (parts.size() < 4 || parts[0] != "api" || parts[1] != "v1" || parts[2] != "accounts") {
      count("other");
      return error_answer(404, "Resource could not be found");
    }
    const auto token = req.header("api_access_token");
    if (!token || *token != api_token || to_id(parts[3]) != account_id) {
      std::lock_guard lock(mutex);
      ++counts.unauthorized;
      return error_answer(401, "Invalid Access Token");
    }
    if (parts.size() == 5 && parts[4] == "agents") {
      count(req.method + " agents");
      return json_answer(200, json::array{json::object{{"id", 1},
                                                       {"name", "Frontdesk"},
                                                       {"email", "frontdesk@example.com"},
                                                       {"role", "administrator"},
                                                       {"availability_status", "online"}},
                                          json::object{{"id", 7},
                                                       {"name", "Sam Agent"},
                                                       {"email", "sam@example.com"},
                                                       {"role", "agent"},
                                                       {"availability_status", "online"}}});
    }
    if (parts.size() == 5 && parts[4] == "conversations") {
      // Reconciliation polls: nothing was lost on the Chatwoot side of a load run.
      count(req.method + " conversations");
      return json_answer(
          200, json::object{{"data", json::object{{"meta", json::object{{"all_count", 0}}},
                                                  {"payload", json::array{}}}}});
    }
    if (parts.size() < 6 || parts[4] != "conversations") {
      count("other");
      return error_answer(404, "Resource could not be found");
    }
    const auto conv = to_id(parts[5]);
    if (!conv) return error_answer(404, "Resource could not be found");
    const std::string action = parts.size() == 7 ? std::string(parts[6]) : std::string();
    count(req.method + " " + (action.empty() ? std::string("conversation") : action));

    const auto drawn = latency.next();
    ledger.sim_time(*conv, drawn.delay.count());
    sim_response out = answer(req, *conv, action, drawn.fate);
    out.delay = drawn.delay;
    return out;
  }

  sim_response answer(const sim_request& req, std::int64_t conv, const std::string& action,
                      call_fate fate) {
    if (fate == call_fate::error) {
      std::lock_guard lock(mutex);
      ++counts.injected_errors;
      return error_answer(500, "Internal Server Error");
    }
    if (fate == call_fate::rate_limited) {
      std::lock_guard lock(mutex);
      ++counts.injected_429;
      sim_response r;
      r.status = 429;
      r.content_type = "text/plain";
      r.body = "Retry later\n";
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    if (action.empty()) {
      if (req.method != "GET") return error_answer(404, "Resource could not be found");
      return json_answer(200, conversation_json(conv));
    }
    if (req.method == "GET" && action == "messages") {
      std::optional<std::int64_t> before;
      if (auto b = req.query("before")) before = to_id(*b);
      json::array payload;
      std::lock_guard lock(mutex);
      if (auto it = kept.find(conv); it != kept.end()) {
        for (const auto& m : it->second) {
          if (!before || m.id < *before) payload.push_back(message_json(conv, m));
        }
      }
      return json_answer(200,
                         json::object{{"meta", json::object{}}, {"payload", std::move(payload)}});
    }
    if (req.method == "GET" && action == "labels") {
      return json_answer(200, json::object{{"payload", json::array{}}});
    }
    if (req.method != "POST") return error_answer(404, "Resource could not be found");
    boost::system::error_code ec;
    // The request is read once and dropped: one arena, not an allocation per value.
    json::monotonic_resource arena;
    json::value body = json::parse(req.body, ec, &arena);
    if (ec || !body.is_object()) return error_answer(400, "Invalid JSON body");
    const json::object& obj = body.as_object();
    if (action == "messages") {
      const auto* content = obj.if_contains("content");
      if (!content || !content->is_string() || content->as_string().empty()) {
        return json_answer(422, json::object{{"message", "Content can't be blank"}});
      }
      bool is_private = false;
      if (const auto* p = obj.if_contains("private"); p && p->is_bool()) is_private = p->as_bool();
      kept_message m;
      m.id = ledger.allocate_message_id();
      m.content = std::string(content->as_string());
      m.is_private = is_private;
      m.created_at = unix_now();
      const std::int64_t now = mono_ns();
      if (is_private) {
        ledger.note_received(conv, now);
        std::lock_guard lock(mutex);
        ++counts.private_notes;
      } else {
        ledger.reply_received(conv, now);
        std::lock_guard lock(mutex);
        ++counts.public_replies;
        auto& q = kept[conv];
        q.push_back(m);
        if (q.size() > 20) q.pop_front();
      }
      json::object answer_body = message_json(conv, m);
      if (is_private) answer_body["content"] = "";  // notes are long; the id is what matters
      return json_answer(200, answer_body);
    }
    if (action == "assignments") {
      if (const auto* t = obj.if_contains("team_id")) {
        return json_answer(
            200, json::object{{"id", t->is_int64() ? t->as_int64() : 1}, {"name", "Support"}});
      }
      std::int64_t agent = 7;
      if (const auto* a = obj.if_contains("assignee_id"); a && a->is_int64()) agent = a->as_int64();
      return json_answer(200, json::object{{"id", agent}, {"name", "Agent"}, {"role", "agent"}});
    }
    if (action == "labels") {
      json::array labels;
      if (const auto* l = obj.if_contains("labels"); l && l->is_array()) labels = l->as_array();
      return json_answer(200, json::object{{"payload", std::move(labels)}});
    }
    if (action == "toggle_status") {
      std::string next = "open";
      if (const auto* s = obj.if_contains("status"); s && s->is_string()) next = s->as_string();
      return json_answer(200, json::object{{"meta", json::object{}},
                                           {"payload", json::object{{"success", true},
                                                                    {"current_status", next},
                                                                    {"conversation_id", conv}}}});
    }
    if (action == "toggle_priority") {
      sim_response r;
      r.content_type.clear();
      return r;
    }
    if (action == "custom_attributes") {
      json::value ca = json::object{};
      if (const auto* c = obj.if_contains("custom_attributes")) ca = *c;
      return json_answer(200, json::object{{"custom_attributes", ca}});
    }
    return error_answer(404, "Resource could not be found");
  }
};

sim_chatwoot::sim_chatwoot(dependency_spec spec, conversation_ledger& ledger, std::uint64_t seed,
                           int threads, std::int64_t account_id, std::string api_token)
    : state_(std::make_shared<state>(spec, ledger, seed, account_id, std::move(api_token))) {
  auto st = state_;
  server_ = std::make_unique<sim_http_server>([st](const sim_request& r) { return st->route(r); },
                                              threads);
}

sim_chatwoot::~sim_chatwoot() {
  stop();
}

expected<void, std::string> sim_chatwoot::start() {
  return server_->start();
}

void sim_chatwoot::stop() {
  server_->stop();
}

std::string sim_chatwoot::base_url() const {
  return server_->base_url();
}

std::vector<std::pair<std::int64_t, std::string>> sim_chatwoot::public_replies(
    std::int64_t conversation) const {
  std::vector<std::pair<std::int64_t, std::string>> out;
  std::lock_guard lock(state_->mutex);
  if (auto it = state_->kept.find(conversation); it != state_->kept.end()) {
    for (const auto& m : it->second) out.emplace_back(m.id, m.content);
  }
  return out;
}

sim_chatwoot_counts sim_chatwoot::counts() const {
  sim_chatwoot_counts c;
  {
    std::lock_guard lock(state_->mutex);
    c = state_->counts;
  }
  c.server = server_->stats();
  return c;
}

}  // namespace frontdesk::bench
