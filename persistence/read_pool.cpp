#include "persistence/read_pool.hpp"

#include <pthread.h>

namespace frontdesk::persistence {

read_pool::read_pool(std::shared_ptr<store> target, std::size_t threads, std::size_t max_waiting)
    : store_(std::move(target)), max_waiting_(max_waiting) {
  if (threads == 0) threads = 1;
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

read_pool::~read_pool() {
  stop();
}

bool read_pool::post(job j) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || jobs_.size() >= max_waiting_) return false;
    jobs_.push_back(std::move(j));
  }
  cv_.notify_one();
  return true;
}

std::size_t read_pool::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size();
}

void read_pool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void read_pool::run() {
  ::pthread_setname_np(::pthread_self(), "fd-read");
  for (;;) {
    job j;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      j = std::move(jobs_.front());
      jobs_.pop_front();
    }
    j(*store_);
  }
}

}  // namespace frontdesk::persistence
