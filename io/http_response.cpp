#include "io/http_response.hpp"

#include "io/json_error.hpp"

namespace frontdesk::io {

http_response http_response::json(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http_response http_response::error(int status, std::string_view code, std::string_view message) {
  return json(status, json_error(code, message));
}

http_response http_response::text(int status, std::string body, std::string content_type) {
  http_response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

}  // namespace frontdesk::io
