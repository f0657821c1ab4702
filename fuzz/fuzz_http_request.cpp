// Fuzzes HTTP/1.1 request parsing with the server's limits and framing rules.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/http_framing.hpp"
#include "io/http_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace frontdesk::io;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto out = parse_http_requests(bytes, 1024, 4096);
  if (out.error_status != 0 && out.error_status != 400 && out.error_status != 413 &&
      out.error_status != 431)
    __builtin_trap();
  // Target splitting and query decoding see whatever a request line can carry.
  http_request req;
  req.target = std::string(bytes.substr(0, 512));
  split_target(req);
  return 0;
}
