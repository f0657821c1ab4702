#include "domain/priority.hpp"

namespace frontdesk::domain {

std::string_view to_string(priority p) noexcept {
  switch (p) {
    case priority::p0:
      return "P0";
    case priority::p1:
      return "P1";
    case priority::p2:
      return "P2";
    case priority::p3:
      return "P3";
  }
  return "P2";
}

std::optional<priority> parse_priority(std::string_view text) noexcept {
  if (text.size() != 2 || (text[0] != 'P' && text[0] != 'p')) return std::nullopt;
  if (text[1] < '0' || text[1] > '3') return std::nullopt;
  return static_cast<priority>(text[1] - '0');
}

}  // namespace frontdesk::domain
