// What the harness knows about each conversation of a run, shared lock-free between the webhook
// senders, the simulated operators and the simulated Chatwoot/LLM servers (one slot per
// conversation, indexed by id - base).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

#include "bench/load/latency_histogram.hpp"

namespace frontdesk::bench {

/// Monotonic nanoseconds (steady clock), the time base of every ledger field.
inline std::int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// A latency_histogram many threads record into.
class shared_histogram {
 public:
  void record(std::int64_t ns) {
    std::lock_guard lock(mutex_);
    h_.record(ns);
  }
  latency_histogram snapshot() const {
    std::lock_guard lock(mutex_);
    return h_;
  }

 private:
  mutable std::mutex mutex_;
  latency_histogram h_;
};

struct conversation_slot {
  std::atomic<std::int64_t> message_sent_ns{0};  // last customer message, when its webhook left
  std::atomic<bool> note_awaited{false};         // a private note for that message not seen yet
  std::atomic<std::int64_t> sim_ns{0};           // simulated latency applied to its calls so far
  // Time spent waiting on simulated calls as a union of intervals (parallel calls count once);
  // guarded by the ledger's lock stripe of the conversation.
  std::int64_t waited_closed_ns = 0;  // intervals before [open_start, open_end)
  std::int64_t open_start_ns = 0;
  std::int64_t open_end_ns = 0;
  std::int64_t waited_at_message_ns = 0;
  std::atomic<std::uint32_t> stored_acks{0};     // webhook answers "stored"
  std::atomic<std::uint32_t> duplicate_acks{0};  // webhook answers "duplicate"
  std::atomic<std::uint32_t> failed_deliveries{0};
  std::atomic<std::uint32_t> private_notes{0};  // seen by the simulated Chatwoot
  std::atomic<std::uint32_t> public_replies{0};
  std::atomic<std::uint32_t> approvals{0};       // approve / edit answered 200
  std::atomic<std::int64_t> approve_sent_ns{0};  // the last approval still waiting for its reply
  std::atomic<bool> legal{false};                // a message that must escalate was sent
};

class conversation_ledger {
 public:
  conversation_ledger(std::int64_t base, std::size_t count)
      : base_(base), count_(count), slots_(std::make_unique<conversation_slot[]>(count)) {}

  std::int64_t base() const { return base_; }

  /// Message ids come from one rising sequence shared by the customer messages the harness
  /// sends and the messages the simulated Chatwoot creates, as in a Chatwoot account (reply
  /// searches compare ids with the last message seen).
  void start_message_ids(std::int64_t first) { next_message_id_.store(first); }
  std::int64_t allocate_message_id() { return next_message_id_.fetch_add(1); }
  std::size_t size() const { return count_; }
  conversation_slot& at(std::size_t index) { return slots_[index]; }
  /// The slot of a Chatwoot conversation id, or nullptr when it is not one of this run's.
  conversation_slot* find(std::int64_t conversation_id) {
    if (conversation_id < base_) return nullptr;
    const auto i = static_cast<std::uint64_t>(conversation_id - base_);
    return i < count_ ? &slots_[i] : nullptr;
  }

  /// A customer message is leaving: the private note that answers it is timed from now.
  void message_sent(conversation_slot& s, std::int64_t now) {
    {
      std::lock_guard lock(stripe(s));
      s.waited_at_message_ns = waited_until(s, now);
    }
    s.message_sent_ns.store(now);
    s.note_awaited.store(true);
  }

  /// Simulated waiting of the conversation's calls up to `t`: the union of the intervals.
  static std::int64_t waited_until(const conversation_slot& s, std::int64_t t) {
    std::int64_t w = s.waited_closed_ns;
    if (t > s.open_start_ns) w += std::min(t, s.open_end_ns) - s.open_start_ns;
    return w;
  }

  shared_histogram note_latency;   // message sent -> private note received
  shared_histogram note_overhead;  // the same minus simulated dependency time
  shared_histogram reply_latency;  // approval sent -> public reply received
  std::atomic<std::uint64_t> notes_seen{0};
  std::atomic<std::uint64_t> replies_seen{0};
  std::atomic<std::uint64_t> unknown_conversation_calls{0};

  /// The simulated Chatwoot saw a private note on this conversation.
  void note_received(std::int64_t conversation_id, std::int64_t now) {
    ++notes_seen;
    conversation_slot* s = find(conversation_id);
    if (s == nullptr) return void(++unknown_conversation_calls);
    ++s->private_notes;
    if (s->note_awaited.exchange(false)) {
      const std::int64_t latency = now - s->message_sent_ns.load();
      std::int64_t waited = 0;
      {
        std::lock_guard lock(stripe(*s));
        waited = waited_until(*s, now) - s->waited_at_message_ns;
      }
      note_latency.record(latency);
      note_overhead.record(latency - waited);
    }
  }

  /// The simulated Chatwoot saw a public (outgoing, not private) message on this conversation.
  void reply_received(std::int64_t conversation_id, std::int64_t now) {
    ++replies_seen;
    conversation_slot* s = find(conversation_id);
    if (s == nullptr) return void(++unknown_conversation_calls);
    ++s->public_replies;
    if (const std::int64_t sent = s->approve_sent_ns.exchange(0); sent != 0) {
      reply_latency.record(now - sent);
    }
  }

  /// A call made for this conversation starts now and is held `ns` by the simulator.
  void sim_time(std::int64_t conversation_id, std::int64_t ns) {
    conversation_slot* s = find(conversation_id);
    if (s == nullptr) return;
    s->sim_ns.fetch_add(ns);
    const std::int64_t start = mono_ns();
    const std::int64_t end = start + ns;
    std::lock_guard lock(stripe(*s));
    if (start > s->open_end_ns) {
      s->waited_closed_ns += s->open_end_ns - s->open_start_ns;
      s->open_start_ns = start;
      s->open_end_ns = end;
    } else {
      s->open_end_ns = std::max(s->open_end_ns, end);
    }
  }

 private:
  std::mutex& stripe(const conversation_slot& s) {
    return stripes_[static_cast<std::size_t>(&s - slots_.get()) % stripes_.size()];
  }

  std::int64_t base_;
  std::size_t count_;
  std::unique_ptr<conversation_slot[]> slots_;
  std::array<std::mutex, 256> stripes_;
  std::atomic<std::int64_t> next_message_id_{1'000'000};
};

}  // namespace frontdesk::bench
