#pragma once
// Blocking store reads off the actor and HTTP threads: a few threads that run queued jobs
// against the store and hand results back through the job's own callback.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "persistence/store.hpp"

namespace frontdesk::persistence {

class read_pool {
 public:
  using job = std::function<void(store&)>;

  read_pool(std::shared_ptr<store> target, std::size_t threads, std::size_t max_waiting = 100000);
  read_pool(const read_pool&) = delete;
  read_pool& operator=(const read_pool&) = delete;
  ~read_pool();

  /// Queues a job; false (and the job is not run) when stopped or too many are waiting.
  /// Jobs run on a pool thread: they may block on the store, and must hand results on
  /// by thread-safe means (a message, a callback that posts).
  bool post(job j);
  std::size_t waiting() const;
  /// Runs what is queued, then joins the threads; idempotent.
  void stop();

 private:
  void run();

  std::shared_ptr<store> store_;
  std::size_t max_waiting_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace frontdesk::persistence
