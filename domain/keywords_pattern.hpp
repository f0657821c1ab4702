#pragma once
// Small word patterns for cue lists ("payment .. fail*", "charged twice") matched against tokens.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/language_tokens.hpp"

namespace frontdesk::domain {

/// Syntax: words separated by spaces match consecutive words; ".." between two words allows
/// up to four other words in between (same clause); a word ending in '*' matches any word
/// with that prefix; other words match themselves, their inflections (see keywords.hpp) and,
/// for words of six letters or more, one left-out letter or one swapped pair ("chargd").
/// Matching is case-insensitive (patterns are lower-cased when compiled).
class word_pattern {
 public:
  /// nullopt for an empty pattern, a pattern of only "..", or more than 8 words.
  static std::optional<word_pattern> compile(std::string_view pattern);

  /// True when the pattern occurs in tokens.
  bool matches(const std::vector<word_token>& tokens) const;
  /// True when the pattern occurs starting at tokens[start].
  bool matches_at(const std::vector<word_token>& tokens, std::size_t start) const;
  /// Every byte a token matching the first word can start with.
  std::vector<unsigned char> first_bytes() const;

  const std::string& text() const noexcept { return text_; }

 private:
  struct element {
    std::string word;
    bool prefix = false;
    bool gap_before = false;
  };
  static bool element_matches(const element& e, const std::string& word);

  std::string text_;
  std::vector<element> elements_;
};

/// Many patterns against one text: a pattern is tried only at tokens whose first byte its
/// first word can start with, so the cost grows with the text, not with patterns x tokens.
class word_pattern_set {
 public:
  /// Adds a pattern; its index is the number of patterns added before it.
  void add(word_pattern p);
  /// Indices of the patterns that occur in tokens, ascending.
  std::vector<std::size_t> matching(const std::vector<word_token>& tokens) const;
  const word_pattern& operator[](std::size_t i) const { return patterns_[i]; }
  std::size_t size() const noexcept { return patterns_.size(); }

 private:
  std::vector<word_pattern> patterns_;
  std::array<std::vector<std::uint32_t>, 256> by_first_byte_;
};

/// A list of cues (anything with a `pattern`) with their patterns indexed in the same order.
template <class Cue>
struct indexed_cues {
  std::vector<Cue> cues;
  word_pattern_set patterns;

  explicit indexed_cues(std::vector<Cue> list) : cues(std::move(list)) {
    for (const auto& c : cues) patterns.add(c.pattern);
  }
};

}  // namespace frontdesk::domain
