#include "domain/reply_form.hpp"

#include "domain/kb_article_text.hpp"

namespace frontdesk::domain {
namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out.append(sep);
    out.append(item);
  }
  return out;
}

formatted_reply letter(const reply_content& content, const reply_form_rules& rules) {
  formatted_reply r;
  std::vector<std::string> body = content.body;
  if (body.size() > rules.max_body_sentences) {
    r.dropped_items = body.size() - rules.max_body_sentences;
    body.resize(rules.max_body_sentences);
  }
  std::vector<std::string> paragraphs;
  paragraphs.push_back(content.first_name.empty() ? "Hello," : "Hi " + content.first_name + ",");
  if (!content.facts.empty()) paragraphs.push_back(join(content.facts, " "));
  if (!body.empty()) paragraphs.push_back(join(body, " "));
  if (!content.closing.empty()) paragraphs.push_back(content.closing);
  paragraphs.push_back(content.signature.empty() ? "Best regards"
                                                 : "Best regards,\n" + content.signature);
  r.text = join(paragraphs, "\n\n");
  return r;
}

formatted_reply compact(const reply_content& content, const reply_form_rules& rules) {
  formatted_reply r;
  std::vector<std::string> items = content.facts;
  std::size_t body_used = 0;
  for (const auto& sentence : content.body) {
    if (body_used == rules.max_body_sentences) {
      ++r.dropped_items;
      continue;
    }
    items.push_back(sentence);
    ++body_used;
  }
  const std::string greeting =
      content.first_name.empty() ? "Hi!" : "Hi " + content.first_name + "!";
  const std::size_t limit = rules.target_chars;
  auto with = [](const std::string& text, const std::string& item) {
    return text.empty() ? item : text + " " + item;
  };
  // Greedy fill within `budget`; returns false when even the first item does not fit.
  auto fill = [&](std::size_t budget, std::string& text, std::size_t& dropped) {
    text.clear();
    dropped = 0;
    bool first_fits = true;
    for (const auto& item : items) {
      const auto candidate = with(text, item);
      if (budget == 0 || utf8_length(candidate) <= budget) {
        text = candidate;
      } else if (text.empty()) {
        text = item;  // the most important item is kept even when too long
        first_fits = false;
      } else {
        ++dropped;
      }
    }
    return first_fits;
  };
  const std::size_t greeting_len = utf8_length(greeting) + 1;
  std::string text;
  std::size_t dropped = 0;
  bool use_greeting = true;
  if (limit > 0) {
    const bool ok = limit > greeting_len && fill(limit - greeting_len, text, dropped);
    if (!ok) {
      use_greeting = false;
      r.over_target = !fill(limit, text, dropped);
    }
  } else {
    fill(0, text, dropped);
  }
  r.dropped_items += dropped;
  if (use_greeting) text = text.empty() ? greeting : greeting + " " + text;
  if (!content.closing.empty() && (limit == 0 || utf8_length(with(text, content.closing)) <= limit))
    text = with(text, content.closing);
  r.text = std::move(text);
  return r;
}

}  // namespace

reply_form_rules reply_form_rules_for(channel c) noexcept {
  switch (c) {
    case channel::email:
    case channel::web_form:
      return {true, 3, 0, 0};
    case channel::sms:
      return {false, 2, 160, 0};
    case channel::whatsapp:
      return {false, 2, 300, 1600};
    case channel::web_widget:
    case channel::api:
    case channel::other:
      return {false, 2, 0, 0};
  }
  return {false, 2, 0, 0};
}

formatted_reply format_reply(channel c, const reply_content& content) {
  const auto rules = reply_form_rules_for(c);
  auto r = rules.full_letter ? letter(content, rules) : compact(content, rules);
  if (rules.split_past_chars > 0 && utf8_length(r.text) > rules.split_past_chars) {
    r.parts = split_at_sentence_boundaries(r.text, rules.split_past_chars);
  } else {
    r.parts = {r.text};
  }
  return r;
}

}  // namespace frontdesk::domain
