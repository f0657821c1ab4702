#pragma once
// The whole HTTP surface of API.md over a running runtime: ingress webhooks, the
// operator API, operations endpoints and the operator page.

#include <memory>
#include <string>

#include "io/http_server.hpp"

namespace frontdesk::config {
struct settings;
}
namespace frontdesk::actors {
class runtime;
}

namespace frontdesk::app {

struct api_context;

class http_api {
 public:
  /// Errors name the setting at fault (bad operator tokens).
  static expected<std::unique_ptr<http_api>, std::string> create(actors::runtime& rt,
                                                                 const config::settings& s,
                                                                 std::string web_dir);
  ~http_api();
  /// The server's handler: routing, metrics per route, one log line per request.
  io::http_handler handler();

 private:
  http_api();
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace frontdesk::app
