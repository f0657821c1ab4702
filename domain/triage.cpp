#include "domain/triage.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "domain/data/embedded_data.hpp"
#include "domain/keywords.hpp"
#include "domain/keywords_pattern.hpp"
#include "domain/language_tokens.hpp"
#include "domain/money.hpp"

namespace frontdesk::domain {

namespace {

struct priority_cue {
  domain::priority level;
  escalation_category category;
  word_pattern pattern;
};

std::vector<priority_cue> parse_cues(std::string_view tsv) {
  std::vector<priority_cue> cues;
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
    const auto level = parse_priority(line.substr(0, t1));
    const auto category = parse_escalation_category(line.substr(t1 + 1, t2 - t1 - 1));
    auto pattern = word_pattern::compile(line.substr(t2 + 1));
    if (!level || !category || !pattern) continue;
    cues.push_back({*level, *category, std::move(*pattern)});
  }
  return cues;
}

using cue_list = indexed_cues<priority_cue>;

const cue_list& default_cues() {
  static const cue_list list(parse_cues(data::embedded_file("triage_cues.tsv")));
  return list;
}

escalation_category category_from_intent(intent i) {
  switch (i) {
    case intent::payment:
    case intent::refund:
      return escalation_category::billing;
    case intent::account:
      return escalation_category::technical;
    default:
      return escalation_category::general;
  }
}

bool concrete_request(intent i) {
  return i == intent::order_status || i == intent::shipping || i == intent::returns ||
         i == intent::refund || i == intent::payment || i == intent::account;
}

std::string format_money(const money_amount& m) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %s", m.value(), m.currency.c_str());
  return buf;
}

std::string format_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

std::string_view to_string(triage_route r) noexcept {
  return r == triage_route::human ? "human" : "ai_draft";
}

std::string_view to_string(escalation_category c) noexcept {
  switch (c) {
    case escalation_category::billing:
      return "billing";
    case escalation_category::legal:
      return "legal";
    case escalation_category::security:
      return "security";
    case escalation_category::technical:
      return "technical";
    case escalation_category::general:
      return "general";
  }
  return "general";
}

std::optional<escalation_category> parse_escalation_category(std::string_view text) noexcept {
  for (auto c :
       {escalation_category::billing, escalation_category::legal, escalation_category::security,
        escalation_category::technical, escalation_category::general}) {
    if (to_string(c) == text) return c;
  }
  if (text == "shipping" || text == "returns") return escalation_category::general;
  return std::nullopt;
}

triage_result triage(const triage_input& input, const triage_config& config) {
  triage_result r;
  const auto tokens = tokenize_words(input.text);
  r.intent = classify_intent(input.text);
  r.language = detect_language(input.text);
  r.sentiment = analyze_sentiment(input.text);
  const escalation_category message_category = category_from_intent(r.intent.value);

  // 1. priority
  const priority_cue* p0 = nullptr;
  const priority_cue* p1 = nullptr;
  const priority_cue* p3 = nullptr;
  const cue_list& list = default_cues();
  for (const std::size_t k : list.patterns.matching(tokens)) {  // ascending: first cue wins
    const priority_cue& cue = list.cues[k];
    const priority_cue** slot = cue.level == priority::p0   ? &p0
                                : cue.level == priority::p1 ? &p1
                                : cue.level == priority::p3 ? &p3
                                                            : nullptr;
    if (slot && !*slot) *slot = &cue;
  }
  if (p0) {
    r.priority = priority::p0;
    r.priority_cue = p0->pattern.text();
  } else if (p1) {
    r.priority = priority::p1;
    r.priority_cue = p1->pattern.text();
  } else if ((p3 || r.intent.value == intent::feedback) && !concrete_request(r.intent.value)) {
    r.priority = priority::p3;
    r.priority_cue = p3 ? p3->pattern.text() : std::string("intent:feedback");
  }

  // 2. triggers, in primary order
  if (p0) r.triggers.push_back({"p0", "matched \"" + p0->pattern.text() + "\"", p0->category});
  if (config.keywords_enabled) {
    const keyword_matcher matcher(config.keywords);
    const auto hits = matcher.find(input.text);
    if (!hits.empty()) {
      const auto& hit = hits.front();
      const auto kc = config.keyword_categories.find(hit.keyword);
      r.triggers.push_back({"keyword:" + hit.keyword, "mentions \"" + hit.matched + "\"",
                            kc != config.keyword_categories.end() ? kc->second : message_category});
    }
  }
  if (config.refund_enabled) {
    if (const auto refund = find_refund_over(input.text, config.max_refund_usd)) {
      r.triggers.push_back(
          {"refund_amount", "refund of " + format_money(*refund), escalation_category::billing});
    }
  }
  if (config.order_value_enabled) {
    for (const auto& key : config.order_value_attributes) {
      const auto it = input.custom_attributes.find(key);
      if (it == input.custom_attributes.end()) continue;
      const auto value = parse_money_value(it->second);
      if (value && approximate_usd(*value) > config.max_order_value_usd) {
        r.triggers.push_back(
            {"order_value", key + " " + format_money(*value), escalation_category::billing});
        break;
      }
    }
  }
  if (config.anger_enabled && r.sentiment.anger >= config.anger_threshold) {
    r.triggers.push_back(
        {"high_anger", "anger " + format_number(r.sentiment.anger), message_category});
  }
  if (config.low_grade_enabled && input.history.last_ai_reply_grade &&
      *input.history.last_ai_reply_grade < config.min_last_grade) {
    r.triggers.push_back(
        {"low_grade", "last AI reply graded " + format_number(*input.history.last_ai_reply_grade),
         message_category});
  }
  if (config.unresolved_enabled &&
      input.history.unresolved_conversations > config.max_unresolved_conversations) {
    r.triggers.push_back(
        {"unresolved_conversations",
         std::to_string(input.history.unresolved_conversations) + " unresolved conversations",
         message_category});
  }

  // 3. route
  if (!r.triggers.empty()) {
    r.route = triage_route::human;
    r.escalation_reason = r.triggers.front().reason;
    r.category = r.triggers.front().category;
    if (r.priority > priority::p1) r.priority = priority::p1;
    const auto team = config.routing.find(r.category);
    if (team != config.routing.end()) r.assignment = team->second;
  } else {
    r.category = message_category;
  }

  // 5. labels
  std::vector<std::string> labels;
  std::string level(to_string(r.priority));
  std::transform(level.begin(), level.end(), level.begin(),
                 [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  labels.push_back("priority_" + level);
  if (r.intent.value != intent::other)
    labels.push_back("intent_" + std::string(to_string(r.intent.value)));
  if (r.language.code != "en" && r.language.code != "und")
    labels.push_back("lang_" + r.language.code);
  if (r.route == triage_route::human) {
    labels.push_back("ai_escalated");
    labels.push_back("escalation_" + std::string(to_string(r.category)));
  }
  for (auto& l : labels) {
    if (std::find(input.labels.begin(), input.labels.end(), l) == input.labels.end()) {
      r.labels_to_apply.push_back(std::move(l));
    }
  }
  return r;
}

}  // namespace frontdesk::domain
