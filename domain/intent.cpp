#include "domain/intent.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <string>

#include "domain/data/embedded_data.hpp"
#include "domain/keywords_pattern.hpp"
#include "domain/language_tokens.hpp"

namespace frontdesk::domain {

namespace {

constexpr std::array<std::string_view, 9> names = {"order_status", "shipping", "returns",
                                                   "refund",       "payment",  "product_question",
                                                   "account",      "feedback", "other"};

struct cue {
  intent target;
  double weight;
  word_pattern pattern;
};

std::vector<cue> parse_cues(std::string_view tsv) {
  std::vector<cue> cues;
  std::size_t pos = 0;
  while (pos < tsv.size()) {
    auto nl = tsv.find('\n', pos);
    if (nl == std::string_view::npos) nl = tsv.size();
    const std::string_view line = tsv.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line.front() == '#') continue;
    const auto t1 = line.find('\t');
    const auto t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos) continue;
    const auto target = parse_intent(line.substr(0, t1));
    double weight = 0;
    const auto w = line.substr(t1 + 1, t2 - t1 - 1);
    const auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
    auto pattern = word_pattern::compile(line.substr(t2 + 1));
    if (!target || ec != std::errc{} || ptr != w.data() + w.size() || !pattern) continue;
    cues.push_back({*target, weight, std::move(*pattern)});
  }
  return cues;
}

using cue_list = indexed_cues<cue>;

const cue_list& default_cues() {
  static const cue_list list(parse_cues(data::embedded_file("intent_cues.tsv")));
  return list;
}

}  // namespace

std::string_view to_string(intent i) noexcept {
  return names[static_cast<std::size_t>(i)];
}

std::optional<intent> parse_intent(std::string_view text) noexcept {
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (names[k] == text) return static_cast<intent>(k);
  }
  return std::nullopt;
}

intent_result classify_intent(std::string_view text) {
  const auto tokens = tokenize_words(text, 16 * 1024);
  std::array<double, names.size()> totals{};
  const cue_list& list = default_cues();
  for (const std::size_t k : list.patterns.matching(tokens)) {
    totals[static_cast<std::size_t>(list.cues[k].target)] += list.cues[k].weight;
  }
  std::size_t best = names.size() - 1;
  double s1 = 0.0;
  double s2 = 0.0;
  for (std::size_t k = 0; k + 1 < names.size(); ++k) {
    if (totals[k] > s1) {
      s2 = s1;
      s1 = totals[k];
      best = k;
    } else if (totals[k] > s2) {
      s2 = totals[k];
    }
  }
  intent_result r;
  if (s1 <= 0.0) return r;
  r.value = static_cast<intent>(best);
  r.score = s1;
  r.certainty = (1.0 - std::exp(-s1)) * s1 / (s1 + s2);
  return r;
}

}  // namespace frontdesk::domain
