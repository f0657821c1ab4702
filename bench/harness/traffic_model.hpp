// Turns a scenario's traffic settings and a seed into the exact, reproducible list of webhook
// deliveries of a run: when each is due, which conversation and message, and which are repeats.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "bench/harness/scenario.hpp"

namespace frontdesk::bench {

struct planned_delivery {
  std::int64_t due_ns = 0;         // from the start of the traffic
  std::uint32_t conversation = 0;  // index: the id is traffic.conversation_base + index
  std::uint16_t seq = 0;           // the message's position in its conversation (0-based)
  std::uint8_t intent = 0;         // index into all_intents()
  std::uint8_t variant = 0;        // which text of the intent
  bool duplicate = false;          // a second delivery of a message already planned
};

struct traffic_plan {
  std::vector<planned_delivery> deliveries;  // sorted by due_ns (stable)
  std::int64_t messages = 0;                 // distinct messages
  std::int64_t duplicates = 0;
  std::int64_t reordered = 0;  // messages delivered before their predecessor
  std::int64_t span_ns = 0;    // due time of the last delivery
};

/// The built-in day profile for `replay`: relative arrival weight of each hour (0-23).
const std::array<double, 24>& hourly_profile();

/// Same spec and seed, same plan. Arrival of conversation starts: constant (evenly spaced at
/// `rate`), poisson (exponential gaps, mean 1/rate) or replay (a non-homogeneous Poisson process
/// following hourly_profile(), the day compressed to `day_s`, mean `rate`).
traffic_plan make_traffic_plan(const traffic_spec& spec, std::uint64_t seed);

/// Where each message's Chatwoot id is kept during a run: message (conversation, seq) is
/// number first_of[conversation] + seq.
struct message_numbering {
  std::vector<std::uint64_t> first_of;  // per conversation index
  std::uint64_t total = 0;
};
message_numbering number_messages(const traffic_plan& plan, std::size_t conversations);

}  // namespace frontdesk::bench
