#pragma once
// Levenshtein edit distance between a draft and the text an operator actually sent.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace frontdesk::domain {

/// Decodes UTF-8 into code points; each invalid byte becomes one unit of its own
/// (0x110000 + byte), so broken input still compares deterministically.
std::u32string decode_code_points(std::string_view utf8);

/// Insertions, deletions and substitutions of code points needed to turn a into b.
/// Bit-parallel (Myers / Hyyro): time O(n*m/64), memory O(min(n, m)).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Same over already decoded sequences.
std::size_t edit_distance(std::u32string_view a, std::u32string_view b);

/// edit_distance(a, b) / max(len a, len b) in code points; 0 for two empty texts.
double normalized_edit_distance(std::string_view a, std::string_view b);

}  // namespace frontdesk::domain
