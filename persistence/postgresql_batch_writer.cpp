#include "persistence/postgresql_batch_writer.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <optional>
#include <string_view>

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

/// What to do with the result of one pipelined statement.
struct expectation {
  std::size_t set = 0;
  enum class kind { ignore, event, trace_seq, notification_id } what = kind::ignore;
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

void send_set_body(pipeline& p, const change_set& set, std::size_t index) {
  using kind = expectation::kind;
  if (set.conversation) {
    const auto& r = *set.conversation;
    p.send("fdw_upsert_conversation", {index}, r.id, r.contact_id, r.channel, r.state, r.priority,
           r.draft_version, r.assignee, r.escalation_reason, r.first_response_due, r.resolution_due,
           r.sla_breached, r.closed, r.updated_at, r.snapshot);
  }
  for (const auto& m : set.messages) {
    p.send("fdw_insert_message", {index}, m.conversation_id, m.message_id, m.kind, m.content,
           m.sender, m.created_at);
  }
  for (const auto& t : set.traces) {
    p.send("fdw_insert_trace", {index, kind::trace_seq}, t.conversation_id,
           t.seq > 0 ? std::optional<std::int64_t>(t.seq) : std::nullopt, t.at, t.from_state,
           t.to_state, t.event, t.cause, t.actor, t.detail, t.event_data);
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
    p.send("fdw_insert_outbox", {index}, o.id, o.conversation_id, o.draft_version, o.kind,
           o.payload, o.status, o.attempts, o.created_at, o.delivered_at, o.external_id);
  }
  for (const auto& t : set.timer_upserts) {
    p.send("fdw_upsert_timer", {index}, t.conversation_id, t.name, t.due_at, t.epoch, t.fired);
  }
  for (const auto& k : set.timer_deletes) {
    p.send("fdw_delete_timer", {index}, k.conversation_id, k.name);
  }
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
  for (const auto& s : write_statements) {
    PGresult* r = PQprepare(conn, s.name, s.text, 0, nullptr);
    const bool ok = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string message = r != nullptr ? trimmed(PQresultErrorMessage(r)) : "no result";
    const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const auto code = state != nullptr ? code_for_state(state) : store_error_code::unavailable;
    PQclear(r);
    if (!ok) {
      return frontdesk::unexpected{
          store_error{code, "postgresql: preparing " + std::string(s.name) + ": " + message}};
    }
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
    for (std::size_t i = 0; i < sets.size(); ++i) {
      if (!sets[i].inbound) continue;
      const auto& e = *sets[i].inbound;
      p.send("fdw_insert_event", {i, kind::event}, e.delivery_id, e.dedupe_key, e.event,
             e.conversation_id, e.received_at, e.body);
    }
    p.sync([&](const expectation& e, PGresult* r) {
      if (e.what == kind::event && PQntuples(r) == 0) {
        results[e.set].outcome = apply_outcome::duplicate;
      }
    });
    // Phase 2: everything else, then COMMIT, in one round trip.
    for (std::size_t i = 0; i < sets.size(); ++i) {
      if (results[i].outcome == apply_outcome::duplicate) continue;
      send_set_body(p, sets[i], i);
    }
    p.send_plain("COMMIT");
    p.sync([&](const expectation& e, PGresult* r) {
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
