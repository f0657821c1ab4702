#include "io/json_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace frontdesk::io {

std::string json_error(std::string_view code, std::string_view message) {
  boost::json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  boost::json::object outer;
  outer["error"] = std::move(inner);
  return boost::json::serialize(outer);
}

}  // namespace frontdesk::io
