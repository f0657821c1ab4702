#pragma once
// A command for one conversation actor and the way its answer travels back. No CAF:
// the HTTP layer builds commands and receives replies through a callback.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "actors/conversation_data.hpp"
#include "fsm/error.hpp"
#include "fsm/event.hpp"
#include "persistence/records.hpp"

namespace frontdesk::actors {

struct command_reply {
  enum class status : std::uint8_t {
    applied,      ///< committed; state changed
    repeat,       ///< identical operator action repeated: nothing changed (idempotent)
    duplicate,    ///< the inbound event was already stored: nothing changed
    refused,      ///< the state machine refused the event (see code); stored for dedupe only
    unavailable,  ///< not persisted (store down, shutting down): nothing changed
  };
  status outcome = status::unavailable;
  fsm::error_code code = fsm::error_code::illegal_event;
  std::string message;
  std::string state;  ///< the conversation's state after the command
  std::uint64_t draft_version = 0;
};

/// Delivers exactly one reply. If the command is dropped unanswered (the actor died, the
/// system stopped), the destructor answers `unavailable`, so no caller waits forever.
class reply_channel {
 public:
  using callback = std::function<void(const command_reply&)>;
  explicit reply_channel(callback cb) : cb_(std::move(cb)) {}
  reply_channel(const reply_channel&) = delete;
  reply_channel& operator=(const reply_channel&) = delete;
  ~reply_channel() {
    if (cb_)
      cb_(command_reply{command_reply::status::unavailable, {}, "conversation unavailable", {}, 0});
  }
  void send(const command_reply& r) {
    callback cb;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cb.swap(cb_);
    }
    if (cb) cb(r);
  }

 private:
  std::mutex mutex_;
  callback cb_;
};

using reply_ptr = std::shared_ptr<reply_channel>;

inline reply_ptr make_reply(reply_channel::callback cb) {
  return std::make_shared<reply_channel>(std::move(cb));
}

struct command_data {
  std::optional<incoming_message> message;
  std::optional<operator_input> op;
  std::optional<draft_content> draft;
};

struct conversation_command {
  std::int64_t conversation_id = 0;
  /// The state machine event; absent for updates that only change what the conversation
  /// knows (labels, attributes) or only record an inbound event.
  std::optional<fsm::event> event;
  std::string cause;  ///< e.g. "webhook:message_created:123"
  std::string actor;  ///< customer, operator id, system, timer
  std::optional<persistence::inbound_event> inbound;
  std::shared_ptr<const command_data> data;
  reply_ptr reply;
};

}  // namespace frontdesk::actors
