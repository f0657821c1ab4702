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

#include "app/tool_args.hpp"
#include "app/tools.hpp"
#include "app/trace_format.hpp"
#include "persistence/store.hpp"

namespace frontdesk::app {
namespace {

constexpr std::string_view usage =
    "usage: frontdesk trace CONVERSATION_ID [--format text|json|chrome] [--db URI]\n"
    "  --db defaults to $FRONTDESK_DB, else sqlite:data/frontdesk.db\n";

}  // namespace

int run_trace(int argc, char** argv) {
  const auto args = parse_tool_args("trace", argc, argv, true);
  if (!args) {
    std::cerr << "frontdesk trace: " << args.error() << '\n' << usage;
    return 2;
  }
  const auto format = parse_trace_format(args->format.value_or("text"));
  if (!format) {
    std::cerr << "frontdesk trace: unknown format \"" << *args->format << "\"\n" << usage;
    return 2;
  }
  auto store = open_existing_store(args->db);
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
  const auto until = current_state_until(
      *rows,
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
  std::cout << format_trace(*rows, *format, until);
  if (*format != trace_format::text) std::cout << '\n';
  std::cout.flush();
  return std::cout ? 0 : 2;
}

}  // namespace frontdesk::app
