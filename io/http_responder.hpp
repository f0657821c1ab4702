// The one-shot, thread-safe reply handle a request handler answers through, from any thread.
#pragma once

#include <atomic>
#include <memory>

#include "io/http_response.hpp"
#include "io/sse.hpp"

namespace frontdesk::io {

namespace detail {
/// Implemented by the server's connection: receives the single answer of one request.
class response_sink {
 public:
  virtual ~response_sink() = default;
  virtual void deliver(http_response r) = 0;
  virtual std::shared_ptr<sse_stream> open_stream(const sse_options& options) = 0;
};

struct responder_state {
  std::shared_ptr<response_sink> sink;
  std::atomic<bool> used{false};
  ~responder_state();  // answers 500 when a handler dropped every copy without answering
};
}  // namespace detail

/// Copyable; the first call (answer or stream) wins and later calls are ignored.
class responder {
 public:
  explicit responder(std::shared_ptr<detail::response_sink> sink);

  /// Sends the answer; returns false when the request was already answered.
  bool operator()(http_response r) const;
  /// Turns the request into an event stream; nullptr when the request was already answered.
  std::shared_ptr<sse_stream> start_sse(const sse_options& options = {}) const;
  bool responded() const { return state_->used.load(); }

 private:
  std::shared_ptr<detail::responder_state> state_;
};

}  // namespace frontdesk::io
