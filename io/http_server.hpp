// An async HTTP/1.1 server (keep-alive, limits, event streams, graceful stop) whose handlers never
// block.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "domain/expected.hpp"
#include "io/http_request.hpp"
#include "io/http_responder.hpp"
#include "io/http_response.hpp"

namespace frontdesk::io {

struct http_server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port; read it back with port()
  std::size_t threads = 2;
  std::size_t max_header_bytes = 16 * 1024;         // answered 431 when exceeded
  std::uint64_t max_body_bytes = 1024 * 1024;       // answered 413 before the body is read
  std::chrono::milliseconds header_timeout{10000};  // whole header must arrive within this
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds idle_timeout{30000};  // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30000};
  std::size_t max_connections = 1024;  // further connections get 503 and are closed
};

/// Called on a server thread for every request; it must not block. Answer through the responder,
/// from any thread, exactly once (later answers are ignored).
using http_handler = std::function<void(request_ptr, responder)>;

class http_server {
 public:
  http_server(http_server_options options, http_handler handler);
  ~http_server();  // stops with a zero deadline if still running
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds, listens and starts the threads. Error text names what failed.
  expected<void, std::string> start();
  /// The bound port (after start()).
  std::uint16_t port() const;
  /// Stops accepting, closes idle connections, lets in-flight requests finish until the deadline,
  /// then closes whatever is left and joins the threads. Idempotent.
  void stop(std::chrono::milliseconds deadline = std::chrono::seconds(5));
  /// Connections currently open.
  std::size_t active_connections() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace frontdesk::io
