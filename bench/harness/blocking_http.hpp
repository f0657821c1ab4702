// A small synchronous keep-alive HTTP/1.1 client for the harness's own threads (webhook senders,
// simulated operators, probes): one connection, reconnected on demand, bounded by a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace frontdesk::bench {

struct http_answer {
  int status = 0;  // 0: no answer (see error)
  std::string body;
  std::string error;  // "connect", "timeout", "reset", ... when status is 0
  std::string retry_after;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

class blocking_http {
 public:
  blocking_http(std::string host, std::uint16_t port,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~blocking_http();
  blocking_http(blocking_http&&) noexcept;
  blocking_http& operator=(blocking_http&&) noexcept;

  http_answer request(std::string_view method, std::string_view target, std::string_view body = {},
                      const header_list& headers = {});
  http_answer get(std::string_view target, const header_list& headers = {}) {
    return request("GET", target, {}, headers);
  }
  void close();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// "http://host:port" -> host, port; false for anything else.
bool split_http_base(std::string_view url, std::string& host, std::uint16_t& port);

}  // namespace frontdesk::bench
