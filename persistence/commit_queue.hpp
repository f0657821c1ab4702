#pragma once
// Group commit: one writer thread gathers the change sets waiting for it and commits them in one
// transaction, so many concurrent callers share each durable commit.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "persistence/store.hpp"

namespace frontdesk::persistence {

struct commit_queue_options {
  /// Most change sets per transaction.
  std::size_t max_batch = 512;
  /// After the first waiting set, how long to wait for more before committing. Zero commits at
  /// once: sets arriving during a commit form the next batch by themselves ("natural" batching).
  std::chrono::microseconds max_delay{0};
  /// Wait `max_delay` only while the writer is busy: another set is already waiting, the
  /// previous batch held more than one, or the previous commit ended less than `max_delay`
  /// ago (in the spirit of PostgreSQL's commit_siblings). A lone set at low load then commits
  /// at once instead of waiting for company that is not coming.
  bool delay_only_when_busy = false;
  /// Pause between pings while the database is unavailable.
  std::chrono::milliseconds retry_interval{200};
  /// Submissions beyond this many waiting sets are refused with `unavailable` (back-pressure).
  std::size_t max_waiting = 100000;
  /// Writer threads, each committing its own batches. Keep 1 for SQLite (one write lock). With
  /// PostgreSQL 2 lets one batch execute while another waits for its WAL flush. Sets are routed
  /// by conversation id, so the sets of one conversation still commit in submission order.
  std::size_t writers = 1;
};

struct commit_queue_stats {
  std::uint64_t committed_sets = 0;
  std::uint64_t transactions = 0;
  std::uint64_t failed_sets = 0;
  std::size_t largest_batch = 0;
  std::chrono::nanoseconds busy{0};        // wall time spent inside store::apply
  std::chrono::nanoseconds writer_cpu{0};  // CPU time of the writer threads inside store::apply
};

/// Owns a writer thread that applies submitted change sets through `store::apply`.
///
/// Every callback is invoked exactly once. Normally that happens on the writer thread after the
/// transaction holding its set committed (or failed): callbacks must be cheap, must not block and
/// must be thread-safe (send a message, fulfil a promise). When the queue refuses a submission
/// (stopped, database unavailable, too many waiting) the callback runs at once on the calling
/// thread with the error, and submit returns false.
///
/// When a batch fails with `unavailable`, every waiting caller gets `unavailable`, healthy()
/// turns false and the writer pings the store every retry_interval; once a ping succeeds it
/// accepts submissions again. When a batch fails for another reason (a constraint), its sets are
/// retried one transaction each so only the offending set fails.
class commit_queue {
 public:
  using callback = std::function<void(result<apply_result>)>;

  explicit commit_queue(std::shared_ptr<store> target, commit_queue_options options = {});
  commit_queue(const commit_queue&) = delete;
  commit_queue& operator=(const commit_queue&) = delete;
  /// Commits what is still waiting (when the store is healthy), then stops the writer.
  ~commit_queue();

  bool submit(change_set set, callback done);
  /// Like submit, but blocks until committed (for tools and tests, not for actors).
  result<apply_result> submit_and_wait(change_set set);

  bool healthy() const noexcept { return healthy_.load(std::memory_order_acquire); }
  std::size_t waiting() const;
  commit_queue_stats stats() const;
  /// Stops accepting, drains and joins the writer; idempotent.
  void stop();

 private:
  struct entry {
    change_set set;
    callback done;
  };
  /// One writer thread and the sets waiting for it.
  struct lane {
    std::condition_variable wake;
    std::deque<entry> waiting;
    std::size_t last_batch = 0;  ///< sets in the batch committed before (guarded by mutex_)
    std::chrono::steady_clock::time_point last_commit_end{};  ///< guarded by mutex_
    std::thread writer;
  };

  void run(lane& mine);
  void commit(std::deque<entry>& batch);
  void fail_all(std::deque<entry>& batch, const store_error& error);
  void wait_until_healthy(lane& mine, std::unique_lock<std::mutex>& lock);
  void record(std::size_t committed, std::size_t failed, std::size_t transactions,
              std::chrono::nanoseconds busy, std::chrono::nanoseconds cpu = {});

  std::shared_ptr<store> store_;
  commit_queue_options options_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<lane>> lanes_;
  std::size_t waiting_total_ = 0;
  bool stopping_ = false;
  std::atomic<bool> healthy_{true};
  commit_queue_stats stats_;
};

}  // namespace frontdesk::persistence
