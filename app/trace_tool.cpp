// frontdesk trace CONVERSATION_ID [--format text|json|chrome] [--db URI]: prints a
// conversation's recorded transitions from the store.

#include <charconv>
#include <chrono>
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
#include "app/trace_format.hpp"
#include "persistence/store.hpp"

namespace frontdesk::app {
namespace {

constexpr std::string_view usage =
    "usage: frontdesk trace CONVERSATION_ID [--format text|json|chrome] [--db URI]\n"
    "  --db defaults to $FRONTDESK_DB, else sqlite:data/frontdesk.db\n";

struct trace_args {
  std::int64_t conversation_id = 0;
  trace_format format = trace_format::text;
  std::string db;
};

std::optional<std::int64_t> parse_conversation_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::string default_db() {
  const char* env = std::getenv("FRONTDESK_DB");
  return env && *env ? std::string(env) : std::string("sqlite:data/frontdesk.db");
}

/// The parsed arguments, or a message for stderr.
expected<trace_args, std::string> parse_args(int argc, char** argv) {
  std::vector<std::string_view> args(argv, argv + argc);
  if (!args.empty() && args.front() == "trace") args.erase(args.begin());
  trace_args out;
  std::optional<std::string> db;
  bool have_id = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    auto value = [&](std::string_view option) -> expected<std::string_view, std::string> {
      if (i + 1 >= args.size()) return unexpected{std::string(option) + " needs a value"};
      return args[++i];
    };
    if (a == "--format") {
      auto v = value(a);
      if (!v) return unexpected{v.error()};
      const auto f = parse_trace_format(*v);
      if (!f) return unexpected{"unknown format \"" + std::string(*v) + "\""};
      out.format = *f;
    } else if (a == "--db") {
      auto v = value(a);
      if (!v) return unexpected{v.error()};
      if (v->empty()) return unexpected{std::string("--db needs a value")};
      db = std::string(*v);
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
  out.db = db ? *db : default_db();
  return out;
}

/// Opens an existing, migrated store without creating or upgrading anything.
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

}  // namespace

int run_trace(int argc, char** argv) {
  const auto args = parse_args(argc, argv);
  if (!args) {
    std::cerr << "frontdesk trace: " << args.error() << '\n' << usage;
    return 2;
  }
  auto store = open_existing(args->db);
  if (!store) {
    std::cerr << "frontdesk trace: " << store.error() << '\n';
    return 2;
  }
  const auto rows = store.value()->trace(args->conversation_id);
  if (!rows) {
    std::cerr << "frontdesk trace: store: " << rows.error().message << '\n';
    return 2;
  }
  if (rows->empty()) {
    std::cerr << "frontdesk trace: no transitions recorded for conversation "
              << args->conversation_id << '\n';
    return 1;
  }
  // An open conversation's current state lasts until now; a closed one ends where it closed.
  std::optional<persistence::timestamp> until;
  if (rows->back().to_state != "closed") {
    until =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
  std::cout << format_trace(*rows, args->format, until);
  if (args->format != trace_format::text) std::cout << '\n';
  std::cout.flush();
  return std::cout ? 0 : 2;
}

}  // namespace frontdesk::app
