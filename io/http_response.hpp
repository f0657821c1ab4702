// An HTTP answer as a plain value (status, headers, body), built by handlers on any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace frontdesk::io {

struct http_response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields
  std::string body;
  bool close = false;  // ask the server to close the connection after this answer

  http_response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }

  /// 2xx/4xx answer with a JSON body (already serialised).
  static http_response json(int status, std::string body);
  /// The contract's error shape {"error":{"code","message"}}.
  static http_response error(int status, std::string_view code, std::string_view message);
  static http_response text(int status, std::string body, std::string content_type = "text/plain");
};

}  // namespace frontdesk::io
