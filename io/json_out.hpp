// Serialises Boost.JSON values for HTTP answers, so JSON is never assembled by string
// concatenation.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace frontdesk::io {

/// Compact serialisation of any JSON value.
std::string to_json(const boost::json::value& v);

/// A JSON string or null.
boost::json::value json_nullable(const std::optional<std::string>& s);
/// A JSON integer or null.
boost::json::value json_nullable(const std::optional<long long>& n);
/// An array of strings.
boost::json::array json_strings(const std::vector<std::string>& items);
/// An object from a string map.
boost::json::object json_object(const std::map<std::string, std::string>& items);

/// Body of the webhook acknowledgement: {"ok":true,"accepted":..,"reason":..,"duplicate":..}.
std::string json_webhook_ack(bool accepted, std::string_view reason, bool duplicate = false);

}  // namespace frontdesk::io
