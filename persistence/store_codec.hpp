#pragma once
// Helpers shared by the store backends: time <-> integer milliseconds, queue cursors, URIs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "persistence/records.hpp"

namespace frontdesk::persistence::detail {

inline std::int64_t to_millis(timestamp t) noexcept {
  return t.time_since_epoch().count();
}
inline timestamp from_millis(std::int64_t ms) noexcept {
  return timestamp{std::chrono::milliseconds{ms}};
}

/// Position after one queue item in "priority, age, id" order.
struct queue_position {
  std::string priority;
  std::int64_t created_at = 0;
  std::string id;
};

/// Opaque, URL-safe text (lower-case hex) for a position.
std::string encode_cursor(const queue_position& position);
/// nullopt for anything encode_cursor did not produce (bad hex, wrong shape, oversized).
std::optional<queue_position> decode_cursor(std::string_view cursor);

/// Mean of the numeric members of a flat JSON object such as {"tone":4,"accuracy":5};
/// nullopt when the text is not such an object or has no numeric member.
std::optional<double> mean_of_grades(std::string_view json);

}  // namespace frontdesk::persistence::detail
