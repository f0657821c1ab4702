// A parsed HTTP request as a plain value, so handlers and routers never see Beast types.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace frontdesk::io {

/// Header fields in arrival order with case-insensitive lookup.
class http_headers {
 public:
  void add(std::string name, std::string value);
  /// First value of the field, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  /// Number of fields with that name.
  std::size_t count(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

/// Case-insensitive ASCII equality.
bool iequals(std::string_view a, std::string_view b);

/// Decodes %XX and '+' (form encoding); invalid escapes are kept verbatim.
std::string url_decode(std::string_view s);

/// Splits "a=1&b=2" into decoded pairs (later duplicates overwrite earlier ones).
std::map<std::string, std::string> parse_query(std::string_view query);

struct http_request {
  std::string method;  // upper-case token, e.g. "GET"
  std::string target;  // raw request target, e.g. "/api/v1/queue?limit=5"
  std::string path;    // decoded path without the query
  std::map<std::string, std::string> query;
  http_headers headers;
  std::string body;
  std::string remote_address;  // "127.0.0.1:53412"
  std::string request_id;      // unique per server, e.g. "r-000042"
  bool keep_alive = true;
  /// Filled by the router from the matched pattern, e.g. {"id": "q-1"}.
  std::map<std::string, std::string> path_params;

  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  /// Value of a query parameter, or nullopt.
  std::optional<std::string> query_param(std::string_view name) const;
  /// Value of a path parameter ("" when absent).
  std::string path_param(std::string_view name) const;
};

using request_ptr = std::shared_ptr<http_request>;

/// Fills path and query of a request from its raw target.
void split_target(http_request& req);

}  // namespace frontdesk::io
