// Turns a callback-style asynchronous call into a blocking one, for tests and tools.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <utility>

namespace frontdesk::test_support {

/// Calls `start(callback)` and blocks until the callback delivers a T. Aborts after `limit`
/// (a hung callback is a bug that must not hang the suite).
template <class T, class Start>
T await_result(Start&& start, std::chrono::seconds limit = std::chrono::seconds(60)) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  start([promise](T value) { promise->set_value(std::move(value)); });
  if (future.wait_for(limit) != std::future_status::ready) {
    std::fprintf(stderr, "await_result: callback never ran\n");
    std::abort();
  }
  return future.get();
}

}  // namespace frontdesk::test_support
