#pragma once
// The state machine's data as JSON text, for the store and for passivation.

#include <string>
#include <string_view>

#include "domain/expected.hpp"
#include "fsm/conversation.hpp"

namespace frontdesk::fsm {

std::string to_snapshot(const conversation& c);

/// Parses what to_snapshot wrote; a message naming the problem otherwise.
expected<conversation, std::string> from_snapshot(std::string_view json);

}  // namespace frontdesk::fsm
