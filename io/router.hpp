// Maps method + path patterns ("/api/v1/queue/{id}/approve") to handlers; answers 404 and 405
// itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "io/http_server.hpp"

namespace frontdesk::io {

class router {
 public:
  /// Registers a route. Pattern segments in braces capture one path segment into
  /// request.path_params; a trailing "{name...}" captures the rest of the path.
  router& add(std::string method, std::string pattern, http_handler handler);
  router& get(std::string pattern, http_handler h) {
    return add("GET", std::move(pattern), std::move(h));
  }
  router& post(std::string pattern, http_handler h) {
    return add("POST", std::move(pattern), std::move(h));
  }

  /// Finds the route, fills path_params and calls its handler; 404 for an unknown path,
  /// 405 with Allow for a known path and another method. HEAD falls back to GET.
  void dispatch(request_ptr req, responder res) const;

  /// The router as a server handler (the router must outlive the server).
  http_handler as_handler() const;

 private:
  struct route {
    std::string method;
    std::vector<std::string> segments;
    http_handler handler;
  };
  static std::vector<std::string> split(std::string_view path);
  static bool match(const route& r, const std::vector<std::string>& parts,
                    std::map<std::string, std::string>& params);
  std::vector<route> routes_;
};

}  // namespace frontdesk::io
