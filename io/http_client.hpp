// Asynchronous outbound HTTP/1.1 client (plain and TLS) with deadlines and connection reuse.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/expected.hpp"

namespace frontdesk::io {

enum class http_method : std::uint8_t { get, post, put, patch, delete_, head };

/// "GET", "POST", ...
std::string_view to_string(http_method m) noexcept;

/// Header fields in order; names compared case-insensitively by `find_header`.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// First value of header `name` (case-insensitive), or nullopt.
std::optional<std::string_view> find_header(const header_list& headers, std::string_view name);

struct client_request {
  http_method method = http_method::get;
  std::string url;  // absolute http:// or https:// URL
  header_list headers;
  std::string body;
  /// Whole-request deadline, measured from the moment `request` is called: connect, TLS,
  /// write and read must all finish within it.
  std::chrono::milliseconds timeout{10000};
};

struct http_result {
  int status = 0;
  header_list headers;
  std::string body;
  bool reused_connection = false;  // served over a pooled keep-alive connection

  std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

enum class client_error_kind : std::uint8_t {
  invalid_request,        // bad URL or misuse; nothing was sent
  connect_failed,         // DNS or TCP connect failed; nothing was sent
  tls_failed,             // handshake or certificate verification failed; nothing was sent
  timeout,                // deadline passed (ambiguous if the request was already written)
  reset_before_response,  // connection died after sending, before a full response: ambiguous
  bad_response,           // the peer answered with something that is not HTTP/1.1 (ambiguous)
  shutting_down,          // the client is being destroyed
};

std::string_view to_string(client_error_kind k) noexcept;

struct client_error {
  client_error_kind kind = client_error_kind::connect_failed;
  /// True when the request bytes were (at least partly) sent and no complete response came
  /// back: the server may or may not have processed it. Exactly-once senders must reconcile.
  bool ambiguous = false;
  std::string message;
};

using client_outcome = frontdesk::expected<http_result, client_error>;

struct http_client_options {
  std::chrono::milliseconds connect_timeout{5000};  // TCP connect + TLS handshake cap
  bool verify_peer = true;                          // certificate + host name verification
  std::string extra_ca_file;  // PEM file of additional trusted CAs (system store still used)
  std::string extra_ca_pem;   // same, in memory
  /// Open connections per origin (busy + idle); further requests wait, within their deadline,
  /// for one to come free. 0 means unlimited.
  std::size_t max_connections_per_host = 32;
  /// Connections kept open between requests; 0 means as many as max_connections_per_host, so
  /// the connections a burst opened serve the next one instead of a handshake per request.
  std::size_t max_idle_per_host = 0;
  std::chrono::milliseconds idle_timeout{30000};  // pooled connections older than this are dropped
  std::size_t max_response_bytes = 16 * 1024 * 1024;
  std::string user_agent = "frontdesk";
};

struct http_client_stats {
  std::uint64_t requests = 0;
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_reused = 0;
  std::uint64_t failures = 0;
};

/// Owns one I/O thread; every callback runs on it, so callbacks must not block. Thread-safe:
/// `request` may be called from any thread. Destroying the client fails pending requests with
/// `shutting_down` and joins the thread (never destroy it from one of its own callbacks).
class http_client {
 public:
  using callback = std::function<void(client_outcome)>;

  explicit http_client(http_client_options options = {});
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  void request(client_request req, callback cb);

  /// Blocking convenience for tools and tests; refuses (invalid_request) on the client's thread.
  client_outcome send(client_request req);

  http_client_stats stats() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace frontdesk::io
