#include "domain/kb_article_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <string_view>
#include <unordered_set>

namespace frontdesk::domain {
namespace {

constexpr char32_t invalid_code_point = 0xFFFFFFFF;

/// Decodes one code point at `pos`; returns the length consumed (>= 1) and the code point, or
/// invalid_code_point with length 1 when the bytes there are not valid UTF-8.
std::pair<std::size_t, char32_t> decode_utf8(std::string_view s, std::size_t pos) noexcept {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) return {1, b0};
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {1, invalid_code_point};
  }
  if (pos + len > s.size()) return {1, invalid_code_point};
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) return {1, invalid_code_point};
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {1, invalid_code_point};
  return {len, cp};
}

bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_ascii_alnum(char32_t c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_upper(char c) noexcept {
  return c >= 'A' && c <= 'Z';
}
bool is_ascii_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
char ascii_lower(char c) noexcept {
  return is_ascii_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Word characters for term extraction: ASCII letters/digits and non-ASCII letters. Common
/// Unicode punctuation, symbols and emoji separate words.
bool is_word_code_point(char32_t cp) noexcept {
  if (cp < 0x80) return is_ascii_alnum(cp);
  if (cp == invalid_code_point) return false;
  if (cp <= 0xBF) return false;                      // Latin-1 punctuation, NBSP, symbols
  if (cp == 0xD7 || cp == 0xF7) return false;        // multiplication / division signs
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;    // punctuation, symbols, arrows
  if (cp >= 0x3000 && cp <= 0x303F) return false;    // CJK punctuation
  if (cp >= 0xFE30 && cp <= 0xFE4F) return false;    // CJK compatibility forms
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;    // full-width punctuation
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;  // emoji and pictographs
  return true;
}

const std::unordered_set<std::string_view>& stopwords() {
  static const std::unordered_set<std::string_view> words{
      // English function words
      "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
      "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
      "by", "can", "cannot", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
      "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
      "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
      "itself", "me", "more", "most", "my", "myself", "no", "nor", "not", "of", "off", "on", "once",
      "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own", "same",
      "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
      "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
      "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
      "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
      "yourselves", "shall", "may", "might", "must", "also", "just", "yet", "still", "ever", "even",
      "really", "much", "many", "lot", "lots", "any", "anything", "something", "someone",
      "everything", "thing", "things", "way", "already", "since", "ago", "now", "today",
      "yesterday", "soon", "us", "via", "per", "etc", "whether", "though", "although",
      // contraction fragments (split at the apostrophe)
      "s", "t", "d", "ll", "m", "re", "ve", "don", "doesn", "didn", "isn", "wasn", "weren", "aren",
      "haven", "hasn", "hadn", "won", "wouldn", "couldn", "shouldn", "can't", "im", "ive", "dont",
      "cant", "didnt", "doesnt", "isnt", "wont", "id",
      // support chatter
      "hi", "hello", "hey", "dear", "thanks", "thank", "thx", "please", "pls", "plz", "help",
      "question", "questions", "regards", "best", "cheers", "hope", "want", "wanted", "wants",
      "need", "needed", "needs", "like", "know", "let", "get", "got", "getting", "ok", "okay",
      "tell", "told", "ask", "asked", "asking", "say", "said", "see", "look", "looking",
      "wondering", "wonder", "trying", "tried", "try", "able", "sure", "maybe", "guys", "team",
      "sir", "madam", "morning", "afternoon", "evening", "kind", "kindly", "possible", "anyone",
      "somebody", "go", "going", "make", "made", "one", "two", "yes", "good", "great", "well",
      "oh"};
  return words;
}

bool is_abbreviation(std::string_view word_before_dot) {
  // word_before_dot: the characters since the previous whitespace, without the final '.'.
  if (word_before_dot.empty()) return false;
  if (word_before_dot.find('.') != std::string_view::npos) return true;  // e.g, i.e, U.S
  if (word_before_dot.size() == 1 && std::isalpha(static_cast<unsigned char>(word_before_dot[0])))
    return true;
  static constexpr std::array<std::string_view, 14> abbreviations{
      "mr", "mrs", "ms", "dr", "st", "no", "vs", "approx", "inc", "ltd", "jr", "sr", "dept", "apt"};
  std::string lower;
  for (char c : word_before_dot) {
    if (c == '(' || c == '"' || c == '\'') continue;
    lower.push_back(ascii_lower(c));
  }
  return std::find(abbreviations.begin(), abbreviations.end(), lower) != abbreviations.end();
}

bool is_closing_char(char c) noexcept {
  return c == '"' || c == '\'' || c == ')' || c == ']';
}

/// Splits one paragraph (no newlines) into sentences.
void split_paragraph(std::string_view para, std::vector<std::string>& out) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < para.size(); ++i) {
    const char c = para[i];
    if (c != '.' && c != '!' && c != '?') continue;
    std::size_t j = i + 1;
    while (j < para.size() &&
           (is_closing_char(para[j]) || para[j] == '.' || para[j] == '!' || para[j] == '?'))
      ++j;
    if (j < para.size() && !is_ascii_space(para[j])) continue;
    std::size_t k = j;
    while (k < para.size() && is_ascii_space(para[k])) ++k;
    if (k < para.size()) {
      const char n = para[k];
      const bool starts_sentence = is_ascii_upper(n) || is_ascii_digit(n) || n == '"' ||
                                   n == '\'' || n == '(' || n == '$' ||
                                   static_cast<unsigned char>(n) >= 0x80;
      if (!starts_sentence) continue;
      if (c == '.') {
        std::size_t w = i;
        while (w > start && !is_ascii_space(para[w - 1])) --w;
        if (is_abbreviation(para.substr(w, i - w))) continue;
      }
    }
    const auto sentence = trim_ascii(para.substr(start, j - start));
    if (!sentence.empty()) out.emplace_back(sentence);
    start = k;
    i = k == 0 ? 0 : k - 1;
  }
  if (start < para.size()) {
    const auto rest = trim_ascii(para.substr(start));
    if (!rest.empty()) out.emplace_back(rest);
  }
}

std::string strip_inline_markup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '`') continue;
    if (i + 1 < text.size() &&
        ((text[i] == '*' && text[i + 1] == '*') || (text[i] == '_' && text[i + 1] == '_'))) {
      ++i;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

/// Length of a list marker at the start of `line` ("- ", "* ", "+ ", "12. ", "3) "), or 0.
std::size_t list_marker_length(std::string_view line) noexcept {
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ')
    return 2;
  std::size_t i = 0;
  while (i < line.size() && i < 4 && is_ascii_digit(line[i])) ++i;
  if (i > 0 && i + 1 < line.size() && (line[i] == '.' || line[i] == ')') && line[i + 1] == ' ')
    return i + 2;
  return 0;
}

}  // namespace

std::string_view trim_ascii(std::string_view text) noexcept {
  while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string utf8_sanitize(std::string_view text, std::string_view replacement) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const auto [len, cp] = decode_utf8(text, pos);
    if (cp == invalid_code_point || cp == 0) {
      out.append(replacement);
    } else {
      out.append(text.substr(pos, len));
    }
    pos += len;
  }
  return out;
}

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (std::size_t pos = 0; pos < text.size(); ++n) pos += decode_utf8(text, pos).first;
  return n;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_code_points) noexcept {
  std::size_t pos = 0;
  for (std::size_t n = 0; pos < text.size() && n < max_code_points; ++n)
    pos += decode_utf8(text, pos).first;
  return text.substr(0, pos);
}

bool is_stopword(std::string_view lowercase_word) noexcept {
  return stopwords().contains(lowercase_word);
}

std::vector<std::string> extract_terms(std::string_view text, std::size_t max_terms) {
  std::vector<std::string> terms;
  std::unordered_set<std::string> seen;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    const bool all_digits =
        std::all_of(word.begin(), word.end(), [](char c) { return is_ascii_digit(c); });
    if (word.size() <= 64 && !(all_digits && word.size() > 4) && !is_stopword(word) &&
        !seen.contains(word)) {
      seen.insert(word);
      terms.push_back(word);
    }
    word.clear();
  };
  for (std::size_t pos = 0; pos < text.size() && terms.size() < max_terms;) {
    const auto [len, cp] = decode_utf8(text, pos);
    if (is_word_code_point(cp)) {
      if (cp < 0x80) {
        word.push_back(ascii_lower(static_cast<char>(cp)));
      } else {
        word.append(text.substr(pos, len));
      }
    } else {
      flush();
    }
    pos += len;
  }
  if (terms.size() < max_terms) flush();
  return terms;
}

std::string light_stem(std::string_view w) {
  std::string s(w);
  auto ends_with = [&](std::string_view suffix) {
    return s.size() > suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  bool stripped_verb = false;
  if (s.size() > 4 && ends_with("ies")) {
    s.replace(s.size() - 3, 3, "y");
  } else if (s.size() > 5 && ends_with("ing")) {
    s.resize(s.size() - 3);
    stripped_verb = true;
  } else if (s.size() > 4 && ends_with("ed")) {
    s.resize(s.size() - 2);
    stripped_verb = true;
  } else if (s.size() > 4 &&
             (ends_with("ches") || ends_with("shes") || ends_with("xes") || ends_with("sses"))) {
    s.resize(s.size() - 2);
  } else if (s.size() > 3 && ends_with("s") && !ends_with("ss") && !ends_with("us")) {
    s.resize(s.size() - 1);
  }
  if (stripped_verb && s.size() > 3) {
    const char a = s[s.size() - 1];
    const char b = s[s.size() - 2];
    if (a == b && a != 'l' && a != 's' && a != 'z' && a != 'e' && a != 'o') s.pop_back();
  }
  if (s.size() > 4 && s.back() == 'e') s.pop_back();  // "charge"/"charged" -> "charg"
  return s;
}

std::vector<std::string> split_sentences(std::string_view text) {
  std::vector<std::string> out;
  std::string para;
  auto flush = [&] {
    const auto cleaned = strip_inline_markup(para);
    split_paragraph(trim_ascii(cleaned), out);
    para.clear();
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto nl = text.find('\n', pos);
    const auto end = nl == std::string_view::npos ? text.size() : nl;
    auto line = trim_ascii(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) {
      flush();
    } else if (line.front() == '#') {
      flush();
    } else if (const auto marker = list_marker_length(line); marker > 0) {
      flush();
      para.append(trim_ascii(line.substr(marker)));
    } else {
      if (!para.empty()) para.push_back(' ');
      para.append(line);
    }
    if (nl == std::string_view::npos) break;
  }
  flush();
  return out;
}

std::vector<std::string> split_at_sentence_boundaries(std::string_view text,
                                                      std::size_t max_code_points) {
  std::vector<std::string> parts;
  if (max_code_points == 0) max_code_points = 1;
  text = trim_ascii(text);
  while (!text.empty()) {
    const auto window = utf8_prefix(text, max_code_points);
    if (window.size() == text.size()) {
      parts.emplace_back(text);
      break;
    }
    std::size_t cut = 0;
    // Prefer the last paragraph break or sentence end inside the window.
    for (std::size_t i = 1; i < window.size(); ++i) {
      const char prev = window[i - 1];
      if (window[i] == '\n' ||
          (is_ascii_space(window[i]) &&
           (prev == '.' || prev == '!' || prev == '?' || prev == '"' || prev == ')')))
        cut = i;
    }
    if (cut == 0) {
      // Else the last whitespace, else the window itself (a code-point boundary).
      for (std::size_t i = window.size(); i > 1; --i) {
        if (is_ascii_space(window[i - 1])) {
          cut = i - 1;
          break;
        }
      }
    }
    if (cut == 0) cut = window.size();
    const auto part = trim_ascii(text.substr(0, cut));
    if (!part.empty()) parts.emplace_back(part);
    text = trim_ascii(text.substr(cut));
  }
  return parts;
}

}  // namespace frontdesk::domain
