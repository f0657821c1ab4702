#include "persistence/store_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <system_error>

#include "persistence/migrations.hpp"
#include "persistence/store_error.hpp"

namespace frontdesk::persistence {

std::string_view to_string(store_error_code code) noexcept {
  switch (code) {
    case store_error_code::unavailable:
      return "unavailable";
    case store_error_code::conflict:
      return "conflict";
    case store_error_code::corrupt:
      return "corrupt";
    case store_error_code::too_new:
      return "too_new";
    case store_error_code::invalid:
      return "invalid";
  }
  return "invalid";
}

std::vector<migration> migrations_for(std::string_view backend) {
  std::vector<migration> out;
  for (const auto& m : embedded_migrations()) {
    if (m.backend == backend) out.push_back(m);
  }
  return out;
}

}  // namespace frontdesk::persistence

namespace frontdesk::persistence::detail {

namespace {

constexpr char separator = '\x1f';
constexpr std::size_t max_cursor_length = 1024;

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string encode_cursor(const queue_position& position) {
  std::string plain = "q1";
  plain += separator;
  plain += position.priority;
  plain += separator;
  plain += std::to_string(position.created_at);
  plain += separator;
  plain += position.id;
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(plain.size() * 2);
  for (unsigned char c : plain) {
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
}

std::optional<queue_position> decode_cursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > max_cursor_length || cursor.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string plain;
  plain.reserve(cursor.size() / 2);
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    const int hi = hex_value(cursor[i]);
    const int lo = hex_value(cursor[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    plain += static_cast<char>(hi * 16 + lo);
  }
  std::string_view rest = plain;
  std::string_view parts[4];
  for (int i = 0; i < 3; ++i) {
    const auto at = rest.find(separator);
    if (at == std::string_view::npos) return std::nullopt;
    parts[i] = rest.substr(0, at);
    rest.remove_prefix(at + 1);
  }
  parts[3] = rest;
  if (parts[0] != "q1" || parts[3].find(separator) != std::string_view::npos) return std::nullopt;
  queue_position out;
  out.priority = std::string(parts[1]);
  const auto created = parts[2];
  const auto [end, ec] =
      std::from_chars(created.data(), created.data() + created.size(), out.created_at);
  if (ec != std::errc{} || end != created.data() + created.size() || created.empty()) {
    return std::nullopt;
  }
  out.id = std::string(parts[3]);
  return out;
}

std::optional<double> mean_of_grades(std::string_view json) {
  if (json.empty() || json.size() > 64 * 1024) return std::nullopt;
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(json, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  double sum = 0;
  int count = 0;
  for (const auto& member : parsed.as_object()) {
    const auto& v = member.value();
    if (v.is_int64()) {
      sum += static_cast<double>(v.as_int64());
    } else if (v.is_uint64()) {
      sum += static_cast<double>(v.as_uint64());
    } else if (v.is_double()) {
      sum += v.as_double();
    } else {
      continue;
    }
    ++count;
  }
  if (count == 0) return std::nullopt;
  return sum / count;
}

}  // namespace frontdesk::persistence::detail
