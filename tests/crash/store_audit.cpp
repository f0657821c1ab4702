#include "tests/crash/store_audit.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <map>

#include "actors/conversation_snapshot.hpp"
#include "fsm/state.hpp"
#include "fsm/timer.hpp"
#include "persistence/store.hpp"

namespace frontdesk::crash_testing {
namespace {

struct outbox_entry {
  std::string id;
  std::int64_t conversation = 0;
  std::int64_t version = 0;
  std::string kind;
  std::string status;
};

/// Rows the store interface has no query for, read with SQLite itself (read-only).
struct raw_rows {
  std::vector<outbox_entry> outbox;
  std::set<std::string> deliveries;   // inbound_events.delivery_id
  std::set<std::string> dedupe_keys;  // inbound_events.dedupe_key
  std::string error;
};

std::string text_at(sqlite3_stmt* st, int col) {
  const unsigned char* t = sqlite3_column_text(st, col);
  return t ? reinterpret_cast<const char*>(t) : "";
}

raw_rows read_raw(const std::filesystem::path& file) {
  raw_rows out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    out.error = std::string("cannot open ") + file.string() + ": " + sqlite3_errmsg(db);
    sqlite3_close(db);
    return out;
  }
  auto each = [&](const char* sql, auto&& row) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      out.error = std::string(sql) + ": " + sqlite3_errmsg(db);
      return;
    }
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
    if (rc != SQLITE_DONE) out.error = std::string(sql) + ": " + sqlite3_errmsg(db);
    sqlite3_finalize(st);
  };
  each("SELECT id, conversation_id, draft_version, kind, status FROM outbox",
       [&](sqlite3_stmt* st) {
         out.outbox.push_back({text_at(st, 0), sqlite3_column_int64(st, 1),
                               sqlite3_column_int64(st, 2), text_at(st, 3), text_at(st, 4)});
       });
  each("SELECT delivery_id FROM inbound_events WHERE delivery_id IS NOT NULL",
       [&](sqlite3_stmt* st) { out.deliveries.insert(text_at(st, 0)); });
  each("SELECT dedupe_key FROM inbound_events",
       [&](sqlite3_stmt* st) { out.dedupe_keys.insert(text_at(st, 0)); });
  sqlite3_close(db);
  return out;
}

std::string conv_text(std::int64_t c) {
  return "conversation " + std::to_string(c);
}

}  // namespace

audit_report audit_store(const std::filesystem::path& db, ledger& book,
                         const std::vector<std::int64_t>& conversations, bool settled) {
  audit_report rep;
  auto& bad = rep.violations;
  if (!std::filesystem::exists(db)) {
    if (!book.acknowledged.empty() || !book.approvals.empty()) {
      bad.push_back("the store file is gone after acknowledging work");
    }
    return rep;
  }
  const raw_rows raw = read_raw(db);
  if (!raw.error.empty()) bad.push_back(raw.error);

  auto opened = persistence::open_store("sqlite:" + db.string());
  if (!opened) {
    bad.push_back("cannot open the store: " + opened.error().message);
    return rep;
  }
  persistence::store& st = **opened;

  // Every acknowledged delivery is remembered, so a replay is recognised.
  std::map<std::int64_t, std::vector<std::int64_t>> acked_messages;
  for (std::size_t i : book.acknowledged) {
    const sent_delivery& d = book.sent[i];
    acked_messages[d.conversation].push_back(d.message);
    if (!raw.dedupe_keys.count(d.dedupe_key)) {
      bad.push_back("acknowledged message " + d.dedupe_key + " is not in inbound_events");
    }
  }
  for (const std::string& delivery : book.stored_deliveries) {
    if (!raw.deliveries.count(delivery)) {
      bad.push_back("acknowledged delivery " + delivery + " is not in inbound_events");
    }
  }

  std::map<std::int64_t, std::vector<const outbox_entry*>> replies_in_outbox;
  for (const outbox_entry& o : raw.outbox) {
    ++rep.totals.outbox_rows;
    if (o.status == "pending") ++rep.totals.outbox_pending;
    if (o.kind == "public_reply") replies_in_outbox[o.conversation].push_back(&o);
    if (settled && o.status != "delivered") {
      bad.push_back("outbox entry " + o.id + " is " + o.status + " after the settle time");
    }
  }
  if (auto pending = st.pending_outbox(1000); !pending) {
    bad.push_back("pending_outbox: " + pending.error().message);
  } else if (settled && !pending->empty()) {
    bad.push_back(std::to_string(pending->size()) + " outbox entries pending after settling");
  }

  for (const std::int64_t c : conversations) {
    auto row = st.get_conversation(c);
    if (!row) {
      bad.push_back(conv_text(c) + ": get_conversation: " + row.error().message);
      continue;
    }
    const bool must_exist = acked_messages.count(c) > 0;
    if (!*row) {
      if (must_exist) bad.push_back(conv_text(c) + " with acknowledged messages is missing");
      continue;
    }
    const persistence::conversation_row& conv = **row;
    ++rep.totals.conversations;

    // No conversation goes back: its draft version never decreases.
    const std::int64_t seen = book.high_water.count(c) ? book.high_water[c] : 0;
    if (conv.draft_version < seen) {
      bad.push_back(conv_text(c) + ": draft_version " + std::to_string(conv.draft_version) +
                    " is below " + std::to_string(seen) + ", seen before");
    }
    book.observe_version(c, conv.draft_version);
    if (settled && (conv.state == "received" || conv.state == "drafting")) {
      bad.push_back(conv_text(c) + " is still " + conv.state + " after settling");
    }

    // Every acknowledged customer message is stored, once.
    auto msgs = st.messages(c, 1000000);
    if (!msgs) {
      bad.push_back(conv_text(c) + ": messages: " + msgs.error().message);
      continue;
    }
    std::map<std::int64_t, int> customer;
    std::vector<std::string> replies;
    for (const persistence::message_row& m : *msgs) {
      if (m.kind == "customer" && m.message_id) {
        ++customer[*m.message_id];
        ++rep.totals.customer_messages;
      }
      if (m.kind == "reply") {
        replies.push_back(m.content);
        ++rep.totals.replies;
      }
    }
    for (const std::int64_t id : acked_messages[c]) {
      if (customer[id] != 1) {
        bad.push_back(conv_text(c) + ": acknowledged message " + std::to_string(id) +
                      " is stored " + std::to_string(customer[id]) + " times");
      }
    }

    // Each approved version: one reply message and one outbox entry, nothing more.
    std::set<std::int64_t> approved;
    std::vector<std::string> approved_texts;
    for (std::int64_t v = 1; v <= conv.draft_version; ++v) {
      auto item = st.queue_item_for(c, v);
      if (!item) {
        bad.push_back(conv_text(c) + ": queue_item_for: " + item.error().message);
        continue;
      }
      if (!*item) continue;
      const persistence::queue_item_row& q = **item;
      if (q.status == "approved") {
        approved.insert(v);
        approved_texts.push_back(q.edited_text.value_or(q.draft));
      }
      if (settled && q.status == "pending" &&
          !(conv.state == "awaiting_approval" && conv.draft_version == v)) {
        bad.push_back(conv_text(c) + ": draft " + std::to_string(v) +
                      " still pending while the conversation is " + conv.state + " at version " +
                      std::to_string(conv.draft_version));
      }
    }
    for (const auto& [ac, av] : book.approvals) {
      if (ac != c) continue;
      if (!approved.count(av)) {
        bad.push_back(conv_text(c) + ": acknowledged approval of version " + std::to_string(av) +
                      " is not approved in the store");
      }
      if (conv.state == "awaiting_approval" && conv.draft_version == av) {
        bad.push_back(conv_text(c) + ": back in awaiting_approval for approved version " +
                      std::to_string(av));
      }
    }
    std::sort(replies.begin(), replies.end());
    std::sort(approved_texts.begin(), approved_texts.end());
    if (replies != approved_texts) {
      bad.push_back(conv_text(c) + ": " + std::to_string(replies.size()) + " reply messages for " +
                    std::to_string(approved.size()) + " approved drafts (or different texts)");
    }
    std::set<std::int64_t> outbox_versions;
    for (const outbox_entry* o : replies_in_outbox[c]) {
      if (o->id != "reply:" + std::to_string(c) + ":" + std::to_string(o->version)) {
        bad.push_back(conv_text(c) + ": public reply entry with unexpected id " + o->id);
      }
      if (!outbox_versions.insert(o->version).second) {
        bad.push_back(conv_text(c) + ": two outbox replies for version " +
                      std::to_string(o->version));
      }
    }
    if (outbox_versions != approved) {
      bad.push_back(conv_text(c) + ": outbox replies for " +
                    std::to_string(outbox_versions.size()) + " versions, approved " +
                    std::to_string(approved.size()));
    }

    // The state machine's snapshot agrees with the row beside it, and every timer it has
    // armed is in the timers table with the same deadline and epoch (and nothing else is).
    auto snap = actors::decode_snapshot(conv.snapshot);
    if (!snap) {
      bad.push_back(conv_text(c) + ": snapshot unreadable: " + snap.error());
      continue;
    }
    if (std::string(fsm::to_string(snap->fsm.current)) != conv.state ||
        static_cast<std::int64_t>(snap->fsm.draft_version) != conv.draft_version) {
      bad.push_back(conv_text(c) + ": snapshot says " +
                    std::string(fsm::to_string(snap->fsm.current)) + " v" +
                    std::to_string(snap->fsm.draft_version) + ", row says " + conv.state + " v" +
                    std::to_string(conv.draft_version));
    }
    if (auto timers = st.timers(c); !timers) {
      bad.push_back(conv_text(c) + ": timers: " + timers.error().message);
    } else {
      std::map<std::string, const persistence::timer_row*> stored;
      for (const persistence::timer_row& t : *timers) {
        if (!t.fired) stored[t.name] = &t;
      }
      for (std::size_t i = 0; i < fsm::timer_count; ++i) {
        const auto name = static_cast<fsm::timer_name>(i);
        const fsm::timer_slot& slot = snap->fsm.timer(name);
        const std::string n(fsm::to_string(name));
        const auto it = stored.find(n);
        if (!slot.due) {
          if (it != stored.end())
            bad.push_back(conv_text(c) + ": timer " + n + " stored but not armed");
          continue;
        }
        if (it == stored.end()) {
          bad.push_back(conv_text(c) + ": armed timer " + n + " is not stored");
        } else if (it->second->due_at != *slot.due ||
                   it->second->epoch != static_cast<std::int64_t>(slot.epoch)) {
          bad.push_back(conv_text(c) + ": timer " + n + " stored with another deadline or epoch");
        }
      }
    }

    // The trace: seq 1, 2, 3 ... each transition starting where the previous one ended, the
    // last one ending in the stored state.
    auto trace = st.trace(c);
    if (!trace) {
      bad.push_back(conv_text(c) + ": trace: " + trace.error().message);
      continue;
    }
    rep.totals.trace_rows += static_cast<std::int64_t>(trace->size());
    if (trace->empty()) bad.push_back(conv_text(c) + " has no trace");
    for (std::size_t i = 0; i < trace->size(); ++i) {
      const persistence::trace_row& t = (*trace)[i];
      if (t.seq != static_cast<std::int64_t>(i) + 1) {
        bad.push_back(conv_text(c) + ": trace row " + std::to_string(i + 1) + " has seq " +
                      std::to_string(t.seq));
        break;
      }
      if (i > 0 && t.from_state != (*trace)[i - 1].to_state) {
        bad.push_back(conv_text(c) + ": trace seq " + std::to_string(t.seq) + " starts in " +
                      t.from_state + " but seq " + std::to_string(t.seq - 1) + " ended in " +
                      (*trace)[i - 1].to_state);
      }
    }
    if (static_cast<std::int64_t>(trace->size()) !=
        static_cast<std::int64_t>(snap->fsm.trace_seq)) {
      bad.push_back(conv_text(c) + ": " + std::to_string(trace->size()) +
                    " trace rows, the snapshot counts " + std::to_string(snap->fsm.trace_seq));
    }
    if (!trace->empty() && trace->back().to_state != conv.state) {
      bad.push_back(conv_text(c) + ": trace ends in " + trace->back().to_state +
                    " but the conversation is " + conv.state);
    }
  }
  return rep;
}

}  // namespace frontdesk::crash_testing
