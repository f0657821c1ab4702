#include "persistence/commit_queue.hpp"

#include <pthread.h>
#include <time.h>

#include <future>
#include <utility>

namespace frontdesk::persistence {

namespace {

/// The conversation a set belongs to; sets of one conversation always use the same writer.
std::int64_t conversation_of(const change_set& set) {
  if (set.conversation) return set.conversation->id;
  if (set.inbound) return set.inbound->conversation_id;
  if (!set.traces.empty()) return set.traces.front().conversation_id;
  if (!set.messages.empty()) return set.messages.front().conversation_id;
  if (!set.queue_items.empty()) return set.queue_items.front().conversation_id;
  if (!set.outbox.empty()) return set.outbox.front().conversation_id;
  if (!set.timer_upserts.empty()) return set.timer_upserts.front().conversation_id;
  if (!set.timer_deletes.empty()) return set.timer_deletes.front().conversation_id;
  if (!set.learning_records.empty()) return set.learning_records.front().conversation_id;
  return 0;
}

std::chrono::nanoseconds thread_cpu() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

}  // namespace

commit_queue::commit_queue(std::shared_ptr<store> target, commit_queue_options options)
    : store_(std::move(target)), options_(options) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  if (options_.writers == 0) options_.writers = 1;
  for (std::size_t i = 0; i < options_.writers; ++i) lanes_.push_back(std::make_unique<lane>());
  for (auto& l : lanes_) l->writer = std::thread([this, raw = l.get()] { run(*raw); });
}

commit_queue::~commit_queue() {
  stop();
}

void commit_queue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (auto& l : lanes_) l->wake.notify_all();
  for (auto& l : lanes_) {
    if (l->writer.joinable()) l->writer.join();
  }
}

bool commit_queue::submit(change_set set, callback done) {
  std::optional<store_error> refused;
  lane* target = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      refused = store_error{store_error_code::unavailable, "commit queue is stopped"};
    } else if (!healthy_.load(std::memory_order_acquire)) {
      refused = store_error{store_error_code::unavailable, "store unavailable; retrying"};
    } else if (waiting_total_ >= options_.max_waiting) {
      refused = store_error{store_error_code::unavailable, "commit queue is full"};
    } else {
      const auto key = static_cast<std::uint64_t>(conversation_of(set));
      target = lanes_[key % lanes_.size()].get();
      target->waiting.push_back(entry{std::move(set), std::move(done)});
      ++waiting_total_;
    }
  }
  if (refused) {
    if (done) done(frontdesk::unexpected{std::move(*refused)});
    return false;
  }
  target->wake.notify_one();
  return true;
}

result<apply_result> commit_queue::submit_and_wait(change_set set) {
  std::promise<result<apply_result>> promise;
  auto future = promise.get_future();
  submit(std::move(set), [&promise](result<apply_result> r) { promise.set_value(std::move(r)); });
  return future.get();
}

std::size_t commit_queue::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_total_;
}

commit_queue_stats commit_queue::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void commit_queue::record(std::size_t committed, std::size_t failed, std::size_t transactions,
                          std::chrono::nanoseconds busy, std::chrono::nanoseconds cpu) {
  std::lock_guard lock(mutex_);
  stats_.committed_sets += committed;
  stats_.failed_sets += failed;
  stats_.transactions += transactions;
  stats_.largest_batch = std::max(stats_.largest_batch, committed);
  stats_.busy += busy;
  stats_.writer_cpu += cpu;
}

void commit_queue::run(lane& mine) {
  ::pthread_setname_np(::pthread_self(), "fd-commit");
  std::unique_lock lock(mutex_);
  for (;;) {
    mine.wake.wait(lock, [&] { return stopping_ || !mine.waiting.empty(); });
    if (mine.waiting.empty()) {
      if (stopping_) return;
      continue;
    }
    const bool busy = mine.waiting.size() > 1 || mine.last_batch > 1 ||
                      std::chrono::steady_clock::now() - mine.last_commit_end < options_.max_delay;
    if (options_.max_delay.count() > 0 && mine.waiting.size() < options_.max_batch && !stopping_ &&
        (busy || !options_.delay_only_when_busy)) {
      mine.wake.wait_for(lock, options_.max_delay,
                         [&] { return stopping_ || mine.waiting.size() >= options_.max_batch; });
    }
    std::deque<entry> batch;
    const std::size_t take = std::min(options_.max_batch, mine.waiting.size());
    for (std::size_t i = 0; i < take; ++i) {
      batch.push_back(std::move(mine.waiting.front()));
      mine.waiting.pop_front();
    }
    waiting_total_ -= take;
    mine.last_batch = take;
    lock.unlock();
    commit(batch);
    lock.lock();
    mine.last_commit_end = std::chrono::steady_clock::now();
    if (!healthy_.load(std::memory_order_acquire)) {
      // Everyone still waiting would only wait for a database that is down.
      std::deque<entry> rest;
      rest.swap(mine.waiting);
      waiting_total_ -= rest.size();
      lock.unlock();
      fail_all(rest, store_error{store_error_code::unavailable, "store unavailable"});
      lock.lock();
      wait_until_healthy(mine, lock);
    }
  }
}

void commit_queue::wait_until_healthy(lane& mine, std::unique_lock<std::mutex>& lock) {
  while (!stopping_ && !healthy_.load(std::memory_order_acquire)) {
    lock.unlock();
    const bool back = store_->ping().has_value();
    lock.lock();
    if (back) {
      healthy_.store(true, std::memory_order_release);
      return;
    }
    mine.wake.wait_for(lock, options_.retry_interval, [&] { return stopping_; });
  }
}

void commit_queue::fail_all(std::deque<entry>& batch, const store_error& error) {
  record(0, batch.size(), 0, std::chrono::nanoseconds{0});
  for (auto& e : batch) {
    if (e.done) e.done(frontdesk::unexpected{error});
  }
}

void commit_queue::commit(std::deque<entry>& batch) {
  std::vector<change_set> sets;
  sets.reserve(batch.size());
  for (auto& e : batch) sets.push_back(std::move(e.set));
  const auto began = std::chrono::steady_clock::now();
  const auto cpu_began = thread_cpu();
  auto outcome = store_->apply(sets);
  const auto cpu = thread_cpu() - cpu_began;
  const auto spent = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now() - began);
  if (outcome) {
    record(batch.size(), 0, 1, spent, cpu);
    auto& results = outcome.value();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(std::move(results[i]));
    }
    return;
  }
  record(0, 0, 0, spent);
  const store_error error = outcome.error();
  if (error.code == store_error_code::unavailable) {
    healthy_.store(false, std::memory_order_release);
    fail_all(batch, error);
    return;
  }
  if (batch.size() == 1) {
    fail_all(batch, error);
    return;
  }
  // One set broke the batch: apply each alone so the others still commit.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!healthy_.load(std::memory_order_acquire)) {
      std::deque<entry> rest;
      for (std::size_t j = i; j < batch.size(); ++j) rest.push_back(std::move(batch[j]));
      fail_all(rest, store_error{store_error_code::unavailable, "store unavailable"});
      return;
    }
    auto single = store_->apply({sets[i]});
    if (single) {
      record(1, 0, 1, std::chrono::nanoseconds{0});
      if (batch[i].done) batch[i].done(std::move(single.value()[0]));
    } else {
      if (single.error().code == store_error_code::unavailable) {
        healthy_.store(false, std::memory_order_release);
      }
      record(0, 1, 0, std::chrono::nanoseconds{0});
      if (batch[i].done) batch[i].done(frontdesk::unexpected{single.error()});
    }
  }
}

}  // namespace frontdesk::persistence
