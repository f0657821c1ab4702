#pragma once
// The API's JSON objects (API.md "Objects") built from store rows with Boost.JSON.

#include <boost/json/value.hpp>
#include <vector>

#include "persistence/records.hpp"

namespace frontdesk::app {

std::string rfc3339(persistence::timestamp t);
boost::json::value json_time(const std::optional<persistence::timestamp>& t);
/// Parses stored JSON text; a string value when it is not JSON.
boost::json::value json_text(const std::string& text, boost::json::value fallback);

boost::json::object queue_item_json(const persistence::queue_item_row& q);
boost::json::object message_json(const persistence::message_row& m);
boost::json::object trace_json(const persistence::trace_row& t);
boost::json::object notification_json(const persistence::notification_row& n);
boost::json::object conversation_json(const persistence::conversation_row& c,
                                      const std::vector<persistence::message_row>& messages,
                                      const std::optional<persistence::queue_item_row>& draft);

}  // namespace frontdesk::app
