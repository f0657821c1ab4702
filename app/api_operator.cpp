// The operator API of API.md: queue, actions on drafts, conversations, trace, quality,
// learning export, audit, and live events. Reads run on the store's read pool; actions
// go to the conversation actor and answer once the decision is durable.

#include <boost/json.hpp>
#include <cstdio>

#include "app/api_context.hpp"
#include "app/api_json.hpp"
#include "app/trace_format.hpp"
#include "config/log.hpp"
#include "domain/quality_metrics.hpp"
#include "persistence/read_pool.hpp"

namespace frontdesk::app {
namespace json = boost::json;
namespace {

using io::http_response;
using io::operator_role;
using status = actors::command_reply::status;

/// Runs `fn(store)` on a read thread; answers 503 when the pool refuses.
void read(api_context& ctx, const io::responder& res, std::function<void(persistence::store&)> fn) {
  if (!ctx.rt.reads()->post(std::move(fn))) {
    res(http_response::error(503, "not_ready", "the store is saturated; try again")
            .header("Retry-After", "1"));
  }
}

void store_error(const io::responder& res, const persistence::store_error& e) {
  res(http_response::error(503, "store_unavailable", e.message).header("Retry-After", "5"));
}

std::optional<persistence::timestamp> parse_time(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  const std::string t(s);
  if (t.size() == 10 && std::sscanf(t.c_str(), "%4d-%2d-%2d", &y, &mo, &d) == 3) {
  } else if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(unsigned(mo)),
                                        std::chrono::day(unsigned(d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(sec);
}

/// from/to query parameters; defaults: the last 30 days.
bool time_range(const io::http_request& req, const io::responder& res, persistence::timestamp& from,
                persistence::timestamp& to) {
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  to = now + std::chrono::milliseconds(1);
  from = now - std::chrono::hours(24 * 30);
  if (auto f = req.query_param("from")) {
    auto t = parse_time(*f);
    if (!t)
      return res(http_response::error(400, "invalid_parameter", "from must be RFC 3339")), false;
    from = *t;
  }
  if (auto t2 = req.query_param("to")) {
    auto t = parse_time(*t2);
    if (!t)
      return res(http_response::error(400, "invalid_parameter", "to must be RFC 3339")), false;
    to = *t;
  }
  if (to < from)
    return res(http_response::error(400, "invalid_parameter", "to is before from")), false;
  return true;
}

/// Parses a JSON object body: 415 / 400 answered here when it is not one.
std::optional<json::object> body_object(const io::http_request& req, const io::responder& res) {
  if (auto ct = req.header("Content-Type");
      !ct || ct->find("application/json") == std::string_view::npos) {
    res(http_response::error(415, "unsupported_media_type", "send application/json"));
    return std::nullopt;
  }
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  json::value v = json::parse(req.body, ec, {}, opts);
  if (ec) {
    res(http_response::error(400, "malformed_json", "the body is not valid JSON: " + ec.message()));
    return std::nullopt;
  }
  if (!v.is_object()) {
    res(http_response::error(400, "invalid_body", "the body must be a JSON object"));
    return std::nullopt;
  }
  return std::move(v.as_object());
}

/// An optional field of a given JSON kind; "" error when absent, message when mistyped.
std::optional<std::int64_t> int_field(const json::object& o, std::string_view key,
                                      std::string& error) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() < (1ull << 62))
    return static_cast<std::int64_t>(v->as_uint64());
  error = std::string(key) + " must be an integer";
  return std::nullopt;
}

std::optional<std::string> string_field(const json::object& o, std::string_view key,
                                        std::string& error, std::size_t max_len = 64 * 1024) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    error = std::string(key) + " must be a string";
    return std::nullopt;
  }
  if (v->as_string().size() > max_len) {
    error = std::string(key) + " is too long";
    return std::nullopt;
  }
  return std::string(v->as_string());
}

/// {"tone":1-5,"accuracy":1-5,"policy":1-5} validated and re-serialised; "" when absent.
bool grades_of(const json::value* g, std::string& out, std::string& error) {
  if (!g || g->is_null()) return true;
  if (!g->is_object()) return error = "grades must be an object", false;
  json::object clean;
  for (const char* k : {"tone", "accuracy", "policy"}) {
    const json::value* v = g->as_object().if_contains(k);
    if (!v) return error = std::string("grades.") + k + " is required", false;
    if (!v->is_int64() || v->as_int64() < 1 || v->as_int64() > 5) {
      return error = std::string("grades.") + k + " must be an integer from 1 to 5", false;
    }
    clean[k] = v->as_int64();
  }
  out = json::serialize(clean);
  return true;
}

std::string fingerprint(std::string_view action, const json::object& body) {
  return std::string(action) + ":" +
         std::to_string(std::hash<std::string>{}(json::serialize(body)));
}

void answer_item(api_context& ctx, const io::responder& res, const std::string& id,
                 int status_code) {
  read(ctx, res, [res, id, status_code](persistence::store& db) {
    auto item = db.queue_item(id);
    if (!item) return store_error(res, item.error());
    if (!*item) return void(res(http_response::error(404, "not_found", "no queue item " + id)));
    ok_json(res, queue_item_json(**item), status_code);
  });
}

/// 409 with what changed: the conversation's current draft, if any.
void answer_conflict(api_context& ctx, const io::responder& res, std::int64_t conv,
                     const actors::command_reply& r) {
  read(ctx, res, [res, conv, r](persistence::store& db) {
    json::object body{{"error", {{"code", fsm::to_string(r.code)}, {"message", r.message}}}};
    body["state"] = r.state;
    body["current_draft"] = nullptr;
    if (r.draft_version > 0) {
      if (auto item = db.queue_item_for(conv, static_cast<std::int64_t>(r.draft_version));
          item && *item) {
        body["current_draft"] = queue_item_json(**item);
      }
    }
    ok_json(res, body, 409);
  });
}

enum class action { approve, edit, escalate, reject, grade };

void act(api_context& ctx, const io::request_ptr& req, const io::responder& res, action what) {
  auto who = authorize(ctx, *req, res, operator_role::operator_);
  if (!who) return;
  auto body = body_object(*req, res);
  if (!body) return;
  std::string error;
  const auto version = int_field(*body, "draft_version", error);
  auto text = string_field(*body, "text", error);
  auto notes = string_field(*body, "notes", error, 8 * 1024);
  auto reason = string_field(*body, "reason", error, 8 * 1024);
  auto assignee = int_field(*body, "assignee_id", error);
  std::string grades;
  if (what == action::grade) {
    json::value whole(*body);
    if (!grades_of(&whole, grades, error) && error.empty()) error = "grades are invalid";
  } else {
    grades_of(body->if_contains("grades"), grades, error);
  }
  if (error.empty() && what != action::grade && !version) error = "draft_version is required";
  if (error.empty() && what == action::edit && (!text || text->empty())) error = "text is required";
  if (error.empty() && (what == action::reject) && (!reason || reason->empty()))
    error = "reason is required";
  if (!error.empty()) return void(res(http_response::error(400, "invalid_field", error)));
  if (version && *version < 1)
    return void(
        res(http_response::error(422, "invalid_field", "draft_version must be at least 1")));
  if (ctx.settings.workflow.grade_required && (what == action::approve || what == action::edit) &&
      grades.empty()) {
    return void(
        res(http_response::error(422, "grades_required", "grade the draft before approving it")));
  }
  const std::string id = req->path_param("id");
  const std::string op = who->operator_id;
  const std::string kind = what == action::approve    ? "approve"
                           : what == action::edit     ? "edit"
                           : what == action::escalate ? "escalate"
                           : what == action::reject   ? "reject"
                                                      : "grade";
  const std::string fp = fingerprint(kind, *body);
  api_context* c = &ctx;
  // Find the item (404), then hand the decision to its conversation.
  read(ctx, res,
       [c, res, id, op, kind, fp, what, version, text, notes, reason, assignee,
        grades](persistence::store& db) {
         auto item = db.queue_item(id);
         if (!item) return store_error(res, item.error());
         if (!*item)
           return void(res(http_response::error(404, "not_found", "no queue item " + id)));
         const std::int64_t conv = (*item)->conversation_id;
         actors::conversation_command cmd;
         cmd.conversation_id = conv;
         cmd.cause = "operator:" + op + ":" + kind;
         cmd.actor = op;
         const std::uint64_t v =
             static_cast<std::uint64_t>(version.value_or((*item)->draft_version));
         switch (what) {
           case action::approve:
             cmd.event = fsm::ev::approve{v, op, fp};
             break;
           case action::edit:
             cmd.event = fsm::ev::edit{v, op, fp};
             break;
           case action::escalate:
             cmd.event = fsm::ev::escalate{v, op, fp, assignee};
             break;
           case action::reject:
             cmd.event = fsm::ev::reject{v, op, fp};
             break;
           case action::grade:
             if ((*item)->status != "approved") {
               return void(
                   res(http_response::error(409, "not_sent", "only a sent draft can be graded")));
             }
             cmd.event = fsm::ev::grade{op, fp};
             break;
         }
         auto data = std::make_shared<actors::command_data>();
         actors::operator_input in;
         in.text = text.value_or("");
         in.notes = notes.value_or("");
         in.reason = reason.value_or("");
         in.grades_json = grades;
         in.assignee_id = assignee;
         data->op = std::move(in);
         cmd.data = std::move(data);
         cmd.reply = actors::make_reply([c, res, id, conv, kind,
                                         op](const actors::command_reply& r) {
           switch (r.outcome) {
             case status::applied:
               c->metrics.count("frontdesk_operator_actions_total{action=\"" + kind + "\"}");
               log::info("operator_action",
                         {{"op", op}, {"action", kind}, {"item", id}, {"conv", conv}});
               return answer_item(*c, res, id, 200);
             case status::repeat:
               return answer_item(*c, res, id, 200);
             case status::refused:
             case status::duplicate:
               return answer_conflict(*c, res, conv, r);
             case status::unavailable:
               return void(res(
                   http_response::error(503, "not_ready", r.message).header("Retry-After", "5")));
           }
         });
         c->rt.submit(std::move(cmd));
       });
}

void queue_list(api_context& ctx, const io::request_ptr& req, const io::responder& res) {
  if (!authorize(ctx, *req, res, operator_role::operator_)) return;
  persistence::queue_filter f;
  f.status = req->query_param("status");
  f.priority = req->query_param("priority");
  f.channel = req->query_param("channel");
  f.cursor = req->query_param("cursor");
  if (f.status && *f.status == "all") f.status.reset();
  static const std::vector<std::string> statuses{"pending", "approved", "rejected", "escalated",
                                                 "superseded"};
  if (f.status && std::find(statuses.begin(), statuses.end(), *f.status) == statuses.end()) {
    return void(res(http_response::error(400, "invalid_parameter", "unknown status")));
  }
  if (f.priority && !domain::parse_priority(*f.priority)) {
    return void(res(http_response::error(400, "invalid_parameter", "priority must be P0..P3")));
  }
  if (auto mc = req->query_param("min_confidence")) {
    char* end = nullptr;
    const double v = std::strtod(mc->c_str(), &end);
    if (mc->empty() || *end != '\0' || !(v >= 0 && v <= 1)) {
      return void(
          res(http_response::error(400, "invalid_parameter", "min_confidence must be 0..1")));
    }
    f.min_confidence = v;
  }
  if (auto l = req->query_param("limit")) {
    char* end = nullptr;
    const long v = std::strtol(l->c_str(), &end, 10);
    if (l->empty() || *end != '\0' || v < 1 || v > 500) {
      return void(res(http_response::error(400, "invalid_parameter", "limit must be 1..500")));
    }
    f.limit = static_cast<int>(v);
  }
  read(ctx, res, [res, f](persistence::store& db) {
    auto page = db.queue(f);
    if (!page) {
      if (page.error().code == persistence::store_error_code::invalid) {
        return void(res(http_response::error(400, "invalid_parameter", page.error().message)));
      }
      return store_error(res, page.error());
    }
    json::array items;
    for (const auto& q : page->items) items.push_back(queue_item_json(q));
    json::object body{{"items", std::move(items)}};
    body["next_cursor"] =
        page->next_cursor ? json::value(*page->next_cursor) : json::value(nullptr);
    if (auto counts = db.count_queue_by_status()) {
      json::object c;
      for (const auto& [k, v] : *counts) c[k] = v;
      body["counts"] = std::move(c);
    }
    ok_json(res, body);
  });
}

void queue_item(api_context& ctx, const io::request_ptr& req, const io::responder& res) {
  if (!authorize(ctx, *req, res, operator_role::operator_)) return;
  const std::string id = req->path_param("id");
  read(ctx, res, [res, id](persistence::store& db) {
    auto item = db.queue_item(id);
    if (!item) return store_error(res, item.error());
    if (!*item) return void(res(http_response::error(404, "not_found", "no queue item " + id)));
    json::object o = queue_item_json(**item);
    json::array msgs;
    if (auto m = db.messages((*item)->conversation_id, 20)) {
      for (const auto& row : *m) msgs.push_back(message_json(row));
    }
    json::object context{{"messages", std::move(msgs)}};
    if (auto c = db.get_conversation((*item)->conversation_id); c && *c) {
      context["state"] = (*c)->state;
      context["current_draft_version"] = (*c)->draft_version;
      context["sla"] = {{"first_response_due", json_time((*c)->first_response_due)},
                        {"resolution_due", json_time((*c)->resolution_due)},
                        {"breached", (*c)->sla_breached}};
    }
    o["context"] = std::move(context);
    ok_json(res, o);
  });
}

std::optional<std::int64_t> conversation_id(const io::http_request& req, const io::responder& res) {
  const std::string s = req.path_param("id");
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v <= 0) {
    res(http_response::error(404, "not_found", "no conversation " + s));
    return std::nullopt;
  }
  return v;
}

void conversation(api_context& ctx, const io::request_ptr& req, const io::responder& res) {
  if (!authorize(ctx, *req, res, operator_role::operator_)) return;
  auto id = conversation_id(*req, res);
  if (!id) return;
  read(ctx, res, [res, id = *id](persistence::store& db) {
    auto c = db.get_conversation(id);
    if (!c) return store_error(res, c.error());
    if (!*c)
      return void(
          res(http_response::error(404, "not_found", "no conversation " + std::to_string(id))));
    auto msgs = db.messages(id, 100);
    std::optional<persistence::queue_item_row> draft;
    if ((*c)->draft_version > 0) {
      if (auto d = db.queue_item_for(id, (*c)->draft_version); d && *d) draft = **d;
    }
    json::object o =
        conversation_json(**c, msgs ? *msgs : std::vector<persistence::message_row>{}, draft);
    ok_json(res, o);
  });
}

void trace(api_context& ctx, const io::request_ptr& req, const io::responder& res) {
  if (!authorize(ctx, *req, res, operator_role::operator_)) return;
  auto id = conversation_id(*req, res);
  if (!id) return;
  const std::string format = req->query_param("format").value_or("json");
  if (format != "json" && format != "chrome") {
    return void(
        res(http_response::error(400, "invalid_parameter", "format must be json or chrome")));
  }
  read(ctx, res, [res, id = *id, format](persistence::store& db) {
    auto rows = db.trace(id);
    if (!rows) return store_error(res, rows.error());
    if (rows->empty()) {
      if (auto c = db.get_conversation(id); c && !*c) {
        return void(
            res(http_response::error(404, "not_found", "no conversation " + std::to_string(id))));
      }
    }
    if (format == "chrome") {
      const auto until =
          current_state_until(*rows, std::chrono::time_point_cast<std::chrono::milliseconds>(
                                         std::chrono::system_clock::now()));
      return void(res(http_response::json(200, format_trace_chrome(*rows, until))));
    }
    json::array items;
    for (const auto& t : *rows) items.push_back(trace_json(t));
    ok_json(res, json::object{{"conversation_id", id}, {"transitions", std::move(items)}});
  });
}

domain::learning_record to_domain(const persistence::learning_record_row& r) {
  domain::learning_record d;
  if (r.action == "edit")
    d.action = domain::review_action::edit;
  else if (r.action == "escalate")
    d.action = domain::review_action::escalate;
  else if (r.action == "reject")
    d.action = domain::review_action::reject;
  else if (r.action == "human_reply")
    d.action = domain::review_action::human_reply;
  else
    d.action = domain::review_action::approve;
  d.ai_drafted = !r.draft.empty();
  boost::system::error_code ec;
  json::value g = json::parse(r.grades, ec);
  if (!ec && g.is_object()) {
    auto grade = [&](const char* k) -> std::optional<double> {
      const json::value* v = g.as_object().if_contains(k);
      return v && v->is_number() ? std::optional<double>(v->to_number<double>()) : std::nullopt;
    };
    d.grade_tone = grade("tone");
    d.grade_accuracy = grade("accuracy");
    d.grade_policy = grade("policy");
  }
  d.created_at = std::chrono::floor<std::chrono::seconds>(r.created_at);
  d.reviewed_at = std::chrono::floor<std::chrono::seconds>(r.reviewed_at);
  d.confidence = r.confidence;
  d.edit_distance = static_cast<std::size_t>(std::max(0, r.edit_distance));
  d.draft_length = r.draft.size();
  return d;
}

json::value metric_json(const domain::metric& m) {
  return {{"value", m.value ? json::value(*m.value) : json::value(nullptr)},
          {"target", m.target ? json::value(*m.target) : json::value(nullptr)},
          {"higher_is_better", m.higher_is_better},
          {"met", m.met ? json::value(*m.met) : json::value(nullptr)}};
}

void quality(api_context& ctx, const io::request_ptr& req, const io::responder& res) {
  if (!authorize(ctx, *req, res, operator_role::manager)) return;
  persistence::timestamp from, to;
  if (!time_range(*req, res, from, to)) return;
  read(ctx, res, [res, from, to](persistence::store& db) {
    auto rows = db.learning(from, to);
    if (!rows) return store_error(res, rows.error());
    std::vector<domain::learning_record> recs;
    for (const auto& r : *rows) recs.push_back(to_domain(r));
    const domain::quality_report q = domain::compute_quality(recs);
    json::object o{{"from", rfc3339(from)},
                   {"to", rfc3339(to)},
                   {"records", q.records},
                   {"ai_drafts", q.ai_drafts},
                   {"reviewed", q.reviewed}};
    o["ai_draft_rate"] = metric_json(q.ai_draft_rate);
    o["approval_rate"] = metric_json(q.approval_rate);
    o["approval_without_major_edits"] = metric_json(q.approval_without_major_edits);
    o["edit_rate"] = metric_json(q.edit_rate);
    o["escalation_rate"] = metric_json(q.escalation_rate);
    o["rejection_rate"] = metric_json(q.rejection_rate);
    o["human_reply_rate"] = metric_json(q.human_reply_rate);
    o["average_tone"] = metric_json(q.average_tone);
    o["average_accuracy"] = metric_json(q.average_accuracy);
    o["average_policy"] = metric_json(q.average_policy);
    o["median_review_minutes"] = metric_json(q.median_review_minutes);
    o["p90_review_minutes"] = metric_json(q.p90_review_minutes);
    json::object sla;
    for (std::size_t i = 0; i < q.sla_by_priority.size(); ++i) {
      const auto& s = q.sla_by_priority[i];
      sla["P" + std::to_string(i)] = {
          {"first_response_total", s.first_response_total},
          {"first_response_rate",
           s.first_response_rate ? json::value(*s.first_response_rate) : json::value(nullptr)},
          {"resolution_total", s.resolution_total},
          {"resolution_rate",
           s.resolution_rate ? json::value(*s.resolution_rate) : json::value(nullptr)}};
    }
    o["sla_compliance"] = std::move(sla);
    json::array trend;
    for (const auto& w : q.edit_trend) {
      trend.push_back({{"iso_year", w.iso_year},
                       {"iso_week", w.iso_week},
                       {"edits", w.edits},
                       {"mean_edit_distance", w.mean_edit_distance},
                       {"mean_normalized", w.mean_normalized}});
    }
    o["edit_distance_trend"] = std::move(trend);
    json::array cal;
    for (const auto& b : q.calibration) {
      cal.push_back({{"lower", b.lower},
                     {"count", b.count},
                     {"approval_rate",
                      b.acceptance_rate ? json::value(*b.acceptance_rate) : json::value(nullptr)}});
    }
    o["confidence_calibration"] = std::move(cal);
    o["brier_score"] = metric_json(q.brier_score);
    ok_json(res, o);
  });
}

void learning_export(api_context& ctx, const io::request_ptr& req, const io::responder& res) {
  if (!authorize(ctx, *req, res, operator_role::manager)) return;
  persistence::timestamp from, to;
  if (!time_range(*req, res, from, to)) return;
  read(ctx, res, [res, from, to](persistence::store& db) {
    auto rows = db.learning(from, to);
    if (!rows) return store_error(res, rows.error());
    std::string out;
    for (const auto& r : *rows) {
      if (r.final_text.empty()) continue;  // escalations and rejections teach no reply
      json::array messages;
      messages.push_back({{"role", "system"},
                          {"content",
                           "You are a helpful, accurate customer support agent. Answer from "
                           "the store's policies; be concise and kind."}});
      messages.push_back({{"role", "user"}, {"content", r.customer_message}});
      messages.push_back({{"role", "assistant"}, {"content", r.final_text}});
      json::object line{{"messages", std::move(messages)}};
      line["metadata"] = {{"conversation_id", r.conversation_id},
                          {"draft_version", r.draft_version},
                          {"action", r.action},
                          {"outcome", r.outcome},
                          {"edit_distance", r.edit_distance},
                          {"drafter_version", r.drafter_version}};
      out += json::serialize(line);
      out += '\n';
    }
    res(http_response::text(200, std::move(out), "application/x-ndjson"));
  });
}

void audit(api_context& ctx, const io::request_ptr& req, const io::responder& res) {
  if (!authorize(ctx, *req, res, operator_role::admin)) return;
  persistence::timestamp from, to;
  if (!time_range(*req, res, from, to)) return;
  read(ctx, res, [res, from, to](persistence::store& db) {
    auto rows = db.audit(from, to);
    if (!rows) return store_error(res, rows.error());
    json::array items;
    for (const auto& a : *rows) {
      items.push_back({{"at", rfc3339(a.at)},
                       {"actor", a.actor},
                       {"action", a.action},
                       {"target", a.target},
                       {"before", json_text(a.before, json::object{})},
                       {"after", json_text(a.after, json::object{})}});
    }
    ok_json(res, json::object{{"items", std::move(items)}});
  });
}

io::sse_event sse_of(const persistence::notification_row& n) {
  return io::sse_event{std::to_string(n.id), n.kind, json::serialize(notification_json(n)),
                       std::nullopt};
}

void events(api_context& ctx, const io::request_ptr& req, const io::responder& res) {
  auto who = authorize(ctx, *req, res, operator_role::operator_);
  if (!who) return;
  std::optional<std::int64_t> since;
  if (auto last = io::last_event_id(*req)) {
    char* end = nullptr;
    const long long v = std::strtoll(last->c_str(), &end, 10);
    if (!last->empty() && *end == '\0' && v >= 0) since = v;
  }
  io::sse_options opts;
  opts.retry_ms = 2000;
  std::shared_ptr<io::sse_stream> stream = res.start_sse(opts);
  if (!stream) return;
  ctx.metrics.count("frontdesk_sse_streams_total");
  stream->send_comment("frontdesk live events for " + who->operator_id);
  // Live first, then what was missed: ids let the page ignore a repeat. The bus owns the
  // stream while it is open and drops it at the first event after it closed.
  ctx.rt.subscribe([stream](const persistence::notification_row& n) {
    if (!stream->is_open()) return false;
    return stream->send(sse_of(n));
  });
  if (since) {
    ctx.rt.reads()->post([stream, since](persistence::store& db) {
      if (auto missed = db.notifications(*since, 1000)) {
        for (const auto& n : *missed) stream->send(sse_of(n));
      }
    });
  }
}

}  // namespace

std::optional<io::operator_identity> authorize(const api_context& ctx, const io::http_request& req,
                                               const io::responder& res, io::operator_role role) {
  auto who = ctx.auth.authorize(req.header("Authorization"), role);
  if (!who) {
    res(http_response::error(who.error().status, who.error().code, who.error().message));
    return std::nullopt;
  }
  return *who;
}

void ok_json(const io::responder& res, const json::value& v, int status_code) {
  res(http_response::json(status_code, json::serialize(v)));
}

void add_operator_routes(api_context& ctx, io::router& r) {
  auto bind = [&ctx](void (*fn)(api_context&, const io::request_ptr&, const io::responder&)) {
    return [&ctx, fn](io::request_ptr req, io::responder res) { fn(ctx, req, res); };
  };
  auto bind_act = [&ctx](action a) {
    return [&ctx, a](io::request_ptr req, io::responder res) { act(ctx, req, res, a); };
  };
  r.get("/api/v1/queue", bind(queue_list));
  r.get("/api/v1/queue/{id}", bind(queue_item));
  r.post("/api/v1/queue/{id}/approve", bind_act(action::approve));
  r.post("/api/v1/queue/{id}/edit", bind_act(action::edit));
  r.post("/api/v1/queue/{id}/escalate", bind_act(action::escalate));
  r.post("/api/v1/queue/{id}/reject", bind_act(action::reject));
  r.post("/api/v1/queue/{id}/grade", bind_act(action::grade));
  r.get("/api/v1/conversations/{id}", bind(conversation));
  r.get("/api/v1/conversations/{id}/trace", bind(trace));
  r.get("/api/v1/metrics/quality", bind(quality));
  r.get("/api/v1/learning/export", bind(learning_export));
  r.get("/api/v1/audit", bind(audit));
  r.get("/api/v1/events", bind(events));
}

}  // namespace frontdesk::app
