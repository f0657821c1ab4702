#pragma once
// A real runtime on a temporary SQLite file, with a drafting actor the test controls.

#include <gtest/gtest.h>

#include <atomic>
#include <caf/all.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "actors/atoms.hpp"
#include "actors/runtime.hpp"
#include "persistence/store.hpp"

namespace frontdesk::actors::testing {

/// Shared between the test thread and the drafting actor.
struct drafter_control {
  std::atomic<int> received{0};
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  /// Answers are held until this many requests are in flight at once (0: answer at once).
  std::atomic<int> hold_until{0};
  std::atomic<bool> never_answer{false};
  std::atomic<double> confidence{0.9};
};

using release_atom = caf::atom_constant<caf::atom("release")>;

struct drafter_state {
  std::vector<std::pair<caf::typed_response_promise<draft_reply_ptr>, draft_request_ptr>> held;
  std::vector<caf::typed_response_promise<draft_reply_ptr>> ignored;
};

inline draft_reply_ptr answer_for(const draft_request& req, double confidence) {
  auto r = std::make_shared<draft_reply>();
  r->ok = true;
  r->draft.text = "Hello " + req.contact.name + ", about: " + req.customer_message;
  r->draft.confidence = confidence;
  r->draft.drafter_version = "test-drafter";
  return r;
}

inline caf::behavior test_drafter(caf::stateful_actor<drafter_state>* self,
                                  std::shared_ptr<drafter_control> ctl) {
  return {
      [self, ctl](draft_atom, const draft_request_ptr& req) -> caf::result<draft_reply_ptr> {
        ++ctl->received;
        if (ctl->never_answer) {
          auto rp = self->make_response_promise<draft_reply_ptr>();
          self->state.ignored.push_back(rp);
          return rp;
        }
        const int now = ++ctl->in_flight;
        int prev = ctl->max_in_flight;
        while (now > prev && !ctl->max_in_flight.compare_exchange_weak(prev, now)) {
        }
        if (ctl->hold_until > 0 && now < ctl->hold_until) {
          auto rp = self->make_response_promise<draft_reply_ptr>();
          self->state.held.emplace_back(rp, req);
          return rp;  // answered when the last one arrives
        }
        for (auto& [rp, r] : self->state.held) {
          rp.deliver(answer_for(*r, ctl->confidence));
          --ctl->in_flight;
        }
        self->state.held.clear();
        --ctl->in_flight;
        return answer_for(*req, ctl->confidence);
      },
      [](cancel_atom, std::int64_t, std::uint64_t) {},
  };
}

inline std::string temp_db() {
  static std::atomic<int> n{0};
  auto dir = std::filesystem::temp_directory_path() /
             ("frontdesk-actors-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
  std::filesystem::create_directories(dir);
  return (dir / "store.db").string();
}

/// Waits for `pred` up to `limit`; true when it held.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

class runtime_test : public ::testing::Test {
 protected:
  config::settings settings;
  std::shared_ptr<drafter_control> ctl = std::make_shared<drafter_control>();
  std::unique_ptr<runtime> rt;
  std::string db_path = temp_db();

  void SetUp() override {
    settings.store.db = "sqlite:" + db_path;
    settings.actors.workers = 2;
    settings.actors.passivate_after_s = 600;
  }
  void TearDown() override {
    if (rt) rt->stop();
    rt.reset();
    std::filesystem::remove_all(std::filesystem::path(db_path).parent_path());
  }

  void start() {
    runtime_hooks hooks;
    auto c = ctl;
    hooks.drafter = [c](caf::actor_system& sys) { return sys.spawn(test_drafter, c); };
    auto r = runtime::start(settings, hooks);
    ASSERT_TRUE(r) << r.error();
    rt = std::move(*r);
  }

  /// Submits and waits for the reply.
  command_reply ask(conversation_command cmd) {
    auto p = std::make_shared<std::promise<command_reply>>();
    auto f = p->get_future();
    cmd.reply = make_reply([p](const command_reply& r) { p->set_value(r); });
    rt->submit(std::move(cmd));
    if (f.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      ADD_FAILURE() << "no reply";
      return {};
    }
    return f.get();
  }

  static conversation_command customer_message(std::int64_t conv, std::int64_t msg,
                                               std::string text = "Where is my order?") {
    conversation_command c;
    c.conversation_id = conv;
    c.event = fsm::ev::customer_message{msg};
    c.cause = "test:message:" + std::to_string(msg);
    c.actor = "customer";
    auto data = std::make_shared<command_data>();
    incoming_message m;
    m.message_id = msg;
    m.content = std::move(text);
    m.sender = "Jane";
    m.contact = {1000 + conv, "Jane", "jane@example.com"};
    m.channel = domain::channel::email;
    data->message = std::move(m);
    c.data = std::move(data);
    persistence::inbound_event in;
    in.delivery_id = "delivery-" + std::to_string(conv) + "-" + std::to_string(msg);
    in.dedupe_key = "message_created:" + std::to_string(msg);
    in.event = "message_created";
    in.conversation_id = conv;
    in.received_at =
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    in.body = "{}";
    c.inbound = std::move(in);
    return c;
  }

  static conversation_command approve(std::int64_t conv, std::uint64_t version,
                                      std::string fingerprint = "fp") {
    conversation_command c;
    c.conversation_id = conv;
    c.event = fsm::ev::approve{version, "alice", fingerprint};
    c.cause = "operator:alice";
    c.actor = "alice";
    auto data = std::make_shared<command_data>();
    data->op = operator_input{};
    data->op->grades_json = R"({"tone":5,"accuracy":4,"policy":5})";
    c.data = std::move(data);
    return c;
  }

  std::optional<persistence::conversation_row> row(std::int64_t id) {
    auto r = rt->store()->get_conversation(id);
    if (!r) return std::nullopt;
    return *r;
  }
  std::string state_of(std::int64_t id) {
    auto r = row(id);
    return r ? r->state : "";
  }
};

}  // namespace frontdesk::actors::testing
