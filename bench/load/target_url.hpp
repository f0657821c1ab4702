// Splits the plain-HTTP loopback URL a load run is aimed at into host, port and target.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace frontdesk::bench {

struct target_url {
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";  // path and query, always starting with '/'
};

/// "http://host[:port][/path]"; nullopt for anything else (https, user info, bad port, spaces).
std::optional<target_url> parse_target_url(std::string_view url);

}  // namespace frontdesk::bench
