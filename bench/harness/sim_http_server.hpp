// A lean HTTP/1.1 server on 127.0.0.1 for simulated dependencies: each answer may be held for a
// simulated latency on a timer, so thousands of slow requests are in flight on one thread.
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

namespace frontdesk::bench {

struct sim_request {
  std::string method;
  std::string target;  // with query
  std::string path;    // without query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string> query(std::string_view name) const;
};

struct sim_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::nanoseconds delay{0};  // held this long before it is written
};

struct sim_server_stats {
  std::uint64_t requests = 0;
  std::uint64_t connections = 0;
  std::int64_t in_flight_peak = 0;  // requests read and not yet answered, at most at once
};

class sim_http_server {
 public:
  /// Called on an I/O thread for every request; must not block.
  using handler = std::function<sim_response(const sim_request&)>;

  sim_http_server(handler h, int threads);
  ~sim_http_server();
  sim_http_server(const sim_http_server&) = delete;
  sim_http_server& operator=(const sim_http_server&) = delete;

  /// Binds 127.0.0.1 on an ephemeral port and starts the I/O threads.
  expected<void, std::string> start();
  /// Closes the listener and every connection, joins the threads. Idempotent.
  void stop();

  std::uint16_t port() const;
  std::string base_url() const;
  sim_server_stats stats() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace frontdesk::bench
