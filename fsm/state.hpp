#pragma once
// The conversation states of PRODUCT.md, with their wire names.

#include <cstdint>
#include <optional>
#include <string_view>

namespace frontdesk::fsm {

enum class state : std::uint8_t {
  fresh,  ///< no customer message yet (the actor was just created)
  received,
  triaged,  ///< transient: triage chose the AI route, drafting starts at once
  drafting,
  awaiting_approval,
  sent,
  graded,
  escalated,
  closed,
};

inline constexpr std::size_t state_count = 9;

/// Triage or drafting is under way: work is in flight for the conversation (it is never idle,
/// and a restart re-issues that work).
constexpr bool work_in_flight(state s) noexcept {
  return s == state::received || s == state::drafting;
}

/// "new", "received", "triaged", ... (the API's names).
std::string_view to_string(state s) noexcept;
std::optional<state> parse_state(std::string_view text) noexcept;

}  // namespace frontdesk::fsm
