#include "io/url.hpp"

#include <cctype>

namespace frontdesk::io {

std::string parsed_url::origin() const {
  std::string out = tls ? "https://" : "http://";
  if (host.find(':') != std::string::npos) {
    out += '[' + host + ']';
  } else {
    out += host;
  }
  out += ':' + std::to_string(port);
  return out;
}

std::optional<parsed_url> parse_url(std::string_view url) {
  if (url.size() > 8192) return std::nullopt;
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return std::nullopt;
  }
  parsed_url out;
  auto lower_prefix = [&](std::string_view p) {
    if (url.size() < p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != p[i]) return false;
    }
    return true;
  };
  if (lower_prefix("https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (lower_prefix("http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  if (url.find('#') != std::string_view::npos) return std::nullopt;
  const auto slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  std::string_view rest = slash == std::string_view::npos ? std::string_view{} : url.substr(slash);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view host;
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    host = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
    if (host.find(':') != std::string_view::npos) return std::nullopt;
  }
  if (host.empty() || host.size() > 253) return std::nullopt;
  for (char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == ':')) return std::nullopt;
  }
  out.host = std::string(host);
  for (auto& c : out.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (port.empty()) {
    out.port = out.tls ? 443 : 80;
  } else {
    if (port.size() > 5) return std::nullopt;
    unsigned v = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v == 0 || v > 65535) return std::nullopt;
    out.port = static_cast<std::uint16_t>(v);
  }
  out.target = rest.empty() ? "/" : std::string(rest);
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  return out;
}

std::string url_encode_component(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0xf];
    }
  }
  return out;
}

std::string join_url(std::string_view base, std::string_view path) {
  std::string out(base);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (path.empty() || path.front() != '/') out += '/';
  out += path;
  return out;
}

}  // namespace frontdesk::io
