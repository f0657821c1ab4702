#include "fsm/recovery.hpp"

namespace frontdesk::fsm {

effects recovery_effects(const conversation& c) {
  effects out;
  for (std::size_t i = 0; i < timer_count; ++i) {
    const timer_slot& s = c.timers[i];
    if (s.due) out.push_back(fx::arm_timer{static_cast<timer_name>(i), *s.due, s.epoch});
  }
  if (c.current == state::received) out.push_back(fx::request_triage{});
  if (c.current == state::drafting && c.draft_request != 0) {
    out.push_back(fx::request_draft{c.draft_request});
  }
  return out;
}

}  // namespace frontdesk::fsm
