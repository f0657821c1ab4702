#pragma once
// What the store tools (trace, replay) share: their command line and opening an existing store.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/expected.hpp"

namespace frontdesk::persistence {
class store;
}

namespace frontdesk::app {

struct tool_args {
  std::int64_t conversation_id = 0;
  std::string db;                     ///< --db, else $FRONTDESK_DB, else sqlite:data/frontdesk.db
  std::optional<std::string> format;  ///< --format, when the tool takes one
};

/// Parses "[NAME] CONVERSATION_ID [--db URI] [--format F]"; --format only when `takes_format`.
/// The error is a message for stderr.
expected<tool_args, std::string> parse_tool_args(std::string_view name, int argc, char** argv,
                                                 bool takes_format);

/// Opens an existing, migrated store without creating or upgrading anything.
expected<std::unique_ptr<persistence::store>, std::string> open_existing_store(
    const std::string& uri);

}  // namespace frontdesk::app
