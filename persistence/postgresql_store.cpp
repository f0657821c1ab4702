#include "persistence/postgresql_store.hpp"

#include <poll.h>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include <pqxx/pqxx>
#include <utility>

#include "persistence/migrations.hpp"
#include "persistence/postgresql_batch_writer.hpp"
#include "persistence/row_decoders.hpp"
#include "persistence/sql_text.hpp"
#include "persistence/store_codec.hpp"

namespace frontdesk::persistence {

namespace {

using detail::from_millis;
using detail::read_conversation;
using detail::read_learning;
using detail::read_outbox;
using detail::read_queue_item;
using detail::read_timer;
using detail::to_millis;

struct pg_failure {
  store_error error;
};

struct named_statement {
  const char* name;
  const char* text;
};

// The reads (and the outbox update), prepared on each pooled connection before its first use.
// Batches of change sets go through postgresql_batch_writer instead.
constexpr named_statement statements[] = {
    {"fd_select_conversation", sql::select_conversation},
    {"fd_select_open_conversations", sql::select_open_conversations},
    {"fd_select_messages", sql::select_messages},
    {"fd_select_queue_item", sql::select_queue_item},
    {"fd_select_queue_item_for", sql::select_queue_item_for},
    {"fd_select_trace", sql::select_trace},
    {"fd_select_learning", sql::select_learning},
    {"fd_select_audit", sql::select_audit},
    {"fd_select_notifications", sql::select_notifications},
    {"fd_select_pending_outbox", sql::select_pending_outbox},
    {"fd_update_outbox", sql::update_outbox},
    {"fd_insert_notification", sql::insert_notification},
    {"fd_select_timers", sql::select_timers},
    {"fd_select_unfired_timers", sql::select_unfired_timers},
    {"fd_count_unresolved", sql::count_unresolved},
    {"fd_select_last_grades", sql::select_last_grades},
    {"fd_count_queue", sql::count_queue},
};

/// Renders values as SQL literals for an `EXECUTE name(...)` of a prepared statement.
class call {
 public:
  call(pqxx::connection_base& conn, std::string_view name) : conn_(conn) {
    text_ = "EXECUTE ";
    text_ += name;
    text_ += '(';
  }
  template <class... Args>
  std::string operator()(const Args&... args) {
    (add(args), ...);
    if (first_) {
      text_.pop_back();  // EXECUTE name, without an empty argument list
    } else {
      text_ += ')';
    }
    return std::move(text_);
  }

 private:
  void sep() {
    if (!first_) text_ += ", ";
    first_ = false;
  }
  void add(std::int64_t v) { sep(), text_ += std::to_string(v); }
  void add(int v) { sep(), text_ += std::to_string(v); }
  void add(bool v) { sep(), text_ += v ? "true" : "false"; }
  void add(double v) {
    sep();
    if (std::isnan(v)) {
      text_ += "'NaN'";
    } else if (std::isinf(v)) {
      text_ += v > 0 ? "'Infinity'" : "'-Infinity'";
    } else {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.17g", v);
      text_ += buffer;
    }
  }
  void add(timestamp v) { add(to_millis(v)); }
  void add(std::string_view v) {
    sep();
    text_ += '\'';
    text_ += conn_.esc(std::string(v));
    text_ += '\'';
  }
  void add(const std::string& v) { add(std::string_view(v)); }
  void add(const char* v) { add(std::string_view(v)); }
  void add(std::nullopt_t) { sep(), text_ += "NULL"; }
  template <class T>
  void add(const std::optional<T>& v) {
    if (v) {
      add(*v);
    } else {
      add(std::nullopt);
    }
  }

  pqxx::connection_base& conn_;
  std::string text_;
  bool first_ = true;
};

/// Reads typed fields of one result row.
class row_reader : public detail::row_columns<row_reader> {
 public:
  explicit row_reader(const pqxx::row& row) : row_(row) {}
  bool is_null(int col) const { return row_[col].is_null(); }
  std::int64_t i64(int col) const { return row_[col].as<std::int64_t>(); }
  double f64(int col) const { return row_[col].as<double>(); }
  bool boolean(int col) const { return row_[col].as<bool>(); }
  std::string text(int col) const { return row_[col].as<std::string>(); }

 private:
  const pqxx::row& row_;
};

/// A pooled connection; `prepared` once every statement is prepared on it.
struct pg_connection {
  std::unique_ptr<pqxx::connection> conn;
  bool prepared = false;
};

/// An idle connection has nothing to read unless the server closed it or said goodbye.
bool peer_has_hung_up(const pqxx::connection& conn) {
  const int fd = conn.sock();
  if (fd < 0) return true;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) != 0;
}

std::string with_connect_timeout(std::string uri, int seconds) {
  if (uri.find("connect_timeout") != std::string::npos) return uri;
  uri += uri.find('?') == std::string::npos ? '?' : '&';
  uri += "connect_timeout=" + std::to_string(seconds);
  return uri;
}

/// A prepared-statement call whose literals are rendered once a connection is at hand.
template <class... Args>
auto call_text(const char* name, Args... args) {
  return [name, args...](pqxx::connection& c) { return call(c, name)(args...); };
}

template <class Row, class F>
auto rows_of(F read_row) {
  return [read_row](const pqxx::result& r) {
    std::vector<Row> out;
    out.reserve(r.size());
    for (const auto& row : r) out.push_back(read_row(row_reader(row)));
    return out;
  };
}

class postgresql_store final : public store {
 public:
  postgresql_store(std::string uri, const store_options& options)
      : uri_(with_connect_timeout(std::move(uri), options.connect_timeout_seconds)),
        pool_size_(std::max(options.pool_size, 1)) {}

  result<void> migrate() override {
    return with_connection(false, [&](pqxx::connection& c) -> result<void> {
      pqxx::work tx(c);
      tx.exec("SELECT pg_advisory_xact_lock(7305412)");
      tx.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
      const auto all = migrations_for("postgresql");
      const int known = all.empty() ? 0 : all.back().version;
      const int current =
          tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].as<int>();
      if (current > known) {
        return frontdesk::unexpected{store_error{
            store_error_code::too_new, "database schema version " + std::to_string(current) +
                                           " is newer than this binary supports (" +
                                           std::to_string(known) +
                                           "); upgrade frontdesk or use a matching database"}};
      }
      for (const auto& m : all) {
        if (m.version <= current) continue;
        tx.exec(std::string(m.sql));
        tx.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (" +
                std::to_string(m.version) + ", " + tx.quote(std::string(m.name)) + ", " +
                std::to_string(now_millis()) + ")");
      }
      tx.commit();
      return {};
    });
  }

  result<int> schema_version() override {
    return with_connection(false, [&](pqxx::connection& c) -> result<int> {
      pqxx::read_transaction tx(c);
      const auto exists = tx.exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
      if (!exists[0][0].as<bool>()) return 0;
      return tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].as<int>();
    });
  }

  result<std::vector<apply_result>> apply(const std::vector<change_set>& sets) override {
    std::unique_ptr<postgresql_batch_writer> writer;
    {
      std::unique_lock lock(mutex_);
      if (!available_.wait_for(lock, std::chrono::seconds(30), [&] {
            return !idle_writers_.empty() || writers_open_ < pool_size_;
          })) {
        return frontdesk::unexpected{
            store_error{store_error_code::unavailable, "postgresql: no free writer connection"}};
      }
      while (!idle_writers_.empty() && !writer) {
        writer = std::move(idle_writers_.back());
        idle_writers_.pop_back();
        if (!writer->usable()) {
          // The server restarted while these sat idle.
          writer.reset();
          writers_open_ -= 1 + static_cast<int>(idle_writers_.size());
          idle_writers_.clear();
        }
      }
      if (!writer) ++writers_open_;
    }
    if (!writer) {
      auto connected = postgresql_batch_writer::connect(uri_);
      if (!connected) {
        {
          std::lock_guard lock(mutex_);
          --writers_open_;
        }
        available_.notify_all();
        return frontdesk::unexpected{connected.error()};
      }
      writer = std::move(connected.value());
    }
    auto outcome = writer->apply(sets);
    {
      std::lock_guard lock(mutex_);
      if (writer->usable()) {
        idle_writers_.push_back(std::move(writer));
      } else {
        --writers_open_;
      }
    }
    available_.notify_all();
    return outcome;
  }

  result<std::optional<conversation_row>> get_conversation(std::int64_t id) override {
    return query(call_text("fd_select_conversation", id),
                 [](const pqxx::result& r) -> std::optional<conversation_row> {
                   if (r.empty()) return std::nullopt;
                   return read_conversation(row_reader(r[0]));
                 });
  }

  result<std::vector<conversation_row>> open_conversations() override {
    return query(call_text("fd_select_open_conversations"),
                 rows_of<conversation_row>(read_conversation<row_reader>));
  }

  result<std::vector<message_row>> messages(std::int64_t conversation_id, int limit) override {
    return query(call_text("fd_select_messages", conversation_id, std::max(limit, 0)),
                 rows_of<message_row>([](const row_reader& s) {
                   return message_row{s.i64(0),  s.opt_i64(1), s.text(2),
                                      s.text(3), s.text(4),    s.time(5)};
                 }));
  }

  result<queue_page> queue(const queue_filter& filter) override {
    if (filter.limit < 1 || filter.limit > 500) {
      return frontdesk::unexpected{
          store_error{store_error_code::invalid, "queue limit must be between 1 and 500"}};
    }
    std::optional<detail::queue_position> after;
    if (filter.cursor) {
      after = detail::decode_cursor(*filter.cursor);
      if (!after) {
        return frontdesk::unexpected{store_error{store_error_code::invalid, "malformed cursor"}};
      }
    }
    return with_connection(false, [&](pqxx::connection& c) -> result<queue_page> {
      std::string text = sql::queue_columns;
      text += " WHERE TRUE";
      if (filter.status) text += " AND status = " + c.quote(*filter.status);
      if (filter.priority) text += " AND priority = " + c.quote(*filter.priority);
      if (filter.min_confidence) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.17g", *filter.min_confidence);
        text += std::string(" AND confidence >= ") +
                (std::isfinite(*filter.min_confidence) ? buffer : "0");
      }
      if (filter.channel) text += " AND channel = " + c.quote(*filter.channel);
      if (after) {
        text += " AND (priority, created_at, id) > (" + c.quote(after->priority) + ", " +
                std::to_string(after->created_at) + ", " + c.quote(after->id) + ")";
      }
      text += " ORDER BY priority, created_at, id LIMIT " + std::to_string(filter.limit + 1);
      pqxx::read_transaction tx(c);
      const auto rows = tx.exec(text);
      queue_page page;
      for (const auto& row : rows) page.items.push_back(read_queue_item(row_reader(row)));
      if (page.items.size() > static_cast<std::size_t>(filter.limit)) {
        page.items.pop_back();
        const auto& last = page.items.back();
        page.next_cursor =
            detail::encode_cursor({last.priority, to_millis(last.created_at), last.id});
      }
      return page;
    });
  }

  result<std::optional<queue_item_row>> queue_item(std::string_view id) override {
    return query(call_text("fd_select_queue_item", id),
                 [](const pqxx::result& r) -> std::optional<queue_item_row> {
                   if (r.empty()) return std::nullopt;
                   return read_queue_item(row_reader(r[0]));
                 });
  }

  result<std::optional<queue_item_row>> queue_item_for(std::int64_t conversation_id,
                                                       std::int64_t draft_version) override {
    return query(call_text("fd_select_queue_item_for", conversation_id, draft_version),
                 [](const pqxx::result& r) -> std::optional<queue_item_row> {
                   if (r.empty()) return std::nullopt;
                   return read_queue_item(row_reader(r[0]));
                 });
  }

  result<std::vector<trace_row>> trace(std::int64_t conversation_id) override {
    return query(call_text("fd_select_trace", conversation_id),
                 rows_of<trace_row>([](const row_reader& s) {
                   return trace_row{s.i64(0),  s.i64(1),  s.time(2), s.text(3), s.text(4),
                                    s.text(5), s.text(6), s.text(7), s.text(8), s.text(9)};
                 }));
  }

  result<std::vector<learning_record_row>> learning(timestamp from, timestamp to) override {
    return query(call_text("fd_select_learning", from, to),
                 rows_of<learning_record_row>(read_learning<row_reader>));
  }

  result<std::vector<audit_row>> audit(timestamp from, timestamp to) override {
    return query(
        call_text("fd_select_audit", from, to), rows_of<audit_row>([](const row_reader& s) {
          return audit_row{s.time(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)};
        }));
  }

  result<std::vector<notification_row>> notifications(std::int64_t since_id, int limit) override {
    return query(call_text("fd_select_notifications", since_id, std::max(limit, 0)),
                 rows_of<notification_row>([](const row_reader& s) {
                   return notification_row{s.i64(0), s.text(1), s.opt_i64(2), s.text(3), s.time(4)};
                 }));
  }

  result<std::vector<outbox_row>> pending_outbox(int limit) override {
    return query(call_text("fd_select_pending_outbox", std::max(limit, 0)),
                 rows_of<outbox_row>(read_outbox<row_reader>));
  }

  result<void> mark_outbox(std::string_view id, std::string_view status,
                           std::optional<std::string> external_id, int attempts) override {
    return with_connection(true, [&](pqxx::connection& c) -> result<void> {
      pqxx::work tx(c);
      if (auto marked = update_outbox(tx, c, id, status, external_id, attempts); !marked) {
        return marked;
      }
      tx.commit();
      return {};
    });
  }
  result<std::int64_t> give_up_outbox(std::string_view id, int attempts,
                                      const notification_row& tell) override {
    return with_connection(true, [&](pqxx::connection& c) -> result<std::int64_t> {
      pqxx::work tx(c);
      if (auto marked = update_outbox(tx, c, id, "failed", std::nullopt, attempts); !marked) {
        return frontdesk::unexpected{marked.error()};
      }
      const auto n = tx.exec(call(c, "fd_insert_notification")(tell.kind, tell.conversation_id,
                                                               tell.payload, tell.created_at));
      const auto notification_id = n[0][0].as<std::int64_t>();
      tx.commit();
      return notification_id;
    });
  }

  result<std::vector<timer_row>> timers(std::int64_t conversation_id) override {
    return query(call_text("fd_select_timers", conversation_id),
                 rows_of<timer_row>(read_timer<row_reader>));
  }

  result<std::vector<timer_row>> unfired_timers(timestamp due_by) override {
    return query(call_text("fd_select_unfired_timers", due_by),
                 rows_of<timer_row>(read_timer<row_reader>));
  }

  result<contact_history> customer_history(std::int64_t contact_id,
                                           std::int64_t conversation_id) override {
    return with_connection(true, [&](pqxx::connection& c) -> result<contact_history> {
      pqxx::read_transaction tx(c);
      contact_history out;
      out.unresolved_conversations =
          tx.exec(call(c, "fd_count_unresolved")(contact_id, conversation_id))[0][0]
              .as<std::int64_t>();
      const auto grades = tx.exec(call(c, "fd_select_last_grades")(contact_id));
      if (!grades.empty()) out.last_ai_grade = detail::mean_of_grades(grades[0][0].c_str());
      return out;
    });
  }

  result<std::map<std::string, std::int64_t>> count_queue_by_status() override {
    return query(call_text("fd_count_queue"), [](const pqxx::result& r) {
      std::map<std::string, std::int64_t> out;
      for (const auto& row : r) out[row[0].as<std::string>()] = row[1].as<std::int64_t>();
      return out;
    });
  }

  result<void> ping() override {
    return with_connection(false, [&](pqxx::connection& c) -> result<void> {
      pqxx::nontransaction tx(c);
      tx.exec("SELECT 1");
      return {};
    });
  }

 private:
  /// Records an attempt at an outbox entry in `tx`; invalid when there is no such entry.
  static result<void> update_outbox(pqxx::work& tx, pqxx::connection& c, std::string_view id,
                                    std::string_view status,
                                    const std::optional<std::string>& external_id, int attempts) {
    const auto r =
        tx.exec(call(c, "fd_update_outbox")(id, status, attempts, external_id, now_millis()));
    if (r.affected_rows() == 0) {
      return frontdesk::unexpected{
          store_error{store_error_code::invalid, "no outbox entry '" + std::string(id) + "'"}};
    }
    return {};
  }

  static std::int64_t now_millis() {
    return to_millis(
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  }

  /// Runs one prepared read and maps its result.
  template <class Render, class Map>
  auto query(Render render, Map map) -> result<decltype(map(std::declval<pqxx::result>()))> {
    using value_type = decltype(map(std::declval<pqxx::result>()));
    return with_connection(true, [&](pqxx::connection& c) -> result<value_type> {
      pqxx::read_transaction tx(c);
      return map(tx.exec(render(c)));
    });
  }

  /// Leases a pooled connection (opening one when needed), prepares statements if asked,
  /// runs `body`, and maps every libpqxx exception to a store_error. A connection that failed
  /// at the connection level is dropped, so the next call reconnects.
  template <class F>
  auto with_connection(bool need_statements, F&& body)
      -> decltype(body(std::declval<pqxx::connection&>())) {
    std::unique_ptr<pg_connection> lease;
    {
      std::unique_lock lock(mutex_);
      if (!available_.wait_for(lock, std::chrono::seconds(30),
                               [&] { return !idle_.empty() || open_ < pool_size_; })) {
        return frontdesk::unexpected{store_error{store_error_code::unavailable,
                                                 "postgresql: no free connection in the pool"}};
      }
      if (!idle_.empty()) {
        lease = std::move(idle_.back());
        idle_.pop_back();
        if (peer_has_hung_up(*lease->conn)) {
          // The server restarted while this sat idle; so did every other idle connection.
          // (Beginning a transaction on such a connection also leaks inside libpqxx 6.4.)
          lease.reset();
          open_ -= static_cast<int>(idle_.size());
          idle_.clear();
        }
      } else {
        ++open_;
      }
    }
    bool keep = true;
    auto outcome = [&]() -> decltype(body(std::declval<pqxx::connection&>())) {
      try {
        if (!lease) {
          auto fresh = std::make_unique<pg_connection>();
          fresh->conn = std::make_unique<pqxx::connection>(uri_);
          pqxx::nontransaction setup(*fresh->conn);
          setup.exec("SET client_min_messages = warning");
          lease = std::move(fresh);
        }
        if (need_statements && !lease->prepared) {
          pqxx::nontransaction tx(*lease->conn);
          tx.exec("DEALLOCATE ALL");
          for (const auto& s : statements) {
            tx.exec(std::string("PREPARE ") + s.name + " AS " + s.text);
          }
          lease->prepared = true;
        }
        return body(*lease->conn);
      } catch (const pqxx::broken_connection& e) {
        keep = false;
        return frontdesk::unexpected{
            store_error{store_error_code::unavailable, std::string("postgresql: ") + e.what()}};
      } catch (const pqxx::in_doubt_error& e) {
        keep = false;
        return frontdesk::unexpected{
            store_error{store_error_code::unavailable,
                        std::string("postgresql: commit outcome unknown: ") + e.what()}};
      } catch (const pqxx::sql_error& e) {
        const std::string& state = e.sqlstate();
        const std::string klass = state.substr(0, 2);
        store_error_code code = store_error_code::invalid;
        if (klass == "23") code = store_error_code::conflict;
        if (klass == "08" || klass == "57" || klass == "53" || klass == "40") {
          code = store_error_code::unavailable;
        }
        if (klass == "08" || klass == "57") keep = false;
        if (state == "42P01" || state == "26000") {
          // A missing table or statement: the schema changed under us; prepare again.
          if (lease) lease->prepared = false;
        }
        std::string message = std::string("postgresql: ") + e.what();
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
          message.pop_back();
        }
        return frontdesk::unexpected{store_error{code, std::move(message)}};
      } catch (const pqxx::failure& e) {
        keep = false;
        return frontdesk::unexpected{
            store_error{store_error_code::unavailable, std::string("postgresql: ") + e.what()}};
      } catch (const std::exception& e) {
        return frontdesk::unexpected{
            store_error{store_error_code::invalid, std::string("postgresql: ") + e.what()}};
      }
    }();
    if (lease && keep && !lease->conn->is_open()) keep = false;
    {
      std::lock_guard lock(mutex_);
      if (lease && keep) {
        idle_.push_back(std::move(lease));
      } else {
        --open_;
        // The server went away or restarted: the idle connections are as dead as this one.
        open_ -= static_cast<int>(idle_.size());
        idle_.clear();
      }
    }
    available_.notify_all();
    return outcome;
  }

  std::string uri_;
  int pool_size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pg_connection>> idle_;
  int open_ = 0;
  std::vector<std::unique_ptr<postgresql_batch_writer>> idle_writers_;
  int writers_open_ = 0;
};

}  // namespace

result<std::unique_ptr<store>> open_postgresql_store(std::string_view uri,
                                                     const store_options& options) {
  if (uri.empty()) {
    return frontdesk::unexpected{store_error{store_error_code::invalid, "postgresql: empty URI"}};
  }
  return std::unique_ptr<store>(std::make_unique<postgresql_store>(std::string(uri), options));
}

}  // namespace frontdesk::persistence
