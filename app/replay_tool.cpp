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

#include "app/tools.hpp"
#include "fsm/event_codec.hpp"
#include "fsm/machine.hpp"
#include "persistence/store.hpp"

namespace frontdesk::app {
namespace {

constexpr std::string_view usage =
    "usage: frontdesk replay CONVERSATION_ID [--db URI]\n"
    "  --db defaults to $FRONTDESK_DB, else sqlite:data/frontdesk.db\n";

struct replay_args {
  std::int64_t conversation_id = 0;
  std::string db;
};

std::optional<std::int64_t> parse_conversation_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

expected<replay_args, std::string> parse_args(int argc, char** argv) {
  std::vector<std::string_view> args(argv, argv + argc);
  if (!args.empty() && args.front() == "replay") args.erase(args.begin());
  replay_args out;
  std::optional<std::string> db;
  bool have_id = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--db") {
      if (i + 1 >= args.size() || args[i + 1].empty()) {
        return unexpected{std::string("--db needs a value")};
      }
      db = std::string(args[++i]);
    } else if (a.starts_with("-")) {
      return unexpected{"unknown option " + std::string(a)};
    } else if (have_id) {
      return unexpected{"unexpected argument " + std::string(a)};
    } else {
      const auto id = parse_conversation_id(a);
      if (!id) return unexpected{"not a conversation id: \"" + std::string(a) + "\""};
      out.conversation_id = *id;
      have_id = true;
    }
  }
  if (!have_id) return unexpected{std::string("missing CONVERSATION_ID")};
  const char* env = std::getenv("FRONTDESK_DB");
  out.db = db ? *db : (env && *env ? std::string(env) : std::string("sqlite:data/frontdesk.db"));
  return out;
}

expected<std::unique_ptr<persistence::store>, std::string> open_existing(const std::string& uri) {
  constexpr std::string_view sqlite_prefix = "sqlite:";
  if (uri.starts_with(sqlite_prefix)) {
    std::string_view path = std::string_view(uri).substr(sqlite_prefix.size());
    if (path.starts_with("//")) path.remove_prefix(2);
    std::error_code ec;
    if (path != ":memory:" && !std::filesystem::exists(path, ec)) {
      return unexpected{"no database at " + std::string(path)};
    }
  }
  auto opened = persistence::open_store(uri);
  if (!opened) return unexpected{"store: " + opened.error().message};
  auto version = opened.value()->schema_version();
  if (!version) return unexpected{"store: " + version.error().message};
  if (*version == 0) return unexpected{uri + " holds no frontdesk schema"};
  return std::move(opened.value());
}

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
  const auto args = parse_args(argc, argv);
  if (!args) {
    std::cerr << "frontdesk replay: " << args.error() << '\n' << usage;
    return 2;
  }
  auto store = open_existing(args->db);
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
