// Fuzzes the Chatwoot webhook parser and classifier with arbitrary bodies.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/chatwoot_event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace frontdesk::io;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  chatwoot_parse_limits limits;
  limits.max_string_bytes = 4096;
  auto parsed = parse_chatwoot_event(body, limits);
  if (parsed.has_value()) {
    auto c = classify(*parsed, chatwoot_classify_options{1});
    auto key = parsed->dedupe_key();
    if (key.empty() || to_string(c.kind).empty()) __builtin_trap();
  } else if (parsed.error().code.empty() || parsed.error().message.empty()) {
    __builtin_trap();  // every error is typed and explained
  }
  return 0;
}
