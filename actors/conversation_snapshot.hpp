#pragma once
// A conversation's whole in-memory state as one JSON document (the store's snapshot
// column): the state machine, what it knows, and the current draft.

#include <optional>
#include <string>
#include <string_view>

#include "actors/conversation_data.hpp"
#include "domain/expected.hpp"
#include "fsm/conversation.hpp"

namespace frontdesk::actors {

struct conversation_snapshot {
  fsm::conversation fsm;
  conversation_info info;
  std::optional<draft_content> draft;
  bool operator==(const conversation_snapshot&) const = default;
};

std::string encode_snapshot(const conversation_snapshot& s);
expected<conversation_snapshot, std::string> decode_snapshot(std::string_view json);

}  // namespace frontdesk::actors
