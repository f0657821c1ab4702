#include "app/tool_args.hpp"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "persistence/store.hpp"

namespace frontdesk::app {
namespace {

std::optional<std::int64_t> parse_conversation_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

expected<tool_args, std::string> parse_tool_args(std::string_view name, int argc, char** argv,
                                                 bool takes_format) {
  std::vector<std::string_view> args(argv, argv + argc);
  if (!args.empty() && args.front() == name) args.erase(args.begin());
  tool_args out;
  std::optional<std::string> db;
  bool have_id = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    const bool option_with_value = a == "--db" || (takes_format && a == "--format");
    if (option_with_value) {
      if (i + 1 >= args.size() || args[i + 1].empty()) {
        return unexpected{std::string(a) + " needs a value"};
      }
      (a == "--db" ? db : out.format) = std::string(args[++i]);
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

expected<std::unique_ptr<persistence::store>, std::string> open_existing_store(
    const std::string& uri) {
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

}  // namespace frontdesk::app
