#include "actors/reconciler.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <caf/all.hpp>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "actors/atoms.hpp"
#include "config/log.hpp"
#include "domain/channel.hpp"
#include "persistence/read_pool.hpp"

namespace frontdesk::actors {
namespace {

namespace json = boost::json;

struct conversations_msg {
  std::uint64_t pass = 0;
  int page = 0;
  io::cw_result<io::cw_conversation_page> result;
};

struct messages_msg {
  std::uint64_t pass = 0;
  std::int64_t conversation = 0;
  io::cw_result<io::cw_message_page> result;
};

struct known_msg {
  std::uint64_t pass = 0;
  std::int64_t conversation = 0;
  std::vector<std::int64_t> ids;
};

}  // namespace
}  // namespace frontdesk::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::conversations_msg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::messages_msg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::known_msg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::reconciler_stats)

namespace frontdesk::actors {
namespace {

using convs_atom = caf::atom_constant<caf::atom("convs")>;
using msgs_atom = caf::atom_constant<caf::atom("msgs")>;
using known_atom = caf::atom_constant<caf::atom("known")>;
using submitted_atom = caf::atom_constant<caf::atom("submitted")>;
using interval_atom = caf::atom_constant<caf::atom("interval")>;

constexpr int known_ids_limit = 200;

bool is_customer_message(const io::cw_message& m) {
  return m.message_type == io::cw_message_type::incoming && !m.is_private;
}

std::map<std::string, std::string> attributes_of(const std::string& text) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& kv : v.as_object()) {
    const json::value& x = kv.value();
    if (x.is_null()) continue;
    out[std::string(kv.key())] = x.is_string() ? std::string(x.as_string()) : json::serialize(x);
  }
  return out;
}

struct conversation_work {
  io::cw_conversation conversation;
  std::vector<io::cw_message> messages;  // ascending
  int pages = 0;
};

struct reconciler_state {
  static constexpr const char* name = "reconciler";
  chatwoot_reader reader;
  std::function<void(conversation_command)> submit;
  std::shared_ptr<persistence::read_pool> reads;
  reconciler_options options;
  std::unordered_map<std::int64_t, std::int64_t> high_water;
  reconciler_stats stats;

  bool again = false;
  std::uint64_t pass = 0;
  int page = 0;
  std::int64_t listed = 0;
  bool listing_done = false;
  bool listing_ok = false;
  std::deque<io::cw_conversation> todo;
  std::size_t active = 0;
  std::unordered_set<std::int64_t> seen;
  std::unordered_map<std::int64_t, conversation_work> work;
};

using self_ptr = caf::stateful_actor<reconciler_state>*;

void start_pass(self_ptr self);

void end_pass(self_ptr self) {
  auto& st = self->state;
  st.stats.running = false;
  ++st.stats.passes;
  if (st.listing_ok) {
    // Conversations no longer open are forgotten (they are seen afresh if they reopen).
    std::erase_if(st.high_water, [&](const auto& kv) { return !st.seen.contains(kv.first); });
  }
  st.seen.clear();
  if (st.again) {
    st.again = false;
    start_pass(self);
  }
}

void maybe_end(self_ptr self) {
  auto& st = self->state;
  if (st.listing_done && st.todo.empty() && st.active == 0) end_pass(self);
}

void list_page(self_ptr self) {
  auto& st = self->state;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  const std::uint64_t pass = st.pass;
  const int page = ++st.page;
  st.reader.list_open_conversations(
      page, [me, pass, page](io::cw_result<io::cw_conversation_page> r) {
        caf::anon_send(me, convs_atom::value, conversations_msg{pass, page, std::move(r)});
      });
}

void list_messages(self_ptr self, std::int64_t conv, std::optional<std::int64_t> before) {
  auto& st = self->state;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  const std::uint64_t pass = st.pass;
  st.reader.list_messages(conv, before, [me, pass, conv](io::cw_result<io::cw_message_page> r) {
    caf::anon_send(me, msgs_atom::value, messages_msg{pass, conv, std::move(r)});
  });
}

void pump(self_ptr self) {
  auto& st = self->state;
  const std::size_t limit = std::max<std::size_t>(1, st.options.max_parallel);
  while (st.active < limit && !st.todo.empty()) {
    io::cw_conversation c = std::move(st.todo.front());
    st.todo.pop_front();
    const std::int64_t id = c.id;
    if (!st.work.emplace(id, conversation_work{std::move(c), {}, 0}).second) continue;
    ++st.active;
    list_messages(self, id, std::nullopt);
  }
  maybe_end(self);
}

void finish_conversation(self_ptr self, std::int64_t conv) {
  auto& st = self->state;
  if (st.work.erase(conv) == 0) return;
  --st.active;
  ++st.stats.conversations_scanned;
  pump(self);
}

void submit_messages(self_ptr self, std::int64_t conv, const std::vector<std::int64_t>& known) {
  auto& st = self->state;
  auto it = st.work.find(conv);
  if (it == st.work.end()) return;
  conversation_work& w = it->second;
  std::optional<std::int64_t> hw;
  if (auto h = st.high_water.find(conv); h != st.high_water.end()) hw = h->second;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  for (const io::cw_message& m : messages_to_submit(w.messages, hw, known)) {
    conversation_command cmd = reconciled_message_command(w.conversation, m);
    const std::int64_t mid = m.id;
    cmd.reply = make_reply([me, conv, mid](const command_reply& r) {
      caf::anon_send(me, submitted_atom::value, conv, mid, static_cast<std::int32_t>(r.outcome));
    });
    ++st.stats.messages_submitted;
    log::info("reconcile_submit", {{"conversation", conv}, {"message", mid}});
    st.submit(std::move(cmd));
  }
  std::int64_t top = hw.value_or(0);
  for (const io::cw_message& m : w.messages) top = std::max(top, m.id);
  st.high_water[conv] = top;
  finish_conversation(self, conv);
}

/// All pages needed are in: decide (first sight asks the store what it already holds).
void conversation_read(self_ptr self, std::int64_t conv) {
  auto& st = self->state;
  if (st.high_water.contains(conv) || !st.reads) return submit_messages(self, conv, {});
  caf::actor me = caf::actor_cast<caf::actor>(self);
  const std::uint64_t pass = st.pass;
  const bool posted = st.reads->post([me, pass, conv](persistence::store& db) {
    known_msg k{pass, conv, {}};
    if (auto rows = db.messages(conv, known_ids_limit)) {
      for (const auto& r : *rows)
        if (r.message_id) k.ids.push_back(*r.message_id);
    }
    caf::anon_send(me, known_atom::value, std::move(k));
  });
  if (!posted) submit_messages(self, conv, {});
}

void start_pass(self_ptr self) {
  auto& st = self->state;
  if (st.stats.running) {
    st.again = true;
    return;
  }
  st.stats.running = true;
  ++st.pass;
  st.page = 0;
  st.listed = 0;
  st.listing_done = false;
  st.listing_ok = false;
  st.todo.clear();
  st.seen.clear();
  list_page(self);
}

caf::behavior reconciler_behavior(self_ptr self, chatwoot_reader reader,
                                  std::function<void(conversation_command)> submit,
                                  std::shared_ptr<persistence::read_pool> reads,
                                  reconciler_options options) {
  auto& st = self->state;
  st.reader = std::move(reader);
  st.submit = std::move(submit);
  st.reads = std::move(reads);
  st.options = options;
  if (options.interval.count() > 0)
    self->delayed_send(self, options.interval, interval_atom::value);
  return {
      [self](tick_atom) { start_pass(self); },
      [self](interval_atom) {
        start_pass(self);
        self->delayed_send(self, self->state.options.interval, interval_atom::value);
      },
      [self](convs_atom, conversations_msg& m) {
        auto& s = self->state;
        if (m.pass != s.pass || !s.stats.running || s.listing_done) return;
        if (!m.result) {
          ++s.stats.errors;
          log::warn("reconcile_list_failed",
                    {{"page", m.page}, {"error", m.result.error().message}});
          s.listing_done = true;
          return pump(self);
        }
        const auto& convs = m.result->conversations;
        for (const io::cw_conversation& c : convs) {
          if (c.id <= 0 || !s.seen.insert(c.id).second) continue;
          s.todo.push_back(c);
        }
        s.listed += static_cast<std::int64_t>(convs.size());
        const bool more = !convs.empty() && s.listed < m.result->all_count &&
                          s.page < s.options.max_conversation_pages;
        if (more) {
          list_page(self);
        } else {
          s.listing_done = true;
          s.listing_ok = true;
        }
        pump(self);
      },
      [self](msgs_atom, messages_msg& m) {
        auto& s = self->state;
        if (m.pass != s.pass) return;
        auto it = s.work.find(m.conversation);
        if (it == s.work.end()) return;
        if (!m.result) {
          ++s.stats.errors;
          log::warn("reconcile_messages_failed",
                    {{"conversation", m.conversation}, {"error", m.result.error().message}});
          return finish_conversation(self, m.conversation);
        }
        conversation_work& w = it->second;
        ++w.pages;
        auto& page = m.result->messages;
        w.messages.insert(w.messages.begin(), page.begin(), page.end());
        std::sort(w.messages.begin(), w.messages.end(),
                  [](const io::cw_message& a, const io::cw_message& b) { return a.id < b.id; });
        w.messages.erase(std::unique(w.messages.begin(), w.messages.end(),
                                     [](const io::cw_message& a, const io::cw_message& b) {
                                       return a.id == b.id;
                                     }),
                         w.messages.end());
        // Seen before: page back until the high-water mark is covered.
        if (auto h = s.high_water.find(m.conversation); h != s.high_water.end() && !page.empty() &&
                                                        page.front().id > h->second &&
                                                        w.pages < s.options.max_message_pages) {
          return list_messages(self, m.conversation, page.front().id);
        }
        conversation_read(self, m.conversation);
      },
      [self](known_atom, known_msg& k) {
        if (k.pass != self->state.pass) return;
        submit_messages(self, k.conversation, k.ids);
      },
      [self](submitted_atom, std::int64_t conv, std::int64_t message, std::int32_t outcome) {
        auto& s = self->state;
        switch (static_cast<command_reply::status>(outcome)) {
          case command_reply::status::applied:
            ++s.stats.messages_recovered;
            log::info("reconcile_recovered", {{"conversation", conv}, {"message", message}});
            break;
          case command_reply::status::duplicate:
          case command_reply::status::repeat:
            ++s.stats.duplicates;
            break;
          case command_reply::status::refused:
            ++s.stats.refused;
            break;
          case command_reply::status::unavailable:
            ++s.stats.unavailable;
            // Not stored: look at it again on the next pass.
            if (auto h = s.high_water.find(conv); h != s.high_water.end())
              h->second = std::min(h->second, message - 1);
            break;
        }
      },
      [self](stats_atom) { return self->state.stats; },
  };
}

}  // namespace

conversation_command reconciled_message_command(const io::cw_conversation& c,
                                                const io::cw_message& m) {
  conversation_command cmd;
  cmd.conversation_id = c.id;
  const std::string key = "message_created:" + std::to_string(m.id);
  cmd.cause = "reconcile:" + key;
  cmd.actor = "customer";
  cmd.event = fsm::ev::customer_message{m.id};
  auto data = std::make_shared<command_data>();
  incoming_message in;
  in.message_id = m.id;
  in.content = m.content;
  in.sender = c.contact.name;
  in.contact = contact_info{c.contact.id, c.contact.name, c.contact.email};
  in.channel = domain::parse_channel(c.channel);
  in.labels = c.labels;
  in.custom_attributes = attributes_of(c.custom_attributes_json);
  in.assignee = c.assignee_id;
  data->message = std::move(in);
  cmd.data = std::move(data);
  persistence::inbound_event ev;
  ev.dedupe_key = key;
  ev.event = "message_created";
  ev.conversation_id = c.id;
  ev.received_at = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  ev.body = json::serialize(json::object{{"event", "message_created"},
                                         {"source", "reconciler"},
                                         {"id", m.id},
                                         {"content", m.content},
                                         {"message_type", "incoming"},
                                         {"created_at", m.created_at},
                                         {"conversation", json::object{{"display_id", c.id}}}});
  cmd.inbound = std::move(ev);
  return cmd;
}

std::vector<io::cw_message> messages_to_submit(const std::vector<io::cw_message>& messages,
                                               std::optional<std::int64_t> high_water,
                                               const std::vector<std::int64_t>& known_ids) {
  std::vector<io::cw_message> out;
  if (high_water) {
    for (const auto& m : messages)
      if (m.id > *high_water && is_customer_message(m)) out.push_back(m);
    return out;
  }
  if (!known_ids.empty()) {
    const std::int64_t oldest = *std::min_element(known_ids.begin(), known_ids.end());
    const std::unordered_set<std::int64_t> known(known_ids.begin(), known_ids.end());
    for (const auto& m : messages)
      if (m.id > oldest && !known.contains(m.id) && is_customer_message(m)) out.push_back(m);
    return out;
  }
  // Nothing known: only the customer messages nobody has answered yet.
  std::size_t start = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    if (m.message_type == io::cw_message_type::outgoing && !m.is_private) start = i + 1;
  }
  for (std::size_t i = start; i < messages.size(); ++i)
    if (is_customer_message(messages[i])) out.push_back(messages[i]);
  return out;
}

caf::actor spawn_reconciler(caf::actor_system& sys, chatwoot_reader reader,
                            std::function<void(conversation_command)> submit,
                            std::shared_ptr<persistence::read_pool> reads,
                            reconciler_options options) {
  return sys.spawn(reconciler_behavior, std::move(reader), std::move(submit), std::move(reads),
                   options);
}

}  // namespace frontdesk::actors
