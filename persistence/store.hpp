#pragma once
// The durable store behind every conversation: a blocking interface with SQLite and PostgreSQL
// implementations, chosen by URI.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/expected.hpp"
#include "persistence/change_set.hpp"
#include "persistence/records.hpp"
#include "persistence/store_error.hpp"

namespace frontdesk::persistence {

template <class T>
using result = frontdesk::expected<T, store_error>;

struct queue_filter {
  std::optional<std::string> status;
  std::optional<std::string> priority;
  std::optional<double> min_confidence;
  std::optional<std::string> channel;
  int limit = 50;                     // 1..500
  std::optional<std::string> cursor;  // next_cursor of the previous page
};

struct queue_page {
  std::vector<queue_item_row> items;
  std::optional<std::string> next_cursor;  // absent on the last page
};

struct contact_history {
  std::int64_t unresolved_conversations = 0;  // this contact's conversations not closed
  /// Mean of the numeric grades of the most recently reviewed, graded learning record of this
  /// contact; absent when none was graded.
  std::optional<double> last_ai_grade;
};

struct store_options {
  /// SQLite: how long a writer waits for another process's lock before `unavailable`.
  std::chrono::milliseconds busy_timeout{5000};
  /// SQLite: PRAGMA synchronous. "normal" (default, WAL): a commit survives a process crash;
  /// the last commits before a power loss / kernel crash may be lost. "full": fsync per commit.
  std::string sqlite_synchronous = "normal";
  /// SQLite: PRAGMA max_page_count for the writer (a size quota); 0 = no limit.
  std::int64_t sqlite_max_pages = 0;
  /// SQLite: past this many log pages (64 MiB of 4 KiB pages) the writer copies the log back
  /// itself and restarts it, which a writer busy without pause otherwise never lets happen;
  /// 0 = never.
  std::int64_t sqlite_wal_restart_pages = 16384;
  /// SQLite: the writer's page cache in KiB (readers keep SQLite's 2 MiB default). The
  /// writer touches the upper levels of a few indexes and the ends of append-only tables;
  /// the rest is read back from the OS page cache.
  std::int64_t sqlite_writer_cache_kib = 8192;
  /// PostgreSQL: connections kept in the pool (readers and the writer share it).
  int pool_size = 4;
  /// PostgreSQL: connect timeout in seconds.
  int connect_timeout_seconds = 3;
};

/// Blocking, thread-safe. Every call returns a value or a store_error; nothing throws.
class store {
 public:
  virtual ~store() = default;

  /// Creates or upgrades the schema in one transaction; refuses a newer schema (too_new).
  virtual result<void> migrate() = 0;
  /// Schema version currently recorded in the database (0 when none).
  virtual result<int> schema_version() = 0;

  /// Applies every set in ONE transaction; per-set results in the same order. On any error
  /// nothing is applied.
  virtual result<std::vector<apply_result>> apply(const std::vector<change_set>& sets) = 0;

  virtual result<std::optional<conversation_row>> get_conversation(std::int64_t id) = 0;
  /// Conversations not closed, ordered by id (recovery after a restart).
  virtual result<std::vector<conversation_row>> open_conversations() = 0;
  /// The `limit` most recent messages of a conversation, oldest first.
  virtual result<std::vector<message_row>> messages(std::int64_t conversation_id, int limit) = 0;
  /// Queue items ordered by priority then age (then id), filtered, one page at a time.
  virtual result<queue_page> queue(const queue_filter& filter) = 0;
  virtual result<std::optional<queue_item_row>> queue_item(std::string_view id) = 0;
  virtual result<std::optional<queue_item_row>> queue_item_for(std::int64_t conversation_id,
                                                               std::int64_t draft_version) = 0;
  /// Every trace row of a conversation by seq.
  virtual result<std::vector<trace_row>> trace(std::int64_t conversation_id) = 0;
  /// Learning records reviewed in [from, to).
  virtual result<std::vector<learning_record_row>> learning(timestamp from, timestamp to) = 0;
  /// Audit rows in [from, to), oldest first.
  virtual result<std::vector<audit_row>> audit(timestamp from, timestamp to) = 0;
  /// Notifications with id > since_id, ascending, at most `limit`.
  virtual result<std::vector<notification_row>> notifications(std::int64_t since_id, int limit) = 0;
  /// Outbox rows with status pending: public replies first (a customer is waiting), then
  /// oldest first.
  virtual result<std::vector<outbox_row>> pending_outbox(int limit) = 0;
  /// Sets status, attempts and (when given) external_id; delivered_at is set when status becomes
  /// "delivered". Unknown id: invalid.
  virtual result<void> mark_outbox(std::string_view id, std::string_view status,
                                   std::optional<std::string> external_id, int attempts) = 0;
  /// Marks an outbox entry failed after `attempts` and stores `tell` (the operators' alert) in
  /// the same transaction: neither lands without the other. Returns the notification's id.
  /// Unknown id: invalid, and nothing is stored.
  virtual result<std::int64_t> give_up_outbox(std::string_view id, int attempts,
                                              const notification_row& tell) = 0;
  virtual result<std::vector<timer_row>> timers(std::int64_t conversation_id) = 0;
  /// Timers not fired yet that are due at or before `due_by`, by due time (the timer
  /// service keeps only the near ones in memory and loads the rest as they come close).
  virtual result<std::vector<timer_row>> unfired_timers(timestamp due_by) = 0;
  /// The contact's other open conversations (all but `conversation_id`, whether or not that
  /// one is stored yet) and the grade of the last AI reply they were sent.
  virtual result<contact_history> customer_history(std::int64_t contact_id,
                                                   std::int64_t conversation_id) = 0;
  /// status -> number of queue items.
  virtual result<std::map<std::string, std::int64_t>> count_queue_by_status() = 0;
  /// Cheap check that the database answers and a write could start (SQLite: takes and drops
  /// the write lock; PostgreSQL: a round trip).
  virtual result<void> ping() = 0;
};

/// "sqlite:PATH", "sqlite::memory:", "postgresql://..." / "postgres://...". Opening does not
/// migrate. A PostgreSQL store opens even when the server is down (calls then answer unavailable).
result<std::unique_ptr<store>> open_store(std::string_view uri, const store_options& options = {});

}  // namespace frontdesk::persistence
