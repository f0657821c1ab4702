#include "domain/language.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "domain/data/embedded_data.hpp"
#include "domain/language_tokens.hpp"

namespace frontdesk::domain {

namespace {

struct stopword_table {
  std::vector<std::string> languages;
  std::unordered_map<std::string, std::vector<std::size_t>> words;  // word -> language indices
};

stopword_table parse_table(std::string_view tsv) {
  stopword_table table;
  std::size_t pos = 0;
  while (pos < tsv.size()) {
    auto nl = tsv.find('\n', pos);
    if (nl == std::string_view::npos) nl = tsv.size();
    const std::string_view line = tsv.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line.front() == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0 || tab > 8) continue;
    const std::size_t index = table.languages.size();
    table.languages.emplace_back(line.substr(0, tab));
    for (auto& token : tokenize_words(line.substr(tab + 1))) {
      auto& langs = table.words[token.text];
      if (langs.empty() || langs.back() != index) langs.push_back(index);
    }
  }
  return table;
}

const stopword_table& table() {
  static const stopword_table t = parse_table(data::embedded_file("language_stopwords.tsv"));
  return t;
}

struct letter_hint {
  std::string_view letter;
  std::string_view language;
};
constexpr letter_hint hints[] = {
    {"\xC3\xB1", "es"}, {"\xC2\xBF", "es"}, {"\xC2\xA1", "es"}, {"\xC3\x9F", "de"},
    {"\xC3\xA4", "de"}, {"\xC3\xB6", "de"}, {"\xC3\xBC", "de"}, {"\xC3\xA3", "pt"},
    {"\xC3\xB5", "pt"}, {"\xC3\xA7", "pt"}, {"\xC3\xA7", "fr"}, {"\xC3\xA8", "fr"},
    {"\xC3\xAA", "fr"}, {"\xC3\xA0", "fr"}, {"\xC3\xB9", "it"}, {"\xC3\xB2", "it"},
};

}  // namespace

language_guess detect_language(std::string_view text) {
  const auto& t = table();
  std::vector<double> score(t.languages.size(), 0.0);
  const auto tokens = tokenize_words(text, 16 * 1024);
  for (const auto& token : tokens) {
    const auto it = t.words.find(token.text);
    if (it == t.words.end()) continue;
    const double share = 1.0 / static_cast<double>(it->second.size());
    for (auto index : it->second) score[index] += share;
  }
  const std::string_view head = text.substr(0, std::min<std::size_t>(text.size(), 16 * 1024));
  for (const auto& hint : hints) {
    if (head.find(hint.letter) == std::string_view::npos) continue;
    for (std::size_t k = 0; k < t.languages.size(); ++k) {
      if (t.languages[k] == hint.language) score[k] += 0.5;
    }
  }
  double total = 0.0;
  std::size_t best = 0;
  for (std::size_t k = 0; k < score.size(); ++k) {
    total += score[k];
    if (score[k] > score[best]) best = k;
  }
  language_guess guess;
  if (score.empty() || score[best] < 2.0) return guess;
  guess.code = t.languages[best];
  guess.certainty = score[best] / total;
  return guess;
}

}  // namespace frontdesk::domain
