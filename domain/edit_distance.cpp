#include "domain/edit_distance.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "domain/language_tokens.hpp"

namespace frontdesk::domain {

std::u32string decode_code_points(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) out.push_back(decode_utf8(utf8, i));
  return out;
}

namespace {

/// For each code point of the pattern, the bit set of the positions where it occurs, in
/// 64-bit blocks. ASCII in a flat table, the rest in a hash map.
class match_vectors {
 public:
  match_vectors(std::u32string_view pattern, std::size_t blocks)
      : blocks_(blocks), ascii_(128 * blocks, 0) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      const std::uint64_t bit = std::uint64_t{1} << (i % 64);
      const char32_t c = pattern[i];
      if (c < 128) {
        ascii_[c * blocks_ + i / 64] |= bit;
      } else {
        auto& v = other_[c];
        if (v.empty()) v.assign(blocks_, 0);
        v[i / 64] |= bit;
      }
    }
  }
  std::uint64_t get(char32_t c, std::size_t block) const {
    if (c < 128) return ascii_[c * blocks_ + block];
    const auto it = other_.find(c);
    return it == other_.end() ? 0 : it->second[block];
  }

 private:
  std::size_t blocks_;
  std::vector<std::uint64_t> ascii_;
  std::unordered_map<char32_t, std::vector<std::uint64_t>> other_;
};

/// Myers' bit-parallel algorithm (1999) in Hyyrö's block form: one pass over `text`, each
/// column computed 64 pattern positions at a time. O(|text| * |pattern| / 64).
std::size_t myers_distance(std::u32string_view text, std::u32string_view pattern) {
  const std::size_t m = pattern.size();
  const std::size_t blocks = (m + 63) / 64;
  const match_vectors peq(pattern, blocks);
  std::vector<std::uint64_t> vp(blocks, ~std::uint64_t{0});
  std::vector<std::uint64_t> vn(blocks, 0);
  const std::uint64_t last = std::uint64_t{1} << ((m - 1) % 64);
  std::size_t score = m;
  for (const char32_t c : text) {
    std::uint64_t hp_carry = 1;  // the top row grows by one per text position
    std::uint64_t hn_carry = 0;
    for (std::size_t w = 0; w < blocks; ++w) {
      const std::uint64_t eq = peq.get(c, w);
      // A negative step at the top of this block acts as a match in its first row; that
      // stands in for the carry of the addition from the block below.
      const std::uint64_t x = eq | hn_carry;
      const std::uint64_t d0 = (((x & vp[w]) + vp[w]) ^ vp[w]) | x | vn[w];
      std::uint64_t hp = vn[w] | ~(d0 | vp[w]);
      std::uint64_t hn = d0 & vp[w];
      const std::uint64_t hp_out = w + 1 < blocks ? hp >> 63 : ((hp & last) ? 1 : 0);
      const std::uint64_t hn_out = w + 1 < blocks ? hn >> 63 : ((hn & last) ? 1 : 0);
      hp = (hp << 1) | hp_carry;
      hn = (hn << 1) | hn_carry;
      hp_carry = hp_out;
      hn_carry = hn_out;
      vp[w] = hn | ~(d0 | hp);
      vn[w] = hp & d0;
    }
    score += hp_carry;
    score -= hn_carry;
  }
  return score;
}

}  // namespace

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
  if (a.size() < b.size()) std::swap(a, b);  // b, the shorter, is the bit-parallel pattern
  if (b.empty()) return a.size();
  return myers_distance(a, b);
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
