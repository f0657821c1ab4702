#pragma once
// Conversation priority P0 (critical) .. P3 (low), as in PRODUCT.md "Triage".

#include <cstdint>
#include <optional>
#include <string_view>

namespace frontdesk::domain {

enum class priority : std::uint8_t { p0 = 0, p1 = 1, p2 = 2, p3 = 3 };

/// "P0".."P3".
std::string_view to_string(priority p) noexcept;
/// Accepts "P0".."P3" (case-insensitive); nullopt otherwise.
std::optional<priority> parse_priority(std::string_view text) noexcept;

}  // namespace frontdesk::domain
