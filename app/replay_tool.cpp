// frontdesk replay CONVERSATION_ID [--db URI]: re-runs a conversation's recorded events through
// the state machine and compares every transition with what was recorded.

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/tool_args.hpp"
#include "app/tools.hpp"
#include "fsm/event_codec.hpp"
#include "fsm/machine.hpp"
#include "persistence/store.hpp"

namespace frontdesk::app {
namespace {

constexpr std::string_view usage =
    "usage: frontdesk replay CONVERSATION_ID [--db URI]\n"
    "  --db defaults to $FRONTDESK_DB, else sqlite:data/frontdesk.db\n";

std::string describe(std::string_view from, std::string_view to, std::string_view event) {
  return std::string(from) + " \u2192 " + std::string(to) + " (" + std::string(event) + ")";
}

std::string describe(const persistence::trace_row& r) {
  return describe(r.from_state, r.to_state, r.event);
}

std::string describe(const fsm::trace_record& r) {
  return describe(fsm::to_string(r.from), fsm::to_string(r.to), r.event);
}

/// Exit codes: 0 every transition matches, 1 a difference, 2 the history cannot be replayed.
struct verdict {
  int code = 0;
  std::string message;
};

verdict differs(std::int64_t seq, const std::string& expected, const std::string& got) {
  return {1, "replay differs at seq " + std::to_string(seq) + ": expected " + expected + ", got " +
                 got};
}

verdict replay(std::int64_t id, const std::vector<persistence::trace_row>& rows) {
  fsm::conversation c{.id = id};
  const fsm::machine_config cfg;
  std::size_t i = 0;
  while (i < rows.size()) {
    const persistence::trace_row& row = rows[i];
    if (row.event_data.empty()) {
      return {2, "seq " + std::to_string(row.seq) +
                     " carries no recorded event (written before events were recorded?)"};
    }
    auto e = fsm::decode_event(row.event_data);
    if (!e) return {2, "seq " + std::to_string(row.seq) + ": bad recorded event: " + e.error()};
    auto out = fsm::apply(c, *e, fsm::context{row.at, row.cause, row.actor}, cfg);
    if (!out) {
      return differs(row.seq, describe(row),
                     "refused (" + std::string(fsm::to_string(out.error().code)) + ": " +
                         out.error().message + ")");
    }
    if (out->trace.empty()) return differs(row.seq, describe(row), "no transition");
    for (std::size_t k = 0; k < out->trace.size(); ++k) {
      const fsm::trace_record& got = out->trace[k];
      if (i + k >= rows.size()) {
        return differs(static_cast<std::int64_t>(got.seq), "no further transition", describe(got));
      }
      const persistence::trace_row& want = rows[i + k];
      const bool same = want.seq == static_cast<std::int64_t>(got.seq) &&
                        want.from_state == fsm::to_string(got.from) &&
                        want.to_state == fsm::to_string(got.to) && want.event == got.event;
      if (!same || (k > 0 && !want.event_data.empty())) {
        return differs(want.seq, "#" + std::to_string(want.seq) + " " + describe(want),
                       "#" + std::to_string(got.seq) + " " + describe(got));
      }
    }
    i += out->trace.size();
    c = std::move(out->next);
  }
  return {0, "replay matches " + std::to_string(rows.size()) + " transitions (conversation " +
                 std::to_string(id) + " ends in " + std::string(fsm::to_string(c.current)) + ")"};
}

}  // namespace

int run_replay(int argc, char** argv) {
  const auto args = parse_tool_args("replay", argc, argv, false);
  if (!args) {
    std::cerr << "frontdesk replay: " << args.error() << '\n' << usage;
    return 2;
  }
  auto store = open_existing_store(args->db);
  if (!store) {
    std::cerr << "frontdesk replay: " << store.error() << '\n';
    return 2;
  }
  const auto rows = store.value()->trace(args->conversation_id);
  if (!rows) {
    std::cerr << "frontdesk replay: store: " << rows.error().message << '\n';
    return 2;
  }
  if (rows->empty()) {
    std::cerr << "frontdesk replay: no transitions recorded for conversation "
              << args->conversation_id << '\n';
    return 2;
  }
  const verdict v = replay(args->conversation_id, *rows);
  (v.code == 2 ? std::cerr : std::cout)
      << (v.code == 2 ? "frontdesk replay: " : "") << v.message << '\n';
  return v.code;
}

}  // namespace frontdesk::app
