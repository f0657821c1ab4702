// Server-Sent Events: the wire format and the stream handle handlers push events into from any
// thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "io/http_request.hpp"

namespace frontdesk::io {

struct sse_event {
  std::string id;     // empty: no id line
  std::string event;  // empty: default "message"
  std::string data;   // split on newlines into several data: lines
  std::optional<int> retry_ms;
};

/// Formats one event as text/event-stream bytes, ending with the blank line.
/// Carriage returns and newlines in id/event are removed (they would end the field).
std::string format_sse_event(const sse_event& e);
/// A comment line (": text\n\n"), used for heartbeats.
std::string format_sse_comment(std::string_view text);

/// The Last-Event-ID header a reconnecting EventSource sends, if any.
std::optional<std::string> last_event_id(const http_request& req);

struct sse_options {
  std::size_t max_buffered_bytes = 256 * 1024;  // unsent bytes before the stream is dropped
  std::chrono::milliseconds heartbeat{15000};   // 0 disables heartbeats
  std::chrono::milliseconds write_timeout{10000};
  std::optional<int> retry_ms;  // sent once at the start when set
};

/// One open event stream. Every member is thread-safe.
class sse_stream {
 public:
  virtual ~sse_stream() = default;
  /// Queues an event; false when the stream is closed or was just closed because the client is too
  /// slow.
  virtual bool send(const sse_event& e) = 0;
  /// Queues a comment line.
  virtual bool send_comment(std::string_view text) = 0;
  /// Closes the stream (idempotent).
  virtual void close() = 0;
  virtual bool is_open() const = 0;
  /// Called once when the stream ends for any reason (client gone, too slow, close(), shutdown).
  /// When the stream is already closed the callback runs at once on the caller's thread.
  virtual void on_close(std::function<void()> callback) = 0;
};

}  // namespace frontdesk::io
