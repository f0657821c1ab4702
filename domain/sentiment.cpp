#include "domain/sentiment.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "domain/data/embedded_data.hpp"
#include "domain/language_tokens.hpp"

namespace frontdesk::domain {

namespace {

struct word_entry {
  double valence = 0.0;
  double anger = 0.0;
};

struct lexicon {
  std::unordered_map<std::string, word_entry> words;
  std::unordered_map<std::string, double> modifiers;  // intensifier (+) / diminisher (-)
  std::unordered_set<std::string> negators;
  std::unordered_set<std::string> contrasts;
};

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return out;
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0.0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

lexicon parse_lexicon(std::string_view tsv, sentiment_lexicon_stats* stats) {
  lexicon lex;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  auto error = [&](const char* what) {
    if (stats) stats->errors.push_back("line " + std::to_string(line_no) + ": " + what);
  };
  while (pos < tsv.size()) {
    auto nl = tsv.find('\n', pos);
    if (nl == std::string_view::npos) nl = tsv.size();
    std::string_view line = tsv.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto cols = split_tabs(line);
    if (cols.size() < 2 || cols[1].empty() || cols[1].size() > 64) {
      error("expected kind and term");
      continue;
    }
    const std::string term = to_lower_text(cols[1]);
    const auto kind = cols[0];
    if (kind == "word") {
      const auto valence = cols.size() > 2 ? parse_number(cols[2]) : std::nullopt;
      const auto anger = cols.size() > 3 ? parse_number(cols[3]) : std::optional<double>(0.0);
      if (!valence || !anger || *valence < -4 || *valence > 4 || *anger < 0 || *anger > 1) {
        error("word needs valence -4..4 and anger 0..1");
        continue;
      }
      lex.words[term] = {*valence, *anger};
      if (stats) {
        ++stats->words;
        if (*anger > 0) ++stats->anger_words;
      }
    } else if (kind == "negator") {
      lex.negators.insert(term);
      if (stats) ++stats->negators;
    } else if (kind == "contrast") {
      lex.contrasts.insert(term);
    } else if (kind == "intensifier" || kind == "diminisher") {
      const auto value = cols.size() > 2 ? parse_number(cols[2]) : std::nullopt;
      if (!value || *value < -1 || *value > 1) {
        error("modifier needs a value -1..1");
        continue;
      }
      lex.modifiers[term] = *value;
      if (stats) ++stats->modifiers;
    } else {
      error("unknown kind");
    }
  }
  return lex;
}

const lexicon& default_lexicon() {
  static const lexicon lex = parse_lexicon(data::embedded_file("sentiment_lexicon.tsv"), nullptr);
  return lex;
}

}  // namespace

std::string_view to_string(sentiment_label label) noexcept {
  switch (label) {
    case sentiment_label::very_negative:
      return "very_negative";
    case sentiment_label::negative:
      return "negative";
    case sentiment_label::neutral:
      return "neutral";
    case sentiment_label::positive:
      return "positive";
    case sentiment_label::very_positive:
      return "very_positive";
  }
  return "neutral";
}

sentiment_label label_for_score(double score) noexcept {
  if (score <= -0.6) return sentiment_label::very_negative;
  if (score < -0.15) return sentiment_label::negative;
  if (score <= 0.15) return sentiment_label::neutral;
  if (score < 0.6) return sentiment_label::positive;
  return sentiment_label::very_positive;
}

sentiment_lexicon_stats inspect_sentiment_lexicon(std::string_view tsv) {
  sentiment_lexicon_stats stats;
  parse_lexicon(tsv, &stats);
  return stats;
}

sentiment_result analyze_sentiment(std::string_view text) {
  const lexicon& lex = default_lexicon();
  const auto tokens = tokenize_words(text);
  sentiment_result result;

  int caps_words = 0;
  int letter_words = 0;
  for (const auto& t : tokens) {
    const bool has_letter =
        std::any_of(t.text.begin(), t.text.end(), [](char c) { return !(c >= '0' && c <= '9'); });
    if (!has_letter) continue;
    ++letter_words;
    if (t.all_caps) ++caps_words;
  }
  const bool message_all_caps = letter_words >= 2 && caps_words == letter_words;

  constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::size_t first_contrast = npos;
  std::size_t last_contrast = npos;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    if (!lex.contrasts.count(tokens[k].text)) continue;
    if (first_contrast == npos) first_contrast = k;
    last_contrast = k;
  }

  double sum = 0.0;
  double anger_sum = 0.0;
  int max_bangs = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    max_bangs = std::max(max_bangs, t.exclamations);
    const auto it = lex.words.find(t.text);
    if (it == lex.words.end()) continue;
    // A modifier immediately followed by a scored word acts as a modifier only ("super slow").
    if (lex.modifiers.count(t.text) && i + 1 < tokens.size() && tokens[i + 1].clause == t.clause &&
        lex.words.count(tokens[i + 1].text)) {
      if (it->second.anger > 0) anger_sum += it->second.anger * 0.5;
      continue;
    }
    double v = it->second.valence;
    double scale = 1.0;
    for (std::size_t back = 1; back <= 2 && back <= i; ++back) {
      const auto& prev = tokens[i - back];
      if (prev.clause != t.clause) break;
      const auto m = lex.modifiers.find(prev.text);
      if (m != lex.modifiers.end()) scale += m->second;
    }
    bool negated = false;
    for (std::size_t back = 1; back <= 3 && back <= i; ++back) {
      const auto& prev = tokens[i - back];
      if (prev.clause != t.clause) break;
      if (lex.negators.count(prev.text) || prev.text.ends_with("n't")) negated = true;
    }
    double emphasis = 1.0;
    if (t.all_caps) emphasis *= message_all_caps ? 1.25 : 1.5;
    emphasis *= 1.0 + 0.15 * std::min(t.exclamations, 4);
    // Contrast: "but" earlier in the message halves what came before it.
    double contrast = 1.0;
    if (first_contrast < i) {
      contrast = 1.5;
    } else if (last_contrast != npos && last_contrast > i) {
      contrast = 0.5;
    }

    v *= std::max(0.0, scale) * emphasis * contrast;
    if (negated) v *= -0.5;
    sum += v;
    ++result.matched_words;
    if (!negated && it->second.anger > 0) anger_sum += it->second.anger * emphasis;
  }

  result.score = sum / std::sqrt(sum * sum + 15.0);
  result.score = std::clamp(result.score, -1.0, 1.0);
  result.label = label_for_score(result.score);

  if (caps_words > 1 && letter_words >= 2) anger_sum += std::min(1.0, 0.35 * (caps_words - 1));
  if (result.score < -0.15 && max_bangs > 2) anger_sum += std::min(0.6, 0.15 * (max_bangs - 2));
  if (result.score >= 0.15) anger_sum *= 0.5;  // positive shouting ("LOVE IT!!!") is not anger
  result.anger = std::clamp(1.0 - std::exp(-anger_sum), 0.0, 1.0);
  return result;
}

}  // namespace frontdesk::domain
