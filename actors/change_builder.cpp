#include "actors/change_builder.hpp"

#include <boost/json.hpp>

#include "domain/edit_distance.hpp"
#include "fsm/event_codec.hpp"

namespace frontdesk::actors {
namespace json = boost::json;
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

std::string contact_json(const contact_info& c) {
  return json::serialize(json::object{{"id", c.id}, {"name", c.name}, {"email", c.email}});
}

std::string flags_json(const std::vector<std::string>& flags) {
  json::array a;
  for (const auto& f : flags) a.emplace_back(f);
  return json::serialize(a);
}

std::string priority_text(const fsm::conversation& c) {
  return c.priority ? std::string(domain::to_string(*c.priority)) : std::string();
}

std::optional<fsm::time_point> due_of(const fsm::conversation& c, fsm::timer_name t) {
  return c.timer(t).due;
}

/// The operator behind a command, for audit and learning rows.
std::string operator_of(const conversation_command& cmd) {
  return cmd.actor;
}

std::string final_text(const draft_content& d) {
  const draft_review& r = d.review_or_empty();
  return r.action == "edit" && !r.edited_text.empty() ? r.edited_text : d.text;
}

/// The learning record of a reviewed draft (`customer_message`: the message it answered).
persistence::learning_record_row learning_record_of(std::int64_t conv, const draft_content& d,
                                                    const std::string& customer_message,
                                                    const std::string& decided_action,
                                                    const std::string& acting_operator,
                                                    fsm::time_point now) {
  const draft_review& r = d.review_or_empty();
  persistence::learning_record_row l;
  l.id = "learn-" + std::to_string(conv) + "-" + std::to_string(d.draft_version);
  l.conversation_id = conv;
  l.draft_version = static_cast<std::int64_t>(d.draft_version);
  l.customer_message = customer_message;
  l.draft = d.text;
  l.action = r.action.empty() ? decided_action : r.action;
  if (l.action == "approve" || l.action == "edit") l.final_text = final_text(d);
  l.edit_distance =
      static_cast<int>(l.final_text.empty() ? 0 : domain::edit_distance(d.text, l.final_text));
  l.grades = r.grades_json.empty() ? "{}" : r.grades_json;
  l.sources = d.sources_json;
  l.confidence = d.confidence;
  l.drafter_version = d.drafter_version;
  l.reviewer = r.operator_id.empty() ? acting_operator : r.operator_id;
  const fsm::time_point reviewed = r.reviewed_at.value_or(now);
  l.review_seconds = std::chrono::duration<double>(reviewed - d.created_at).count();
  l.created_at = d.created_at;
  l.reviewed_at = reviewed;
  return l;
}

/// After a reply was sent, what happened next becomes the learning record's outcome: the
/// customer wrote again within 72 h, the conversation was resolved, or it was escalated.
std::optional<std::string> followed_outcome(const transition& t) {
  const fsm::state was = t.before.fsm.current;
  if (!t.cmd.event || !t.before.draft || t.before.draft->status != "approved" ||
      (was != fsm::state::sent && was != fsm::state::graded)) {
    return std::nullopt;
  }
  const fsm::event& e = *t.cmd.event;
  if (std::holds_alternative<fsm::ev::customer_message>(e)) {
    const fsm::time_point sent = t.before.draft->review_or_empty().reviewed_at.value_or(t.now);
    if (t.now - sent <= std::chrono::hours(72)) return "customer_followup";
    return std::nullopt;
  }
  if (std::holds_alternative<fsm::ev::resolved>(e)) return "resolved";
  if (t.after.fsm.current == fsm::state::escalated) return "escalated";
  return std::nullopt;
}

}  // namespace

std::string queue_item_id(std::int64_t conversation_id, std::uint64_t draft_version) {
  return "q-" + std::to_string(conversation_id) + "-" + std::to_string(draft_version);
}

persistence::conversation_row conversation_row_of(const conversation_snapshot& s,
                                                  fsm::time_point now) {
  persistence::conversation_row r;
  r.id = s.fsm.id;
  r.contact_id = s.info.contact.id;
  r.channel = std::string(domain::to_string(s.info.channel));
  r.state = std::string(fsm::to_string(s.fsm.current));
  r.priority = priority_text(s.fsm);
  r.draft_version = static_cast<std::int64_t>(s.fsm.draft_version);
  r.assignee = s.info.assignee;
  if (!s.fsm.escalation_reason.empty()) r.escalation_reason = s.fsm.escalation_reason;
  r.first_response_due = due_of(s.fsm, fsm::timer_name::first_response_breach);
  r.resolution_due = due_of(s.fsm, fsm::timer_name::resolution_breach);
  r.sla_breached = s.fsm.sla_breached;
  r.closed = s.fsm.current == fsm::state::closed;
  r.updated_at = now;
  r.snapshot = encode_snapshot(s);
  return r;
}

persistence::queue_item_row queue_row(const conversation_snapshot& s) {
  const draft_content& d = *s.draft;
  const draft_review& r = d.review_or_empty();
  persistence::queue_item_row q;
  q.id = queue_item_id(s.fsm.id, d.draft_version);
  q.conversation_id = s.fsm.id;
  q.draft_version = static_cast<std::int64_t>(d.draft_version);
  q.status = d.status;
  if (!r.action.empty()) q.action = r.action;
  q.priority = priority_text(s.fsm);
  q.channel = std::string(domain::to_string(s.info.channel));
  q.contact = contact_json(s.info.contact);
  q.customer_message = s.info.last_customer_text;
  q.draft = d.text;
  q.confidence = d.confidence;
  q.recommended_action = d.recommended_action;
  q.sources = d.sources_json;
  q.tags = d.tags_json;
  q.sentiment = d.sentiment_json;
  q.flags = flags_json(d.flags);
  q.created_at = d.created_at;
  q.reviewed_at = r.reviewed_at;
  if (!r.operator_id.empty()) q.operator_id = r.operator_id;
  if (!r.edited_text.empty()) q.edited_text = r.edited_text;
  q.grades = r.grades_json;
  if (!r.notes.empty()) q.notes = r.notes;
  if (!r.fingerprint.empty()) q.action_fingerprint = r.fingerprint;
  return q;
}

persistence::change_set build_change_set(const transition& t) {
  persistence::change_set cs;
  const std::int64_t conv = t.after.fsm.id;
  cs.inbound = t.cmd.inbound;
  cs.conversation = conversation_row_of(t.after, t.now);
  if (!t.out) return cs;

  for (const fsm::trace_record& r : t.out->trace) {
    cs.traces.push_back({conv, static_cast<std::int64_t>(r.seq), r.at,
                         std::string(fsm::to_string(r.from)), std::string(fsm::to_string(r.to)),
                         r.event, r.cause, r.actor, r.detail});
  }
  if (!cs.traces.empty() && t.cmd.event) {
    cs.traces.front().event_data = fsm::encode_event(*t.cmd.event);
  }
  const std::string seq = std::to_string(t.after.fsm.trace_seq);
  bool queue_touched = false;
  auto notify = [&](std::string kind, json::object payload) {
    payload["conversation_id"] = conv;
    cs.notifications.push_back({0, std::move(kind), conv, json::serialize(payload), t.now});
  };

  for (const fsm::effect& e : t.out->todo) {
    std::visit(
        overloaded{
            [&](const fsm::fx::store_message& m) {
              const bool customer =
                  t.cmd.event && std::holds_alternative<fsm::ev::customer_message>(*t.cmd.event);
              const incoming_message* msg =
                  t.cmd.data && t.cmd.data->message ? &*t.cmd.data->message : nullptr;
              cs.messages.push_back({conv, m.message_id, customer ? "customer" : "agent",
                                     msg ? msg->content : std::string(),
                                     msg ? msg->sender : std::string(), t.now});
            },
            [&](const fsm::fx::enqueue_draft& q) {
              queue_touched = true;
              notify("queue_item_created", {{"id", queue_item_id(conv, q.draft_version)},
                                            {"priority", priority_text(t.after.fsm)},
                                            {"draft_version", q.draft_version}});
              // Everything the Chatwoot private note shows, so delivery needs no other read.
              json::object note{{"draft_version", q.draft_version}};
              if (const draft_content* d = t.after.draft ? &*t.after.draft : nullptr;
                  d && d->draft_version == q.draft_version) {
                note["draft"] = d->text;
                note["confidence"] = d->confidence;
                note["recommended_action"] = d->recommended_action;
                note["drafter_version"] = d->drafter_version;
                note["generated_at_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                              d->created_at.time_since_epoch())
                                              .count();
                json::array flags;
                for (const auto& f : d->flags) flags.emplace_back(f);
                note["flags"] = std::move(flags);
                auto embed = [&](const char* key, const std::string& text, json::value fallback) {
                  boost::system::error_code ec;
                  json::value v = json::parse(text, ec);
                  note[key] = ec ? std::move(fallback) : std::move(v);
                };
                embed("sources", d->sources_json, json::array{});
                embed("tags", d->tags_json, json::array{});
                embed("sentiment", d->sentiment_json, json::object{});
              }
              cs.outbox.push_back(
                  {"note:" + std::to_string(conv) + ":" + std::to_string(q.draft_version), conv,
                   static_cast<std::int64_t>(q.draft_version), "private_note",
                   json::serialize(note), "pending", 0, t.now, std::nullopt, std::nullopt});
            },
            [&](const fsm::fx::supersede_draft& s) {
              queue_touched = true;
              notify("queue_item_updated",
                     {{"id", queue_item_id(conv, s.draft_version)}, {"status", "superseded"}});
            },
            [&](const fsm::fx::send_reply& s) {
              queue_touched = true;
              const std::string text = t.after.draft ? final_text(*t.after.draft) : std::string();
              // after_id: the customer message this reply answers; any copy of the reply
              // already posted is newer, which bounds the search before a resend.
              json::object reply{
                  {"content", text},
                  {"after_id", t.after.fsm.last_customer_message},
                  {"action", t.after.draft ? t.after.draft->review_or_empty().action : ""}};
              cs.outbox.push_back(
                  {"reply:" + std::to_string(conv) + ":" + std::to_string(s.draft_version), conv,
                   static_cast<std::int64_t>(s.draft_version), "public_reply",
                   json::serialize(reply), "pending", 0, t.now, std::nullopt, std::nullopt});
              cs.messages.push_back({conv, std::nullopt, "reply", text, operator_of(t.cmd), t.now});
              notify("queue_item_updated",
                     {{"id", queue_item_id(conv, s.draft_version)}, {"status", "approved"}});
            },
            [&](const fsm::fx::record_decision& r) {
              queue_touched = true;
              const draft_content* d = t.after.draft ? &*t.after.draft : nullptr;
              if (!d || d->draft_version != r.draft_version) return;
              persistence::learning_record_row l = learning_record_of(
                  conv, *d, t.after.info.last_customer_text, r.action, operator_of(t.cmd), t.now);
              if (r.action == "human_reply") {
                l.action = "human_reply";
                l.final_text = t.cmd.data && t.cmd.data->message ? t.cmd.data->message->content
                                                                 : std::string();
                l.edit_distance = static_cast<int>(
                    l.final_text.empty() ? 0 : domain::edit_distance(d->text, l.final_text));
              }
              cs.learning_records.push_back(std::move(l));
              if (r.action != "human_reply") {
                const std::string before_status = t.before.draft ? t.before.draft->status : "";
                cs.audits.push_back(
                    {t.now, operator_of(t.cmd), r.action, queue_item_id(conv, r.draft_version),
                     json::serialize(json::object{{"status", before_status}}),
                     json::serialize(json::object{
                         {"status", d->status}, {"state", fsm::to_string(t.after.fsm.current)}})});
              }
            },
            [&](const fsm::fx::hand_off& h) {
              json::object p{{"reason", h.reason}, {"low_confidence", h.low_confidence}};
              if (h.draft_version > 0 && t.after.draft &&
                  t.after.draft->draft_version == h.draft_version) {
                const draft_content& d = *t.after.draft;
                p["draft"] = d.text;
                p["draft_version"] = h.draft_version;
                // What the human taking over should know: how the customer sounds and what
                // the draft was based on.
                boost::system::error_code ec;
                const json::value sentiment = json::parse(d.sentiment_json, ec);
                if (!ec && sentiment.is_object()) {
                  if (const auto* l = sentiment.as_object().if_contains("label");
                      l && l->is_string()) {
                    p["sentiment"] = l->as_string();
                  }
                }
                const json::value sources = json::parse(d.sources_json, ec);
                if (!ec && sources.is_array()) {
                  json::array titles;
                  for (const json::value& src : sources.as_array()) {
                    const auto* title =
                        src.is_object() ? src.as_object().if_contains("title") : nullptr;
                    if (title && title->is_string()) titles.push_back(*title);
                  }
                  p["sources"] = std::move(titles);
                }
                queue_touched = true;
              }
              if (t.cmd.data && t.cmd.data->op && !t.cmd.data->op->reason.empty()) {
                p["note"] = t.cmd.data->op->reason;  // the operator's own words
              }
              if (t.cmd.data && t.cmd.data->op && t.cmd.data->op->assignee_id) {
                p["assignee_id"] = *t.cmd.data->op->assignee_id;
              } else if (t.after.info.assignee) {
                p["assignee_id"] = *t.after.info.assignee;
              }
              // Triage labels the conversation "escalation_<category>"; routing uses it.
              for (const std::string& l : t.after.info.labels) {
                if (l.starts_with("escalation_")) p["category"] = l.substr(11);
              }
              cs.outbox.push_back({"handoff:" + std::to_string(conv) + ":" + seq, conv,
                                   static_cast<std::int64_t>(h.draft_version), "handoff",
                                   json::serialize(p), "pending", 0, t.now, std::nullopt,
                                   std::nullopt});
              notify("notification", {{"kind", "escalation"}, {"reason", h.reason}});
            },
            [&](const fsm::fx::notify& n) {
              json::object p{{"detail", n.detail}, {"priority", priority_text(t.after.fsm)}};
              const bool sla = n.kind == "sla_warning" || n.kind == "sla_breach";
              if (!sla) p["kind"] = n.kind;
              notify(sla ? n.kind : "notification", std::move(p));
            },
            [&](const fsm::fx::raise_priority&) {
              queue_touched = true;
              cs.outbox.push_back(
                  {"priority:" + std::to_string(conv) + ":" + seq, conv, 0, "priority",
                   json::serialize(json::object{{"priority", priority_text(t.after.fsm)}}),
                   "pending", 0, t.now, std::nullopt, std::nullopt});
            },
            // The store applies every upsert before any delete, while effects are ordered (a
            // re-entered state cancels then re-arms its timer): the last effect per timer wins.
            [&](const fsm::fx::arm_timer& a) {
              const std::string name(fsm::to_string(a.name));
              std::erase_if(cs.timer_deletes,
                            [&](const persistence::timer_key& k) { return k.name == name; });
              cs.timer_upserts.push_back(
                  {conv, name, a.due, static_cast<std::int64_t>(a.epoch), false});
            },
            [&](const fsm::fx::cancel_timer& c) {
              const std::string name(fsm::to_string(c.name));
              std::erase_if(cs.timer_upserts,
                            [&](const persistence::timer_row& r) { return r.name == name; });
              cs.timer_deletes.push_back({conv, name});
            },
            [&](const auto&) {},
        },
        e);
  }
  // A timer that fired and was not re-armed is gone.
  if (t.cmd.event) {
    if (const auto* f = std::get_if<fsm::ev::timer_fired>(&*t.cmd.event)) {
      if (!t.after.fsm.timer(f->name).due) {
        cs.timer_deletes.push_back({conv, std::string(fsm::to_string(f->name))});
      }
    }
  }
  if (auto outcome = followed_outcome(t)) {
    const draft_content& sent = *t.before.draft;
    persistence::learning_record_row l = learning_record_of(
        conv, sent, t.before.info.last_customer_text, sent.review_or_empty().action,
        sent.review_or_empty().operator_id, t.now);
    l.outcome = std::move(*outcome);
    cs.learning_records.push_back(std::move(l));
  }
  if (queue_touched && t.after.draft && t.after.draft->draft_version > 0) {
    cs.queue_items.push_back(queue_row(t.after));
  }
  return cs;
}

}  // namespace frontdesk::actors
