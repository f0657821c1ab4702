#include "persistence/postgresql_batch_writer.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "persistence/sql_text.hpp"
#include "persistence/store_codec.hpp"

namespace frontdesk::persistence {

namespace {

struct pipeline_failure {
  store_error error;
};

struct prepared {
  const char* name;
  const char* text;
};

// One statement per table for a whole batch: the rows travel as parallel arrays and unnest
// turns them back into rows, so the server plans and executes one INSERT instead of one per row.
// Used only when no two rows of the batch touch the same key (see apply).
constexpr const char* insert_events_multi =
    "INSERT INTO inbound_events (delivery_id, dedupe_key, event, conversation_id, received_at, "
    "body) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], "
    "$6::text[]) ON CONFLICT DO NOTHING RETURNING dedupe_key";

constexpr const char* insert_traces_multi =
    "INSERT INTO traces (conversation_id, seq, at, from_state, to_state, event, cause, actor, "
    "detail, event_data) SELECT u.c, COALESCE(u.s, (SELECT COALESCE(MAX(t.seq), 0) + 1 FROM "
    "traces t WHERE t.conversation_id = u.c)), u.a, u.f, u.t, u.e, u.ca, u.ac, u.d, u.ed FROM "
    "unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], "
    "$7::text[], $8::text[], $9::text[], $10::text[]) AS u(c, s, a, f, t, e, ca, ac, d, ed) "
    "RETURNING conversation_id, seq";

/// The batch form of sql::upsert_conversation, sharing its ON CONFLICT clause.
const std::string& upsert_conversations_multi() {
  static const std::string text =
      "INSERT INTO conversations (id, contact_id, channel, state, priority, draft_version, "
      "assignee, escalation_reason, first_response_due, resolution_due, sla_breached, closed, "
      "updated_at, snapshot) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], "
      "$4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::bigint[], "
      "$10::bigint[], $11::boolean[], $12::boolean[], $13::bigint[], $14::text[])" +
      std::string(std::strstr(sql::upsert_conversation, " ON CONFLICT"));
  return text;
}

constexpr prepared write_statements[] = {
    {"fdw_insert_event", sql::insert_event},
    {"fdw_upsert_conversation", sql::upsert_conversation},
    {"fdw_insert_message", sql::insert_message},
    {"fdw_insert_trace", sql::insert_trace},
    {"fdw_upsert_queue_item", sql::upsert_queue_item},
    {"fdw_upsert_learning", sql::upsert_learning},
    {"fdw_insert_notification", sql::insert_notification},
    {"fdw_insert_audit", sql::insert_audit},
    {"fdw_insert_outbox", sql::insert_outbox},
    {"fdw_upsert_timer", sql::upsert_timer},
    {"fdw_delete_timer", sql::delete_timer},
};

store_error_code code_for_state(std::string_view state) {
  const auto klass = state.substr(0, 2);
  if (klass == "23") return store_error_code::conflict;
  if (klass == "08" || klass == "57" || klass == "53" || klass == "40") {
    return store_error_code::unavailable;
  }
  return store_error_code::invalid;
}

std::string trimmed(const char* text) {
  std::string out = text != nullptr ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

/// A failure of the connection itself (no result, or the socket is gone).
[[noreturn]] void connection_failed(PGconn* conn, std::string_view what) {
  throw pipeline_failure{{store_error_code::unavailable, "postgresql: " + std::string(what) + ": " +
                                                             trimmed(PQerrorMessage(conn))}};
}

/// Text-format parameters of one statement, kept alive until it is sent.
class params {
 public:
  template <class... Args>
  explicit params(const Args&... args) {
    (add(args), ...);
    for (std::size_t i = 0; i < storage_.size(); ++i) {
      pointers_.push_back(is_null_[i] ? nullptr : storage_[i].c_str());
    }
  }
  int count() const { return static_cast<int>(pointers_.size()); }
  const char* const* values() const { return pointers_.data(); }

 private:
  void push(std::string v, bool null = false) {
    storage_.push_back(std::move(v));
    is_null_.push_back(null);
  }
  void add(std::int64_t v) { push(std::to_string(v)); }
  void add(int v) { push(std::to_string(v)); }
  void add(bool v) { push(v ? "t" : "f"); }
  void add(double v) {
    if (std::isnan(v)) {
      push("NaN");
    } else if (std::isinf(v)) {
      push(v > 0 ? "Infinity" : "-Infinity");
    } else {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.17g", v);
      push(buffer);
    }
  }
  void add(timestamp v) { add(detail::to_millis(v)); }
  void add(const std::string& v) { push(v); }
  void add(std::string_view v) { push(std::string(v)); }
  void add(std::nullopt_t) { push({}, true); }
  template <class T>
  void add(const std::optional<T>& v) {
    if (v) {
      add(*v);
    } else {
      add(std::nullopt);
    }
  }

  std::vector<std::string> storage_;
  std::vector<bool> is_null_;
  std::vector<const char*> pointers_;
};

/// Text as the server receives it: parameters travel as C strings, so a value ends at its first
/// NUL byte on both paths (one statement per row, and arrays).
std::string_view as_sent(std::string_view v) {
  return v.substr(0, v.find('\0'));
}

/// A PostgreSQL array literal ("{...}") built one element at a time, in the text format the
/// server parses for a text[]/bigint[]/boolean[] parameter. Text elements are always quoted, so
/// NULL, empty strings, braces, commas and white space inside them stay data.
class array_literal {
 public:
  array_literal() : text_("{") {}
  void text(std::string_view v) {
    separate();
    text_ += '"';
    for (const char ch : as_sent(v)) {
      if (ch == '"' || ch == '\\') text_ += '\\';
      text_ += ch;
    }
    text_ += '"';
  }
  void text(const std::optional<std::string>& v) {
    if (v) {
      text(std::string_view(*v));
    } else {
      null();
    }
  }
  void number(std::int64_t v) {
    separate();
    text_ += std::to_string(v);
  }
  void number(const std::optional<std::int64_t>& v) {
    if (v) {
      number(*v);
    } else {
      null();
    }
  }
  void time(timestamp v) { number(detail::to_millis(v)); }
  void time(const std::optional<timestamp>& v) {
    if (v) {
      time(*v);
    } else {
      null();
    }
  }
  void boolean(bool v) {
    separate();
    text_ += v ? 't' : 'f';
  }
  void null() {
    separate();
    text_ += "NULL";
  }
  /// The finished literal; nothing may be added after.
  const std::string& done() {
    if (!closed_) text_ += '}';
    closed_ = true;
    return text_;
  }

 private:
  void separate() {
    if (text_.size() > 1) text_ += ',';
  }
  std::string text_;
  bool closed_ = false;
};

/// What to do with the result of one pipelined statement.
struct expectation {
  std::size_t set = 0;
  enum class kind {
    ignore,
    event,
    trace_seq,
    notification_id,
    outbox_insert,  // whether the row was new (the insert does nothing for a known id)
    event_batch,    // the dedupe keys of the events the multi-row insert stored
    trace_batch,    // (conversation_id, seq) of each row of the multi-row trace insert
  } what = kind::ignore;
};

class pipeline {
 public:
  explicit pipeline(PGconn* conn) : conn_(conn) {}

  template <class... Args>
  void send(const char* name, expectation e, const Args&... args) {
    const params p(args...);
    if (PQsendQueryPrepared(conn_, name, p.count(), p.values(), nullptr, nullptr, 0) != 1) {
      connection_failed(conn_, "send");
    }
    expected_.push_back(e);
  }
  void send_plain(const char* text) {
    if (PQsendQueryParams(conn_, text, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) {
      connection_failed(conn_, "send");
    }
    expected_.push_back({});
  }

  /// Sends a sync and reads every result; `on_row` sees each expectation with its result.
  /// The first statement error is thrown after the sync is consumed.
  template <class F>
  void sync(F&& on_result) {
    if (PQpipelineSync(conn_) != 1) connection_failed(conn_, "sync");
    std::optional<store_error> first_error;
    for (const auto& e : expected_) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) connection_failed(conn_, "result");
      const auto status = PQresultStatus(r);
      if (status == PGRES_FATAL_ERROR && !first_error) {
        const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        first_error = store_error{code_for_state(state != nullptr ? state : ""),
                                  "postgresql: " + trimmed(PQresultErrorMessage(r))};
      } else if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
        if (!first_error) on_result(e, r);
      }
      PQclear(r);
      // Each statement's results end with a null.
      PGresult* end = PQgetResult(conn_);
      if (end != nullptr) {
        PQclear(end);
        connection_failed(conn_, "unexpected extra result");
      }
    }
    PGresult* s = PQgetResult(conn_);
    if (s == nullptr) connection_failed(conn_, "sync result");
    const bool synced = PQresultStatus(s) == PGRES_PIPELINE_SYNC;
    PQclear(s);
    if (!synced) connection_failed(conn_, "pipeline out of step");
    expected_.clear();
    if (first_error) throw pipeline_failure{*first_error};
  }

 private:
  PGconn* conn_;
  std::vector<expectation> expected_;
};

void send_traces(pipeline& p, const change_set& set, std::size_t index) {
  for (const auto& t : set.traces) {
    p.send("fdw_insert_trace", {index, expectation::kind::trace_seq}, t.conversation_id,
           t.seq > 0 ? std::optional<std::int64_t>(t.seq) : std::nullopt, t.at, t.from_state,
           t.to_state, t.event, t.cause, t.actor, t.detail, t.event_data);
  }
}

/// Everything of one set but its inbound event and its trace rows (see send_traces), and its
/// conversation when that went out with the others already.
void send_set_body(pipeline& p, const change_set& set, std::size_t index, bool conversation_sent) {
  using kind = expectation::kind;
  if (set.conversation && !conversation_sent) {
    const auto& r = *set.conversation;
    p.send("fdw_upsert_conversation", {index}, r.id, r.contact_id, r.channel, r.state, r.priority,
           r.draft_version, r.assignee, r.escalation_reason, r.first_response_due, r.resolution_due,
           r.sla_breached, r.closed, r.updated_at, r.snapshot);
  }
  for (const auto& m : set.messages) {
    p.send("fdw_insert_message", {index}, m.conversation_id, m.message_id, m.kind, m.content,
           m.sender, m.created_at);
  }
  for (const auto& q : set.queue_items) {
    p.send("fdw_upsert_queue_item", {index}, q.id, q.conversation_id, q.draft_version, q.status,
           q.action, q.priority, q.channel, q.contact, q.customer_message, q.draft, q.confidence,
           q.recommended_action, q.sources, q.tags, q.sentiment, q.flags, q.created_at,
           q.reviewed_at, q.operator_id, q.edited_text, q.grades, q.notes, q.action_fingerprint);
  }
  for (const auto& l : set.learning_records) {
    p.send("fdw_upsert_learning", {index}, l.id, l.conversation_id, l.draft_version,
           l.customer_message, l.draft, l.final_text, l.action, l.edit_distance, l.grades,
           l.sources, l.confidence, l.drafter_version, l.reviewer, l.review_seconds, l.outcome,
           l.created_at, l.reviewed_at);
  }
  for (const auto& n : set.notifications) {
    p.send("fdw_insert_notification", {index, kind::notification_id}, n.kind, n.conversation_id,
           n.payload, n.created_at);
  }
  for (const auto& a : set.audits) {
    p.send("fdw_insert_audit", {index}, a.at, a.actor, a.action, a.target, a.before, a.after);
  }
  for (const auto& o : set.outbox) {
    p.send("fdw_insert_outbox", {index, kind::outbox_insert}, o.id, o.conversation_id,
           o.draft_version, o.kind, o.payload, o.status, o.attempts, o.created_at, o.delivered_at,
           o.external_id);
  }
  for (const auto& t : set.timer_upserts) {
    p.send("fdw_upsert_timer", {index}, t.conversation_id, t.name, t.due_at, t.epoch, t.fired);
  }
  for (const auto& k : set.timer_deletes) {
    p.send("fdw_delete_timer", {index}, k.conversation_id, k.name);
  }
}

/// Sends every inbound event of the batch as one INSERT when no two of them share a delivery id
/// or a dedupe key (then each stored row names its set by its dedupe key); false otherwise.
bool send_events_as_one(pipeline& p, const std::vector<change_set>& sets) {
  std::size_t count = 0;
  std::unordered_set<std::string_view> keys;
  std::unordered_set<std::string_view> deliveries;
  for (const auto& set : sets) {
    if (!set.inbound) continue;
    ++count;
    if (!keys.insert(as_sent(set.inbound->dedupe_key)).second) return false;
    if (set.inbound->delivery_id && !deliveries.insert(as_sent(*set.inbound->delivery_id)).second) {
      return false;
    }
  }
  if (count < 2) return false;
  array_literal delivery, key, event, conversation, received, body;
  for (const auto& set : sets) {
    if (!set.inbound) continue;
    const auto& e = *set.inbound;
    delivery.text(e.delivery_id);
    key.text(std::string_view(e.dedupe_key));
    event.text(std::string_view(e.event));
    conversation.number(e.conversation_id);
    received.time(e.received_at);
    body.text(std::string_view(e.body));
  }
  p.send("fdw_insert_events_multi", {0, expectation::kind::event_batch}, delivery.done(),
         key.done(), event.done(), conversation.done(), received.done(), body.done());
  return true;
}

/// Sends the conversation upserts of the sets still live as one statement when no conversation
/// appears twice (one INSERT cannot update a row twice); false otherwise.
bool send_conversations_as_one(pipeline& p, const std::vector<change_set>& sets,
                               const std::vector<apply_result>& results) {
  std::size_t count = 0;
  std::unordered_set<std::int64_t> ids;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (!sets[i].conversation || results[i].outcome == apply_outcome::duplicate) continue;
    ++count;
    if (!ids.insert(sets[i].conversation->id).second) return false;
  }
  if (count < 2) return false;
  array_literal id, contact, channel, state, priority, version, assignee, reason, first_due,
      resolution_due, breached, closed, updated, snapshot;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (!sets[i].conversation || results[i].outcome == apply_outcome::duplicate) continue;
    const auto& r = *sets[i].conversation;
    id.number(r.id);
    contact.number(r.contact_id);
    channel.text(std::string_view(r.channel));
    state.text(std::string_view(r.state));
    priority.text(std::string_view(r.priority));
    version.number(r.draft_version);
    assignee.number(r.assignee);
    reason.text(r.escalation_reason);
    first_due.time(r.first_response_due);
    resolution_due.time(r.resolution_due);
    breached.boolean(r.sla_breached);
    closed.boolean(r.closed);
    updated.time(r.updated_at);
    snapshot.text(std::string_view(r.snapshot));
  }
  p.send("fdw_upsert_conversations_multi", {0}, id.done(), contact.done(), channel.done(),
         state.done(), priority.done(), version.done(), assignee.done(), reason.done(),
         first_due.done(), resolution_due.done(), breached.done(), closed.done(), updated.done(),
         snapshot.done());
  return true;
}

/// Where each row of the multi-row trace insert belongs: conversation id -> (set, position).
using trace_slots = std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>>;

/// Sends the trace rows of the sets still live as one statement when no conversation has two of
/// them (the next seq of a conversation is computed from the rows stored before the statement);
/// fills `slots` and sizes each set's trace_seqs. False otherwise.
bool send_traces_as_one(pipeline& p, const std::vector<change_set>& sets,
                        std::vector<apply_result>& results, trace_slots& slots) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (results[i].outcome == apply_outcome::duplicate) continue;
    for (std::size_t k = 0; k < sets[i].traces.size(); ++k) {
      ++count;
      if (!slots.emplace(sets[i].traces[k].conversation_id, std::pair{i, k}).second) {
        slots.clear();
        return false;
      }
    }
  }
  if (count < 2) {
    slots.clear();
    return false;
  }
  array_literal conversation, seq, at, from, to, event, cause, actor, detail_text, event_data;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (results[i].outcome == apply_outcome::duplicate) continue;
    results[i].trace_seqs.assign(sets[i].traces.size(), 0);
    for (const auto& t : sets[i].traces) {
      conversation.number(t.conversation_id);
      seq.number(t.seq > 0 ? std::optional<std::int64_t>(t.seq) : std::nullopt);
      at.time(t.at);
      from.text(std::string_view(t.from_state));
      to.text(std::string_view(t.to_state));
      event.text(std::string_view(t.event));
      cause.text(std::string_view(t.cause));
      actor.text(std::string_view(t.actor));
      detail_text.text(std::string_view(t.detail));
      event_data.text(std::string_view(t.event_data));
    }
  }
  p.send("fdw_insert_traces_multi", {0, expectation::kind::trace_batch}, conversation.done(),
         seq.done(), at.done(), from.done(), to.done(), event.done(), cause.done(), actor.done(),
         detail_text.done(), event_data.done());
  return true;
}

}  // namespace

result<std::unique_ptr<postgresql_batch_writer>> postgresql_batch_writer::connect(
    const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    store_error e{store_error_code::unavailable,
                  "postgresql: cannot connect: " + trimmed(PQerrorMessage(conn))};
    PQfinish(conn);
    return frontdesk::unexpected{std::move(e)};
  }
  std::unique_ptr<postgresql_batch_writer> writer(new postgresql_batch_writer(conn));
  PQclear(PQexec(conn, "SET client_min_messages = warning"));
  const auto prepare = [conn](const prepared& s) -> std::optional<store_error> {
    PGresult* r = PQprepare(conn, s.name, s.text, 0, nullptr);
    const bool ok = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string message = r != nullptr ? trimmed(PQresultErrorMessage(r)) : "no result";
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const auto code = state != nullptr ? code_for_state(state) : store_error_code::unavailable;
    PQclear(r);
    if (ok) return std::nullopt;
    return store_error{code, "postgresql: preparing " + std::string(s.name) + ": " + message};
  };
  const prepared multi_statements[] = {
      {"fdw_insert_events_multi", insert_events_multi},
      {"fdw_upsert_conversations_multi", upsert_conversations_multi().c_str()},
      {"fdw_insert_traces_multi", insert_traces_multi},
  };
  for (const auto& s : write_statements) {
    if (auto failed = prepare(s)) return frontdesk::unexpected{std::move(*failed)};
  }
  for (const auto& s : multi_statements) {
    if (auto failed = prepare(s)) return frontdesk::unexpected{std::move(*failed)};
  }
  return writer;
}

postgresql_batch_writer::~postgresql_batch_writer() {
  PQfinish(conn_);
}

bool postgresql_batch_writer::usable() const {
  if (broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
  // An idle connection has nothing to read unless the server closed it.
  pollfd p{PQsocket(conn_), POLLIN, 0};
  return p.fd >= 0 && ::poll(&p, 1, 0) == 0;
}

result<std::vector<apply_result>> postgresql_batch_writer::apply(
    const std::vector<change_set>& sets) {
  std::vector<apply_result> results(sets.size());
  if (PQenterPipelineMode(conn_) != 1) {
    return frontdesk::unexpected{
        store_error{store_error_code::unavailable,
                    "postgresql: cannot enter pipeline mode: " + trimmed(PQerrorMessage(conn_))}};
  }
  bool begun = false;
  try {
    pipeline p(conn_);
    using kind = expectation::kind;
    // Phase 1: BEGIN and the inbound events; a duplicate event skips its set.
    p.send_plain("BEGIN");
    begun = true;
    const bool events_as_one = send_events_as_one(p, sets);
    if (!events_as_one) {
      for (std::size_t i = 0; i < sets.size(); ++i) {
        if (!sets[i].inbound) continue;
        const auto& e = *sets[i].inbound;
        p.send("fdw_insert_event", {i, kind::event}, e.delivery_id, e.dedupe_key, e.event,
               e.conversation_id, e.received_at, e.body);
      }
    }
    std::unordered_set<std::string_view> stored_keys;
    std::vector<std::string> stored_key_text;
    p.sync([&](const expectation& e, PGresult* r) {
      if (e.what == kind::event && PQntuples(r) == 0) {
        results[e.set].outcome = apply_outcome::duplicate;
      } else if (e.what == kind::event_batch) {
        const int rows = PQntuples(r);
        stored_key_text.reserve(static_cast<std::size_t>(rows));
        for (int row = 0; row < rows; ++row) {
          stored_key_text.emplace_back(PQgetvalue(r, row, 0),
                                       static_cast<std::size_t>(PQgetlength(r, row, 0)));
        }
      }
    });
    if (events_as_one) {
      for (const auto& k : stored_key_text) stored_keys.insert(k);
      for (std::size_t i = 0; i < sets.size(); ++i) {
        if (sets[i].inbound && stored_keys.count(as_sent(sets[i].inbound->dedupe_key)) == 0) {
          results[i].outcome = apply_outcome::duplicate;
        }
      }
    }
    // Phase 2: everything else, then COMMIT, in one round trip.
    // Tables have no triggers or foreign keys, so statements of different tables commute; within
    // a table the batch order is kept.
    const bool conversations_as_one = send_conversations_as_one(p, sets, results);
    for (std::size_t i = 0; i < sets.size(); ++i) {
      if (results[i].outcome == apply_outcome::duplicate) continue;
      send_set_body(p, sets[i], i, conversations_as_one);
    }
    trace_slots slots;
    if (!send_traces_as_one(p, sets, results, slots)) {
      for (std::size_t i = 0; i < sets.size(); ++i) {
        if (results[i].outcome == apply_outcome::duplicate) continue;
        send_traces(p, sets[i], i);
      }
    }
    p.send_plain("COMMIT");
    p.sync([&](const expectation& e, PGresult* r) {
      if (e.what == kind::trace_batch) {
        const int rows = PQntuples(r);
        for (int row = 0; row < rows; ++row) {
          const auto slot = slots.find(std::strtoll(PQgetvalue(r, row, 0), nullptr, 10));
          if (slot == slots.end()) continue;
          results[slot->second.first].trace_seqs[slot->second.second] =
              std::strtoll(PQgetvalue(r, row, 1), nullptr, 10);
        }
        return;
      }
      if (e.what == kind::outbox_insert) {
        results[e.set].outbox_inserted.push_back(std::string_view(PQcmdTuples(r)) == "1");
        return;
      }
      if (e.what == kind::ignore || e.what == kind::event || PQntuples(r) != 1) return;
      const std::int64_t value = std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10);
      (e.what == kind::trace_seq ? results[e.set].trace_seqs : results[e.set].notification_ids)
          .push_back(value);
    });
  } catch (const pipeline_failure& f) {
    if (PQstatus(conn_) == CONNECTION_OK) {
      // Drain whatever is left, leave pipeline mode and end the failed transaction.
      while (PQisBusy(conn_) == 0) {
        PGresult* r = PQgetResult(conn_);
        if (r == nullptr) break;
        PQclear(r);
      }
      if (PQexitPipelineMode(conn_) == 1) {
        if (begun) PQclear(PQexec(conn_, "ROLLBACK"));
      } else {
        broken_ = true;
      }
    }
    return frontdesk::unexpected{f.error};
  }
  if (PQexitPipelineMode(conn_) != 1) {
    broken_ = true;
    return frontdesk::unexpected{
        store_error{store_error_code::unavailable,
                    "postgresql: cannot leave pipeline mode: " + trimmed(PQerrorMessage(conn_))}};
  }
  return results;
}

}  // namespace frontdesk::persistence
