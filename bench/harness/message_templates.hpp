// The customer messages a load run sends: a small set of texts per intent (order status, shipping,
// returns, refunds, angry, legal threats, ...) and whether the product must escalate them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace frontdesk::bench {

struct intent_templates {
  std::string_view name;
  bool must_escalate;  // the product's rules route it to a human whatever the draft says
  std::span<const std::string_view> texts;
};

/// Every intent, in a fixed order (an intent's index is its position here).
std::span<const intent_templates> all_intents();
std::optional<std::size_t> intent_index(std::string_view name);

/// The text of a message: one of the intent's texts (by `variant`), tagged with a reference
/// the simulated servers use to find the conversation a call belongs to.
std::string render_message(std::size_t intent, std::uint64_t variant, std::int64_t conversation_id,
                           int seq);

/// The conversation id in a text tagged by render_message ("[ref T<id>x<seq>]"), if any.
std::optional<std::int64_t> find_conversation_ref(std::string_view text);

}  // namespace frontdesk::bench
