#pragma once
// Live events for operators (queue changes, SLA warnings, notifications): conversations
// publish stored notifications; subscribers (SSE streams) receive them in order.
//   (publish_atom, notification_row)
//   (subscribe_atom, event_sink_ptr)   a sink returning false is dropped

#include <caf/fwd.hpp>
#include <functional>
#include <memory>

#include "persistence/records.hpp"

namespace frontdesk::actors {

using event_sink = std::function<bool(const persistence::notification_row&)>;
using event_sink_ptr = std::shared_ptr<event_sink>;

caf::actor spawn_event_bus(caf::actor_system& sys);

}  // namespace frontdesk::actors
