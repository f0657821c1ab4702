#include "domain/keywords_pattern.hpp"

#include <algorithm>

#include "domain/keywords.hpp"

namespace frontdesk::domain {

std::optional<word_pattern> word_pattern::compile(std::string_view pattern) {
  word_pattern p;
  p.text_ = std::string(pattern);
  bool gap = false;
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    while (pos < pattern.size() && pattern[pos] == ' ') ++pos;
    const auto end = std::min(pattern.find(' ', pos), pattern.size());
    const auto raw = pattern.substr(pos, end - pos);
    pos = end;
    if (raw.empty()) continue;
    if (raw == "..") {
      if (p.elements_.empty()) return std::nullopt;
      gap = true;
      continue;
    }
    element e;
    std::string_view body = raw;
    if (body.size() > 1 && body.back() == '*') {
      e.prefix = true;
      body.remove_suffix(1);
    }
    e.word = to_lower_text(body);
    e.gap_before = gap;
    gap = false;
    p.elements_.push_back(std::move(e));
  }
  if (p.elements_.empty() || p.elements_.size() > 8 || gap) return std::nullopt;
  return p;
}

namespace {

// Typing slips on longer words: one letter left out ("chargd") or two neighbours swapped
// ("recieved"). Substitutions are not forgiven: they turn words into other words
// ("changed" / "charged").
bool is_slip_of(std::string_view word, std::string_view target) {
  if (target.size() < 6 || word.size() < 5) return false;
  if (word.size() + 1 == target.size()) {
    std::size_t i = 0;
    while (i < word.size() && word[i] == target[i]) ++i;
    return word.substr(i) == target.substr(i + 1);
  }
  if (word.size() == target.size()) {
    std::size_t i = 0;
    while (i < word.size() && word[i] == target[i]) ++i;
    return i + 1 < word.size() && word[i] == target[i + 1] && word[i + 1] == target[i] &&
           word.substr(i + 2) == target.substr(i + 2);
  }
  return false;
}

}  // namespace

bool word_pattern::element_matches(const element& e, const std::string& word) {
  if (e.prefix) return word.starts_with(e.word);
  return matches_inflection(word, e.word) || is_slip_of(word, e.word);
}

bool word_pattern::matches_at(const std::vector<word_token>& tokens, std::size_t start) const {
  // Greedy left to right; a gap takes the nearest match within the window.
  std::size_t at = start;
  for (std::size_t k = 0; k < elements_.size(); ++k) {
    const auto& e = elements_[k];
    if (k == 0) {
      if (!element_matches(e, tokens[at].text)) return false;
      continue;
    }
    if (!e.gap_before) {
      if (at + 1 >= tokens.size() || !element_matches(e, tokens[at + 1].text)) return false;
      ++at;
      continue;
    }
    bool found = false;
    for (std::size_t next = at + 1; next < tokens.size() && next <= at + 5; ++next) {
      if (tokens[next].clause != tokens[at].clause) break;
      if (element_matches(e, tokens[next].text)) {
        at = next;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool word_pattern::matches(const std::vector<word_token>& tokens) const {
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (matches_at(tokens, i)) return true;
  }
  return false;
}

std::vector<unsigned char> word_pattern::first_bytes() const {
  const std::string& w = elements_.front().word;
  std::vector<unsigned char> out{static_cast<unsigned char>(w.front())};
  // A slip in the first two letters ("hargeback", "hcargeback") starts with the second.
  if (!elements_.front().prefix && w.size() >= 6) out.push_back(static_cast<unsigned char>(w[1]));
  return out;
}

void word_pattern_set::add(word_pattern p) {
  const auto index = static_cast<std::uint32_t>(patterns_.size());
  for (unsigned char b : p.first_bytes()) {
    auto& bucket = by_first_byte_[b];
    if (bucket.empty() || bucket.back() != index) bucket.push_back(index);
  }
  patterns_.push_back(std::move(p));
}

std::vector<std::size_t> word_pattern_set::matching(const std::vector<word_token>& tokens) const {
  std::vector<bool> found(patterns_.size(), false);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].text.empty()) continue;
    for (std::uint32_t k : by_first_byte_[static_cast<unsigned char>(tokens[i].text.front())]) {
      if (!found[k] && patterns_[k].matches_at(tokens, i)) found[k] = true;
    }
  }
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < found.size(); ++k) {
    if (found[k]) out.push_back(k);
  }
  return out;
}

}  // namespace frontdesk::domain
