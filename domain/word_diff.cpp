#include "domain/word_diff.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace frontdesk::domain {

namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// Words with trailing whitespace; leading whitespace is its own piece.
std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  if (i < text.size() && is_space(text[i])) {
    while (i < text.size() && is_space(text[i])) ++i;
    out.push_back(text.substr(0, i));
  }
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    while (i < text.size() && is_space(text[i])) ++i;
    out.push_back(text.substr(start, i - start));
  }
  return out;
}

void push(std::vector<diff_segment>& out, diff_op op, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty() && out.back().op == op) {
    out.back().text += text;
  } else {
    out.push_back({op, std::string(text)});
  }
}

}  // namespace

std::string_view to_string(diff_op op) noexcept {
  switch (op) {
    case diff_op::equal:
      return "equal";
    case diff_op::insert:
      return "insert";
    case diff_op::del:
      return "delete";
  }
  return "equal";
}

std::vector<diff_segment> word_diff(std::string_view before, std::string_view after,
                                    std::size_t max_cells) {
  const auto a = split(before);
  const auto b = split(after);
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  std::vector<diff_segment> out;
  for (std::size_t k = 0; k < head; ++k) push(out, diff_op::equal, a[k]);

  const std::size_t n = a.size() - head - tail;
  const std::size_t m = b.size() - head - tail;
  if (n != 0 && m != 0 && n * m <= max_cells && n < 1'000'000 && m < 1'000'000) {
    // lcs[i][j] = LCS length of a[head+i..] and b[head+j..] (suffix table, walked forwards)
    std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        at(i, j) = a[head + i] == b[head + j] ? at(i + 1, j + 1) + 1
                                              : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n && j < m) {
      if (a[head + i] == b[head + j]) {
        push(out, diff_op::equal, b[head + j]);
        ++i, ++j;
      } else if (at(i + 1, j) >= at(i, j + 1)) {
        push(out, diff_op::del, a[head + i++]);
      } else {
        push(out, diff_op::insert, b[head + j++]);
      }
    }
    while (i < n) push(out, diff_op::del, a[head + i++]);
    while (j < m) push(out, diff_op::insert, b[head + j++]);
  } else {
    for (std::size_t k = 0; k < n; ++k) push(out, diff_op::del, a[head + k]);
    for (std::size_t k = 0; k < m; ++k) push(out, diff_op::insert, b[head + k]);
  }
  for (std::size_t k = b.size() - tail; k < b.size(); ++k) push(out, diff_op::equal, b[k]);
  return out;
}

}  // namespace frontdesk::domain
