#pragma once
// Splits customer text into word tokens (lower-cased, with position and emphasis) for text
// analyses.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace frontdesk::domain {

struct word_token {
  std::string text;        ///< lower-cased (ASCII and Latin-1 letters), apostrophes kept
  std::size_t offset = 0;  ///< byte offset of the word in the input
  std::size_t length = 0;  ///< byte length of the word in the input
  std::size_t clause = 0;  ///< index of the clause (split at . , ; : ! ? and line breaks)
  bool all_caps = false;   ///< at least two letters, all upper case ("FURIOUS")
  int exclamations = 0;    ///< '!' characters ending this word's clause (capped at 10)
};

/// Decodes one UTF-8 code point at text[i]; advances i. Invalid bytes come back as
/// 0x110000 + byte value (outside Unicode, one unit per byte).
char32_t decode_utf8(std::string_view text, std::size_t& i) noexcept;

/// Lower-cases ASCII and Latin-1 Supplement letters (UTF-8); other bytes are copied.
std::string to_lower_text(std::string_view text);

/// Tokenizes text into words. Digits are part of words ("2nd", "1250"); currency signs,
/// punctuation and whitespace separate words. Input longer than max_bytes is truncated.
std::vector<word_token> tokenize_words(std::string_view text, std::size_t max_bytes = 64 * 1024);

}  // namespace frontdesk::domain
