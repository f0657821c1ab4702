#include "domain/keywords.hpp"

#include <algorithm>
#include <array>

#include "domain/language_tokens.hpp"

namespace frontdesk::domain {

std::vector<std::string> default_escalation_keywords() {
  return {"urgent", "emergency", "lawyer", "lawsuit", "fraud", "chargeback", "attorney", "sue"};
}

bool matches_inflection(std::string_view word, std::string_view keyword) noexcept {
  using namespace std::string_view_literals;
  if (keyword.empty()) return false;
  if (word == keyword) return true;
  // Every form keeps all of the keyword but maybe its last letter, and adds at most 3 bytes.
  if (word.size() < keyword.size() || word.size() > keyword.size() + 3 || word[0] != keyword[0]) {
    return false;
  }
  auto suffix_is = [&](std::string_view stem, std::string_view suffix) {
    return word.size() == stem.size() + suffix.size() && word.starts_with(stem) &&
           word.ends_with(suffix);
  };
  static constexpr std::array suffixes = {"s"sv, "es"sv, "ed"sv, "d"sv, "ing"sv, "ly"sv, "'s"sv};
  for (const std::string_view suffix : suffixes) {
    if (suffix == "d"sv && !keyword.ends_with('e')) continue;
    if (suffix_is(keyword, suffix)) return true;
  }
  if (keyword.size() > 1 && keyword.back() == 'y' &&
      suffix_is(keyword.substr(0, keyword.size() - 1), "ies"sv)) {
    return true;
  }
  if (keyword.size() > 2 && keyword.back() == 'e' &&
      suffix_is(keyword.substr(0, keyword.size() - 1), "ing"sv)) {
    return true;
  }
  return false;
}

keyword_matcher::keyword_matcher(std::vector<std::string> keywords) {
  for (auto& k : keywords) {
    auto tokens = tokenize_words(k, 256);
    if (tokens.empty()) continue;
    std::vector<std::string> phrase;
    std::string joined;
    for (auto& t : tokens) {
      if (!joined.empty()) joined += ' ';
      joined += t.text;
      phrase.push_back(std::move(t.text));
    }
    if (std::find(display_.begin(), display_.end(), joined) != display_.end()) continue;
    display_.push_back(std::move(joined));
    phrases_.push_back(std::move(phrase));
  }
}

std::vector<keyword_hit> keyword_matcher::find(std::string_view text) const {
  std::vector<keyword_hit> hits;
  if (phrases_.empty()) return hits;
  const auto tokens = tokenize_words(text);
  std::vector<bool> reported(phrases_.size(), false);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    for (std::size_t k = 0; k < phrases_.size(); ++k) {
      if (reported[k]) continue;
      const auto& phrase = phrases_[k];
      if (i + phrase.size() > tokens.size()) continue;
      bool ok = true;
      for (std::size_t w = 0; w < phrase.size() && ok; ++w) {
        ok = matches_inflection(tokens[i + w].text, phrase[w]);
      }
      if (!ok) continue;
      reported[k] = true;
      const auto& last = tokens[i + phrase.size() - 1];
      const std::size_t end = last.offset + last.length;
      hits.push_back({display_[k],
                      std::string(text.substr(tokens[i].offset, end - tokens[i].offset)),
                      tokens[i].offset});
    }
  }
  return hits;
}

}  // namespace frontdesk::domain
