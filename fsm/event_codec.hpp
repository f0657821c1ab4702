#pragma once
// State-machine events as compact JSON text, so recorded history can be stored and replayed.

#include <cstddef>
#include <string>
#include <string_view>

#include "domain/expected.hpp"
#include "fsm/event.hpp"

namespace frontdesk::fsm {

/// Longest text decode_event accepts; recorded events are a few hundred bytes.
inline constexpr std::size_t max_encoded_event_bytes = 64 * 1024;

/// {"type":"customer_message","message_id":42}, {"type":"triaged","priority":"P1",...}.
/// The type is the event's alternative name; every field of the alternative is written.
std::string encode_event(const event& e);

/// Parses what encode_event wrote. Strict: unknown types, unknown or missing fields, wrong
/// types, out-of-range numbers, invalid UTF-8 and oversized or deeply nested input are refused
/// with a message naming the problem.
expected<event, std::string> decode_event(std::string_view text);

}  // namespace frontdesk::fsm
