#include "domain/language_tokens.hpp"

#include <algorithm>

namespace frontdesk::domain {

namespace {

constexpr char32_t invalid_base = 0x110000;

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_upper_letter(char32_t cp) {
  return (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7);
}
bool is_lower_letter(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= 0xDF && cp <= 0xFF && cp != 0xF7);
}
char32_t lower(char32_t cp) {
  return is_upper_letter(cp) ? cp + 0x20 : cp;
}

bool is_apostrophe(char32_t cp) {
  return cp == '\'' || cp == 0x2019;
}

// Letters, digits and other scripts are word characters; ASCII punctuation, Latin-1
// punctuation/symbols, general punctuation and currency signs are not.
bool is_word_char(char32_t cp) {
  if (cp >= invalid_base) return false;
  if (cp < 0x80)
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, currency, arrows, symbols
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFE30 && cp <= 0xFF0F) return false;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;  // emoji
  return true;
}

bool is_clause_break(char32_t cp) {
  return cp == '.' || cp == ',' || cp == ';' || cp == ':' || cp == '!' || cp == '?' || cp == '\n' ||
         cp == '\r' || cp == 0xA1 || cp == 0xBF || cp == 0x2026;
}

}  // namespace

char32_t decode_utf8(std::string_view text, std::size_t& i) noexcept {
  const auto c0 = static_cast<unsigned char>(text[i]);
  if (c0 < 0x80) {
    ++i;
    return c0;
  }
  std::size_t need = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((c0 & 0xE0) == 0xC0) {
    need = 1, cp = c0 & 0x1F, min = 0x80;
  } else if ((c0 & 0xF0) == 0xE0) {
    need = 2, cp = c0 & 0x0F, min = 0x800;
  } else if ((c0 & 0xF8) == 0xF0) {
    need = 3, cp = c0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return invalid_base + c0;
  }
  if (text.size() - i <= need) {
    ++i;
    return invalid_base + c0;
  }
  for (std::size_t k = 1; k <= need; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if (!is_continuation(c)) {
      ++i;
      return invalid_base + c0;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return invalid_base + c0;
  }
  i += need + 1;
  return cp;
}

std::string to_lower_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    const char32_t cp = decode_utf8(text, i);
    if (cp >= invalid_base) {
      out += text[start];
    } else {
      append_utf8(out, lower(cp));
    }
  }
  return out;
}

std::vector<word_token> tokenize_words(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) text = text.substr(0, max_bytes);
  std::vector<word_token> out;
  std::size_t clause = 0;
  std::size_t clause_first = 0;  // index in out of the first token of the current clause
  int pending_bangs = 0;
  bool in_word = false;
  word_token current;
  int uppers = 0;
  int lowers = 0;

  auto finish_word = [&] {
    if (!in_word) return;
    while (!current.text.empty() && current.text.back() == '\'') current.text.pop_back();
    current.all_caps = uppers >= 2 && lowers == 0;
    current.clause = clause;
    if (!current.text.empty()) out.push_back(std::move(current));
    current = word_token{};
    in_word = false;
    uppers = lowers = 0;
  };
  auto finish_clause = [&] {
    for (std::size_t k = clause_first; k < out.size(); ++k) out[k].exclamations = pending_bangs;
    clause_first = out.size();
    pending_bangs = 0;
    ++clause;
  };

  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    const char32_t cp = decode_utf8(text, i);
    const bool apostrophe_in_word =
        in_word && is_apostrophe(cp) && i < text.size() && is_word_char([&] {
          std::size_t j = i;
          return decode_utf8(text, j);
        }());
    if (is_word_char(cp) || apostrophe_in_word) {
      if (!in_word) {
        in_word = true;
        current.offset = start;
      }
      if (apostrophe_in_word) {
        current.text += '\'';
      } else {
        if (is_upper_letter(cp)) ++uppers;
        if (is_lower_letter(cp)) ++lowers;
        append_utf8(current.text, lower(cp));
      }
      current.length = i - current.offset;
      continue;
    }
    finish_word();
    if (cp == '!') pending_bangs = std::min(pending_bangs + 1, 10);
    if (is_clause_break(cp)) {
      // A run of breaks ("!!!", "?!") closes the clause once, after the run.
      std::size_t j = i;
      const bool next_is_break = j < text.size() && is_clause_break(decode_utf8(text, j));
      if (!next_is_break) finish_clause();
    }
  }
  finish_word();
  finish_clause();
  return out;
}

}  // namespace frontdesk::domain
