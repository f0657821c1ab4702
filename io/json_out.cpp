#include "io/json_out.hpp"

#include <boost/json/serialize.hpp>

namespace frontdesk::io {

std::string to_json(const boost::json::value& v) {
  return boost::json::serialize(v);
}

boost::json::value json_nullable(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return boost::json::string(*s);
}

boost::json::value json_nullable(const std::optional<long long>& n) {
  if (!n) return nullptr;
  return *n;
}

boost::json::array json_strings(const std::vector<std::string>& items) {
  boost::json::array out;
  out.reserve(items.size());
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

boost::json::object json_object(const std::map<std::string, std::string>& items) {
  boost::json::object out;
  for (const auto& [k, v] : items) out[k] = v;
  return out;
}

std::string json_webhook_ack(bool accepted, std::string_view reason, bool duplicate) {
  boost::json::object o;
  o["ok"] = true;
  o["accepted"] = accepted;
  if (!reason.empty()) o["reason"] = reason;
  if (duplicate) o["duplicate"] = true;
  return boost::json::serialize(o);
}

}  // namespace frontdesk::io
