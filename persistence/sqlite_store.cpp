#include "persistence/sqlite_store.hpp"

#include <sqlite3.h>

#include <pthread.h>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "persistence/migrations.hpp"
#include "persistence/row_decoders.hpp"
#include "persistence/sql_text.hpp"
#include "persistence/sqlite_library.hpp"
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

/// Thrown inside this file only; every public entry point turns it into a store_error.
struct sqlite_failure {
  store_error error;
};

store_error_code classify(int rc) noexcept {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
    case SQLITE_INTERRUPT:
      return store_error_code::unavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return store_error_code::corrupt;
    case SQLITE_CONSTRAINT:
      return store_error_code::conflict;
    default:
      return store_error_code::invalid;
  }
}

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  std::string message = "sqlite: ";
  message += what;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    message += " (another connection holds the write lock)";
  }
  throw sqlite_failure{{classify(rc), std::move(message)}};
}

/// "$1" -> "?1": SQLite numbers "?NNN" parameters by their number, not by first appearance.
std::string to_sqlite_placeholders(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '$' && std::isdigit(static_cast<unsigned char>(out[i + 1])) != 0) out[i] = '?';
  }
  return out;
}

/// The conversation upsert's parameters ($1..$14 as in sql::upsert_conversation), applied only to
/// a row whose indexed columns already hold these values.
constexpr const char* update_conversation_in_place =
    "UPDATE conversations SET channel = $3, state = $4, priority = $5, draft_version = $6, "
    "assignee = $7, escalation_reason = $8, first_response_due = $9, resolution_due = $10, "
    "sla_breached = $11, updated_at = $13, snapshot = $14 "
    "WHERE id = $1 AND contact_id = $2 AND closed = $12";

class statement;

/// One sqlite3 handle with its cache of prepared statements. Used by one thread at a time.
class connection {
 public:
  connection(const std::string& path, const store_options& options, bool writer) {
    configure_sqlite_library();
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = "sqlite: cannot open '" + path + "': ";
      message += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw sqlite_failure{{classify(rc), std::move(message)}};
    }
    try {
      sqlite3_extended_result_codes(db_, 1);
      sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
      if (writer) {
        // Touches the file: a file that is not a database fails here with SQLITE_NOTADB.
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA cache_size=-" +
             std::to_string(std::max<std::int64_t>(64, options.sqlite_writer_cache_kib)));
        // Checkpoints run on a background connection, off the commit path (see checkpointer).
        exec("PRAGMA wal_autocheckpoint=0");
        exec("PRAGMA synchronous=" +
             std::string(options.sqlite_synchronous == "full" ? "FULL" : "NORMAL"));
        if (options.sqlite_max_pages > 0) {
          exec("PRAGMA max_page_count=" + std::to_string(options.sqlite_max_pages));
        }
      } else {
        exec("PRAGMA query_only=1");
      }
      exec("PRAGMA foreign_keys=OFF");
    } catch (...) {
      sqlite3_close_v2(db_);
      throw;
    }
  }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection() {
    for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
    for (auto& [text, stmt] : literal_cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  sqlite3* handle() const noexcept { return db_; }

  void exec(const std::string& text) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      std::string message = error != nullptr ? error : sqlite3_errstr(rc);
      sqlite3_free(error);
      std::string what = "sqlite: " + message;
      if ((rc & 0xff) == SQLITE_BUSY) what += " (another connection holds the write lock)";
      throw sqlite_failure{{classify(rc), std::move(what)}};
    }
  }

  /// `text` is cached by address when `stable` (string literals), by content otherwise.
  sqlite3_stmt* prepare(const char* text, bool stable) {
    if (stable) {
      auto it = literal_cache_.find(text);
      if (it != literal_cache_.end()) return it->second;
    } else {
      auto it = cache_.find(text);
      if (it != cache_.end()) return it->second;
    }
    const std::string converted = to_sqlite_placeholders(text);
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, converted.c_str(), static_cast<int>(converted.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, "prepare");
    if (stable) {
      literal_cache_.emplace(text, stmt);
    } else {
      cache_.emplace(text, stmt);
    }
    return stmt;
  }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  std::unordered_map<const char*, sqlite3_stmt*> literal_cache_;
};

/// A prepared statement in use: binds, steps, reads columns, resets on destruction.
class statement : public detail::row_columns<statement> {
 public:
  /// `text` must be a string literal (cached by address).
  statement(connection& conn, const char* text) : conn_(conn), stmt_(conn.prepare(text, true)) {}
  /// Built at run time (cached by content).
  statement(connection& conn, const std::string& text)
      : conn_(conn), stmt_(conn.prepare(text.c_str(), false)) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  template <class... Args>
  statement& bind(Args&&... args) {
    int index = 1;
    (bind_one(index++, args), ...);
    return *this;
  }

  /// Like bind, but text is not copied: SQLite reads it in place until this statement is reset
  /// (at destruction), so every text argument must be an object that outlives the statement.
  template <class... Args>
  statement& bind_borrowed(Args&&... args) {
    static_assert(
        ((std::is_lvalue_reference_v<Args> || !holds_text<std::remove_cvref_t<Args>>)&&...),
        "borrowed text must outlive the statement: pass named objects");
    text_lifetime_ = SQLITE_STATIC;
    int index = 1;
    (bind_one(index++, args), ...);
    text_lifetime_ = SQLITE_TRANSIENT;
    return *this;
  }

  /// true when a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(conn_.handle(), rc, "statement");
  }
  void run() {
    while (step()) {
    }
  }

  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
  double f64(int col) const { return sqlite3_column_double(stmt_, col); }
  bool boolean(int col) const { return i64(col) != 0; }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p != nullptr ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                        : std::string();
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(conn_.handle(), rc, "bind");
  }
  void bind_one(int i, std::int64_t v) { check(sqlite3_bind_int64(stmt_, i, v)); }
  void bind_one(int i, int v) { check(sqlite3_bind_int64(stmt_, i, v)); }
  void bind_one(int i, bool v) { check(sqlite3_bind_int(stmt_, i, v ? 1 : 0)); }
  void bind_one(int i, double v) { check(sqlite3_bind_double(stmt_, i, v)); }
  void bind_one(int i, timestamp v) { check(sqlite3_bind_int64(stmt_, i, to_millis(v))); }
  void bind_one(int i, std::string_view v) {
    check(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), text_lifetime_, SQLITE_UTF8));
  }
  void bind_one(int i, const std::string& v) { bind_one(i, std::string_view(v)); }
  void bind_one(int i, const char* v) { bind_one(i, std::string_view(v)); }
  void bind_one(int i, std::nullopt_t) { check(sqlite3_bind_null(stmt_, i)); }
  template <class T>
  void bind_one(int i, const std::optional<T>& v) {
    if (v) {
      bind_one(i, *v);
    } else {
      check(sqlite3_bind_null(stmt_, i));
    }
  }

  template <class T>
  static constexpr bool holds_text =
      std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
      std::is_same_v<T, const char*> || std::is_same_v<T, std::optional<std::string>>;

  connection& conn_;
  sqlite3_stmt* stmt_;
  sqlite3_destructor_type text_lifetime_ = SQLITE_TRANSIENT;
};

/// Runs `body` and turns a sqlite_failure (or any other exception) into a store_error.
template <class F>
auto guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const sqlite_failure& f) {
    return frontdesk::unexpected{f.error};
  } catch (const std::exception& e) {
    return frontdesk::unexpected{store_error{store_error_code::unavailable, e.what()}};
  }
}

class sqlite_store final : public store {
 public:
  sqlite_store(std::string path, const store_options& options)
      : path_(std::move(path)), options_(options), memory_(path_ == ":memory:") {
    writer_ = std::make_unique<connection>(path_, options_, true);
    if (!memory_) {
      sqlite3_wal_hook(writer_->handle(), &sqlite_store::on_wal_commit, this);
      checkpointer_ = std::thread([this] { checkpoint_loop(); });
    }
  }

  ~sqlite_store() override {
    {
      std::lock_guard lock(checkpoint_mutex_);
      stopping_ = true;
    }
    checkpoint_wake_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
  }
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  result<void> migrate() override {
    return guarded([&]() -> result<void> {
      std::lock_guard lock(write_mutex_);
      return write_transaction([&](connection& c) -> result<void> {
        c.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        const auto all = migrations_for("sqlite");
        const int known = all.empty() ? 0 : all.back().version;
        const int current = current_version(c);
        if (current > known) {
          return frontdesk::unexpected{store_error{
              store_error_code::too_new, "database schema version " + std::to_string(current) +
                                             " is newer than this binary supports (" +
                                             std::to_string(known) +
                                             "); upgrade frontdesk or use a matching database"}};
        }
        for (const auto& m : all) {
          if (m.version <= current) continue;
          c.exec(std::string(m.sql));
          statement s(c,
                      "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
                      "($1, $2, $3)");
          s.bind(m.version, m.name, now_millis()).run();
        }
        return {};
      });
    });
  }

  result<int> schema_version() override {
    return guarded([&]() -> result<int> {
      std::lock_guard lock(write_mutex_);
      statement s(*writer_,
                  "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
                  "'schema_migrations'");
      s.step();
      if (s.i64(0) == 0) return 0;
      return current_version(*writer_);
    });
  }

  result<std::vector<apply_result>> apply(const std::vector<change_set>& sets) override {
    return guarded([&]() -> result<std::vector<apply_result>> {
      std::lock_guard lock(write_mutex_);
      auto results = write_transaction([&](connection& c) -> result<std::vector<apply_result>> {
        std::vector<apply_result> out;
        out.reserve(sets.size());
        for (const auto& set : sets) out.push_back(apply_one(c, set));
        return out;
      });
      if (results) restart_log_if_long(*writer_);
      return results;
    });
  }

  result<std::optional<conversation_row>> get_conversation(std::int64_t id) override {
    return read([&](connection& c) -> std::optional<conversation_row> {
      statement s(c, sql::select_conversation);
      s.bind(id);
      if (!s.step()) return std::nullopt;
      return read_conversation(s);
    });
  }

  result<std::vector<conversation_row>> open_conversations() override {
    return read([&](connection& c) {
      std::vector<conversation_row> out;
      statement s(c, sql::select_open_conversations);
      while (s.step()) out.push_back(read_conversation(s));
      return out;
    });
  }

  result<std::vector<message_row>> messages(std::int64_t conversation_id, int limit) override {
    return read([&](connection& c) {
      std::vector<message_row> out;
      statement s(c, sql::select_messages);
      s.bind(conversation_id, std::max(limit, 0));
      while (s.step()) {
        out.push_back(
            message_row{s.i64(0), s.opt_i64(1), s.text(2), s.text(3), s.text(4), s.time(5)});
      }
      return out;
    });
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
    std::string text = sql::queue_columns;
    text += " WHERE 1 = 1";
    if (filter.status) text += " AND status = $1";
    if (filter.priority) text += " AND priority = $2";
    if (filter.min_confidence) text += " AND confidence >= $3";
    if (filter.channel) text += " AND channel = $4";
    if (after) text += " AND (priority, created_at, id) > ($5, $6, $7)";
    text += " ORDER BY priority, created_at, id LIMIT $8";
    return read([&](connection& c) {
      queue_page page;
      statement s(c, text);
      s.bind(filter.status, filter.priority, filter.min_confidence, filter.channel,
             after ? std::optional<std::string>(after->priority) : std::nullopt,
             after ? std::optional<std::int64_t>(after->created_at) : std::nullopt,
             after ? std::optional<std::string>(after->id) : std::nullopt, filter.limit + 1);
      while (s.step()) page.items.push_back(read_queue_item(s));
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
    return read([&](connection& c) -> std::optional<queue_item_row> {
      statement s(c, sql::select_queue_item);
      s.bind(id);
      if (!s.step()) return std::nullopt;
      return read_queue_item(s);
    });
  }

  result<std::optional<queue_item_row>> queue_item_for(std::int64_t conversation_id,
                                                       std::int64_t draft_version) override {
    return read([&](connection& c) -> std::optional<queue_item_row> {
      statement s(c, sql::select_queue_item_for);
      s.bind(conversation_id, draft_version);
      if (!s.step()) return std::nullopt;
      return read_queue_item(s);
    });
  }

  result<std::vector<trace_row>> trace(std::int64_t conversation_id) override {
    return read([&](connection& c) {
      std::vector<trace_row> out;
      statement s(c, sql::select_trace);
      s.bind(conversation_id);
      while (s.step()) {
        out.push_back(trace_row{s.i64(0), s.i64(1), s.time(2), s.text(3), s.text(4), s.text(5),
                                s.text(6), s.text(7), s.text(8), s.text(9)});
      }
      return out;
    });
  }

  result<std::vector<learning_record_row>> learning(timestamp from, timestamp to) override {
    return read([&](connection& c) {
      std::vector<learning_record_row> out;
      statement s(c, sql::select_learning);
      s.bind(from, to);
      while (s.step()) out.push_back(read_learning(s));
      return out;
    });
  }

  result<std::vector<audit_row>> audit(timestamp from, timestamp to) override {
    return read([&](connection& c) {
      std::vector<audit_row> out;
      statement s(c, sql::select_audit);
      s.bind(from, to);
      while (s.step()) {
        out.push_back(audit_row{s.time(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)});
      }
      return out;
    });
  }

  result<std::vector<notification_row>> notifications(std::int64_t since_id, int limit) override {
    return read([&](connection& c) {
      std::vector<notification_row> out;
      statement s(c, sql::select_notifications);
      s.bind(since_id, std::max(limit, 0));
      while (s.step()) {
        out.push_back(notification_row{s.i64(0), s.text(1), s.opt_i64(2), s.text(3), s.time(4)});
      }
      return out;
    });
  }

  result<std::vector<outbox_row>> pending_outbox(int limit) override {
    return read([&](connection& c) {
      std::vector<outbox_row> out;
      statement s(c, sql::select_pending_outbox);
      s.bind(std::max(limit, 0));
      while (s.step()) out.push_back(read_outbox(s));
      return out;
    });
  }

  result<void> mark_outbox(std::string_view id, std::string_view status,
                           std::optional<std::string> external_id, int attempts) override {
    return guarded([&]() -> result<void> {
      std::lock_guard lock(write_mutex_);
      return update_outbox(*writer_, id, status, external_id, attempts);
    });
  }
  result<std::int64_t> give_up_outbox(std::string_view id, int attempts,
                                      const notification_row& tell) override {
    return guarded([&]() -> result<std::int64_t> {
      std::lock_guard lock(write_mutex_);
      return write_transaction([&](connection& c) -> result<std::int64_t> {
        if (auto marked = update_outbox(c, id, "failed", std::nullopt, attempts); !marked) {
          return frontdesk::unexpected{marked.error()};
        }
        statement s(c, sql::insert_notification);
        s.bind(tell.kind, tell.conversation_id, tell.payload, tell.created_at);
        s.step();
        const std::int64_t notification_id = s.i64(0);
        s.run();
        return notification_id;
      });
    });
  }

  result<std::vector<timer_row>> timers(std::int64_t conversation_id) override {
    return read([&](connection& c) {
      std::vector<timer_row> out;
      statement s(c, sql::select_timers);
      s.bind(conversation_id);
      while (s.step()) out.push_back(read_timer(s));
      return out;
    });
  }

  result<std::vector<timer_row>> unfired_timers(timestamp due_by) override {
    return read([&](connection& c) {
      std::vector<timer_row> out;
      statement s(c, sql::select_unfired_timers);
      s.bind(due_by);
      while (s.step()) out.push_back(read_timer(s));
      return out;
    });
  }

  result<contact_history> customer_history(std::int64_t contact_id,
                                           std::int64_t conversation_id) override {
    return read([&](connection& c) {
      contact_history out;
      {
        statement s(c, sql::count_unresolved);
        s.bind(contact_id, conversation_id);
        if (s.step()) out.unresolved_conversations = s.i64(0);
      }
      statement s(c, sql::select_last_grades);
      s.bind(contact_id);
      if (s.step()) out.last_ai_grade = detail::mean_of_grades(s.text(0));
      return out;
    });
  }

  result<std::map<std::string, std::int64_t>> count_queue_by_status() override {
    return read([&](connection& c) {
      std::map<std::string, std::int64_t> out;
      statement s(c, sql::count_queue);
      while (s.step()) out[s.text(0)] = s.i64(1);
      return out;
    });
  }

  result<void> ping() override {
    return guarded([&]() -> result<void> {
      // Proves that a write could start now: the file opens, is a database, and no other
      // connection holds the write lock beyond the busy timeout.
      std::lock_guard lock(write_mutex_);
      writer_->exec("BEGIN IMMEDIATE");
      rollback(*writer_);
      return {};
    });
  }

 private:
  static std::int64_t now_millis() {
    return to_millis(
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  }

  /// A writer that never pauses keeps the passive checkpoints from ever catching up, and the
  /// log from starting over: it would grow for as long as the load lasts. Past
  /// sqlite_wal_restart_pages the writer itself copies the rest back (waiting only for
  /// readers of older snapshots), and its next commit starts the log from its beginning.
  void restart_log_if_long(connection& c) {
    if (memory_ || options_.sqlite_wal_restart_pages <= 0 ||
        wal_pages_.load(std::memory_order_relaxed) < options_.sqlite_wal_restart_pages) {
      return;
    }
    // One checkpoint at a time: SQLite answers SQLITE_BUSY at once while another runs.
    std::lock_guard one(checkpoint_run_mutex_);
    if (sqlite3_wal_checkpoint_v2(c.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr,
                                  nullptr) == SQLITE_OK) {
      wal_pages_.store(0, std::memory_order_relaxed);
    }
  }

  /// Called by SQLite on the writer after each commit with the WAL size in pages.
  static int on_wal_commit(void* self, sqlite3*, const char*, int pages) {
    auto* store = static_cast<sqlite_store*>(self);
    store->wal_pages_.store(pages, std::memory_order_relaxed);
    // Wakes the checkpointer for what it has not copied yet, not for the log's whole length:
    // the log is long for most of a busy period, and copying a few frames after every commit
    // writes the same hot pages over and over.
    int copied = store->wal_copied_.load(std::memory_order_relaxed);
    if (pages < copied) {  // the log started over
      store->wal_copied_.store(0, std::memory_order_relaxed);
      copied = 0;
    }
    if (pages - copied >= checkpoint_pages) {
      {
        std::lock_guard lock(store->checkpoint_mutex_);
        store->checkpoint_wanted_ = true;
      }
      store->checkpoint_wake_.notify_one();
    }
    return SQLITE_OK;
  }

  /// Copies the WAL back into the database file (PASSIVE: never blocks the writer or readers),
  /// when checkpoint_pages frames were added since the last copy, and at least every few seconds.
  void checkpoint_loop() {
    ::pthread_setname_np(::pthread_self(), "fd-checkpoint");
    std::unique_ptr<connection> conn;
    std::unique_lock lock(checkpoint_mutex_);
    while (!stopping_) {
      checkpoint_wake_.wait_for(lock, std::chrono::seconds(5),
                                [&] { return stopping_ || checkpoint_wanted_; });
      if (stopping_) break;
      checkpoint_wanted_ = false;
      lock.unlock();
      try {
        if (!conn) {
          conn = std::make_unique<connection>(path_, options_, false);
          // A connection that has not read the database does not know it is in WAL mode, and
          // its checkpoints do nothing (they return SQLITE_OK with no frames copied).
          conn->exec("SELECT count(*) FROM sqlite_schema");
        }
        std::unique_lock one(checkpoint_run_mutex_);
        int log_frames = 0;
        int copied_frames = 0;
        const int rc = sqlite3_wal_checkpoint_v2(conn->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                                 &log_frames, &copied_frames);
        one.unlock();
        if (rc == SQLITE_OK) wal_copied_.store(copied_frames, std::memory_order_relaxed);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) conn.reset();  // reopened at the next wake-up
      } catch (const sqlite_failure&) {
        conn.reset();  // retried at the next wake-up
      }
      lock.lock();
    }
  }

  static int current_version(connection& c) {
    statement s(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    s.step();
    return static_cast<int>(s.i64(0));
  }

  static void rollback(connection& c) noexcept {
    if (sqlite3_get_autocommit(c.handle()) == 0) {
      sqlite3_exec(c.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }

  /// Runs `body` on the writer (write_mutex_ held) in one write transaction: committed when it
  /// returns a value, rolled back when it returns an error or throws.
  template <class Body>
  auto write_transaction(Body&& body) -> decltype(body(std::declval<connection&>())) {
    connection& c = *writer_;
    c.exec("BEGIN IMMEDIATE");
    try {
      auto r = body(c);
      if (r) {
        c.exec("COMMIT");
      } else {
        rollback(c);
      }
      return r;
    } catch (...) {
      rollback(c);
      throw;
    }
  }

  /// Records an attempt at an outbox entry; invalid when there is no such entry.
  static result<void> update_outbox(connection& c, std::string_view id, std::string_view status,
                                    const std::optional<std::string>& external_id, int attempts) {
    statement s(c, sql::update_outbox);
    s.bind(id, status, attempts, external_id, now_millis()).run();
    if (sqlite3_changes(c.handle()) == 0) {
      return frontdesk::unexpected{
          store_error{store_error_code::invalid, "no outbox entry '" + std::string(id) + "'"}};
    }
    return {};
  }

  /// Updates a conversation in place when its indexed columns (contact_id, closed) keep their
  /// values, which leaves both indexes untouched (fewer pages written per commit); otherwise
  /// (a new conversation, a new contact, closed changes) the full upsert.
  static void write_conversation(connection& c, const conversation_row& r) {
    // Both statements take the upsert's $1..$14.
    const auto run = [&r](statement&& s) {
      s.bind_borrowed(r.id, r.contact_id, r.channel, r.state, r.priority, r.draft_version,
                      r.assignee, r.escalation_reason, r.first_response_due, r.resolution_due,
                      r.sla_breached, r.closed, r.updated_at, r.snapshot)
          .run();
    };
    run(statement(c, update_conversation_in_place));
    if (sqlite3_changes(c.handle()) == 1) return;
    run(statement(c, sql::upsert_conversation));
  }

  static apply_result apply_one(connection& c, const change_set& set) {
    apply_result out;
    if (set.inbound) {
      const auto& e = *set.inbound;
      statement s(c, sql::insert_event);
      s.bind_borrowed(e.delivery_id, e.dedupe_key, e.event, e.conversation_id, e.received_at,
                      e.body);
      const bool inserted = s.step();
      if (inserted) s.run();
      if (!inserted) {
        out.outcome = apply_outcome::duplicate;
        return out;
      }
    }
    if (set.conversation) write_conversation(c, *set.conversation);
    for (const auto& m : set.messages) {
      statement s(c, sql::insert_message);
      s.bind_borrowed(m.conversation_id, m.message_id, m.kind, m.content, m.sender, m.created_at)
          .run();
    }
    for (const auto& t : set.traces) {
      statement s(c, sql::insert_trace);
      s.bind_borrowed(t.conversation_id,
                      t.seq > 0 ? std::optional<std::int64_t>(t.seq) : std::nullopt, t.at,
                      t.from_state, t.to_state, t.event, t.cause, t.actor, t.detail, t.event_data);
      s.step();
      out.trace_seqs.push_back(s.i64(0));
      s.run();
    }
    for (const auto& q : set.queue_items) {
      statement s(c, sql::upsert_queue_item);
      s.bind_borrowed(q.id, q.conversation_id, q.draft_version, q.status, q.action, q.priority,
                      q.channel, q.contact, q.customer_message, q.draft, q.confidence,
                      q.recommended_action, q.sources, q.tags, q.sentiment, q.flags, q.created_at,
                      q.reviewed_at, q.operator_id, q.edited_text, q.grades, q.notes,
                      q.action_fingerprint)
          .run();
    }
    for (const auto& l : set.learning_records) {
      statement s(c, sql::upsert_learning);
      s.bind_borrowed(l.id, l.conversation_id, l.draft_version, l.customer_message, l.draft,
                      l.final_text, l.action, l.edit_distance, l.grades, l.sources, l.confidence,
                      l.drafter_version, l.reviewer, l.review_seconds, l.outcome, l.created_at,
                      l.reviewed_at)
          .run();
    }
    for (const auto& n : set.notifications) {
      statement s(c, sql::insert_notification);
      s.bind_borrowed(n.kind, n.conversation_id, n.payload, n.created_at);
      s.step();
      out.notification_ids.push_back(s.i64(0));
      s.run();
    }
    for (const auto& a : set.audits) {
      statement s(c, sql::insert_audit);
      s.bind_borrowed(a.at, a.actor, a.action, a.target, a.before, a.after).run();
    }
    for (const auto& o : set.outbox) {
      statement s(c, sql::insert_outbox);
      s.bind_borrowed(o.id, o.conversation_id, o.draft_version, o.kind, o.payload, o.status,
                      o.attempts, o.created_at, o.delivered_at, o.external_id)
          .run();
      out.outbox_inserted.push_back(sqlite3_changes(c.handle()) == 1);
    }
    for (const auto& t : set.timer_upserts) {
      statement s(c, sql::upsert_timer);
      s.bind_borrowed(t.conversation_id, t.name, t.due_at, t.epoch, t.fired).run();
    }
    for (const auto& k : set.timer_deletes) {
      statement s(c, sql::delete_timer);
      s.bind_borrowed(k.conversation_id, k.name).run();
    }
    return out;
  }

  /// Runs `body` on a reader connection (the writer for an in-memory database).
  template <class F>
  auto read_raw(F&& body) -> decltype(body(std::declval<connection&>())) {
    if (memory_) {
      std::lock_guard lock(write_mutex_);
      return body(*writer_);
    }
    std::unique_ptr<connection> conn;
    {
      std::lock_guard lock(readers_mutex_);
      if (!readers_.empty()) {
        conn = std::move(readers_.back());
        readers_.pop_back();
      }
    }
    if (!conn) conn = std::make_unique<connection>(path_, options_, false);
    auto value = body(*conn);
    std::lock_guard lock(readers_mutex_);
    if (readers_.size() < max_idle_readers) readers_.push_back(std::move(conn));
    return value;
  }

  template <class F>
  auto read(F&& body) -> result<decltype(body(std::declval<connection&>()))> {
    using value_type = decltype(body(std::declval<connection&>()));
    return guarded([&]() -> result<value_type> { return read_raw(body); });
  }

  static constexpr std::size_t max_idle_readers = 8;
  static constexpr int checkpoint_pages = 1000;  // SQLite's default autocheckpoint size

  std::string path_;
  store_options options_;
  bool memory_;
  std::mutex write_mutex_;
  std::unique_ptr<connection> writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<connection>> readers_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wake_;
  bool checkpoint_wanted_ = false;
  bool stopping_ = false;
  std::atomic<std::int64_t> wal_pages_{0};  ///< log size after the last commit
  std::atomic<int> wal_copied_{0};          ///< frames of the log the last checkpoint copied
  std::mutex checkpoint_run_mutex_;         ///< held while a checkpoint runs
  std::thread checkpointer_;                // declared last: started after, stopped before the rest
};

}  // namespace

result<std::unique_ptr<store>> open_sqlite_store(std::string_view path,
                                                 const store_options& options) {
  if (path.empty()) {
    return frontdesk::unexpected{store_error{store_error_code::invalid, "sqlite: empty path"}};
  }
  return guarded([&]() -> result<std::unique_ptr<store>> {
    return std::unique_ptr<store>(std::make_unique<sqlite_store>(std::string(path), options));
  });
}

}  // namespace frontdesk::persistence
