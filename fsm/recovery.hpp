#pragma once
// What a conversation must redo when it is re-activated from its snapshot (after a
// restart or passivation): re-arm every armed timer (a past deadline fires at once)
// and re-issue the work in flight that a crash may have lost.

#include "fsm/conversation.hpp"
#include "fsm/effect.hpp"

namespace frontdesk::fsm {

/// arm_timer for each armed slot (same epoch), request_triage in `received`,
/// request_draft (same request id) in `drafting`.
effects recovery_effects(const conversation& c);

}  // namespace frontdesk::fsm
