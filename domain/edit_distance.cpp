#include "domain/edit_distance.hpp"

#include <algorithm>
#include <numeric>

#include "domain/language_tokens.hpp"

namespace frontdesk::domain {

std::u32string decode_code_points(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) out.push_back(decode_utf8(utf8, i));
  return out;
}

std::size_t edit_distance(std::u32string_view a, std::u32string_view b) {
  // Strip the common prefix and suffix: they cost nothing and drafts mostly share them.
  while (!a.empty() && !b.empty() && a.front() == b.front()) {
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
  while (!a.empty() && !b.empty() && a.back() == b.back()) {
    a.remove_suffix(1);
    b.remove_suffix(1);
  }
  if (a.size() < b.size()) std::swap(a, b);  // b is the shorter: one row of |b| + 1
  if (b.empty()) return a.size();
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  return edit_distance(std::u32string_view(decode_code_points(a)),
                       std::u32string_view(decode_code_points(b)));
}

double normalized_edit_distance(std::string_view a, std::string_view b) {
  const auto ca = decode_code_points(a);
  const auto cb = decode_code_points(b);
  const std::size_t longest = std::max(ca.size(), cb.size());
  if (longest == 0) return 0.0;
  return static_cast<double>(edit_distance(std::u32string_view(ca), std::u32string_view(cb))) /
         static_cast<double>(longest);
}

}  // namespace frontdesk::domain
