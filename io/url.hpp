// Splits an absolute http(s) URL into the pieces an outbound connection needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace frontdesk::io {

struct parsed_url {
  bool tls = false;  // https
  std::string host;  // without brackets for IPv6 literals
  std::uint16_t port = 0;
  std::string target;  // path + query, at least "/"

  /// "http://host:port" (no path): the connection pool key.
  std::string origin() const;
};

/// Accepts http:// and https:// URLs with an optional port; rejects userinfo, fragments,
/// whitespace/control characters, empty hosts and ports outside 1..65535.
std::optional<parsed_url> parse_url(std::string_view url);

/// Percent-encodes everything except RFC 3986 unreserved characters.
std::string url_encode_component(std::string_view s);

/// Joins a base URL (with or without trailing '/') and a path starting with '/'.
std::string join_url(std::string_view base, std::string_view path);

}  // namespace frontdesk::io
