// A real local HTTP(S)/1.1 server (127.0.0.1, ephemeral port, own thread) with fault injection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/test_certificate.hpp"

namespace frontdesk::test_support {

struct recorded_request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw, with query
  std::string path;    // without query
  std::map<std::string, std::string> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::uint64_t connection_id = 0;  // which accepted connection carried it (1-based)
  std::chrono::steady_clock::time_point received_at{};  // when it was fully read

  std::optional<std::string> header(std::string_view name) const;
};

struct canned_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

enum class fault_kind {
  status_500,               // answer 500 without processing
  status_503,               // answer 503 + Retry-After without processing
  rate_limit_429,           // answer 429 + Retry-After, plain-text body, without processing
  delay,                    // process, then hold the answer for `delay`
  reset_before_processing,  // read the request, then reset the connection (nothing happened)
  reset_after_processing,   // process the request, then reset without answering (ambiguous)
  invalid_json,             // process, then answer with a truncated JSON body
};

struct fault {
  fault_kind kind = fault_kind::status_500;
  int count = 1;                       // how many consecutive requests it applies to
  std::chrono::milliseconds delay{0};  // for `delay`
  std::string retry_after = "1";       // for 429 / 503: the header value sent
};

class test_http_server {
 public:
  using handler = std::function<canned_response(const recorded_request&)>;

  /// With `tls`, the server speaks HTTPS using that identity.
  explicit test_http_server(handler h, std::optional<tls_identity> tls = std::nullopt);
  ~test_http_server();
  test_http_server(const test_http_server&) = delete;
  test_http_server& operator=(const test_http_server&) = delete;

  /// Binds 127.0.0.1 on an ephemeral port and starts serving on an own thread. Idempotent.
  void start();
  /// Closes everything and joins the thread. Idempotent; also done by the destructor.
  void stop();

  std::uint16_t port() const;
  /// "http://127.0.0.1:<port>" (https:// with TLS).
  std::string base_url() const;

  /// Queues a fault; queued faults apply in order to the next requests.
  void inject(fault f);
  void clear_faults();

  /// Every request that was fully read (including faulted ones), in arrival order.
  std::vector<recorded_request> requests() const;
  void clear_requests();
  std::size_t accepted_connections() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace frontdesk::test_support
