#include "domain/drafter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <set>

#include "domain/kb_article_text.hpp"
#include "domain/reply_form.hpp"

namespace frontdesk::domain {
namespace {

/// Attribute values come from customers and integrations: one clean line, bounded.
std::string clean_value(std::string_view raw, std::size_t max_code_points = 120) {
  std::string s = utf8_sanitize(raw, " ");
  for (auto& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  std::string collapsed;
  for (char c : trim_ascii(s)) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed.push_back(c);
  }
  return std::string(utf8_prefix(collapsed, max_code_points));
}

std::string attribute(const std::map<std::string, std::string>& attrs,
                      std::initializer_list<std::string_view> keys,
                      std::size_t max_code_points = 120) {
  for (auto key : keys) {
    const auto it = attrs.find(std::string(key));
    if (it == attrs.end()) continue;
    auto v = clean_value(it->second, max_code_points);
    if (!v.empty()) return v;
  }
  return {};
}

std::set<std::string> stems_of(std::string_view text) {
  std::set<std::string> out;
  for (const auto& term : extract_terms(text, 256)) out.insert(light_stem(term));
  return out;
}

std::size_t overlap(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::size_t n = 0;
  for (const auto& x : a) n += b.contains(x) ? 1 : 0;
  return n;
}

/// True when the message asks where an order is or how its delivery is going: then the order
/// facts are the answer. Returns, refunds and the like get no status lines.
bool about_order_status(const draft_request& request, const std::set<std::string>& question) {
  static constexpr std::array<std::string_view, 5> status_intents{
      "order_status", "shipping", "tracking", "delivery", "shipping_delay"};
  if (request.intent && std::find(status_intents.begin(), status_intents.end(), *request.intent) !=
                            status_intents.end())
    return true;
  static constexpr std::array<std::string_view, 13> status_words{
      "track", "ship",   "shipment", "deliver", "delivery", "packag",  "parcel",
      "arriv", "status", "late",     "delay",   "eta",      "dispatch"};
  for (auto w : status_words)
    if (question.contains(std::string(w))) return true;
  if (question.contains("order")) {
    std::string lower;
    for (char c : request.customer_message.substr(0, 4096))
      lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    return lower.find("where") != std::string::npos;
  }
  return false;
}

std::string humanise_status(std::string status) {
  for (auto& c : status) {
    if (c == '_' || c == '-') c = ' ';
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return status;
}

std::vector<std::string> order_facts(const std::map<std::string, std::string>& attrs) {
  std::vector<std::string> facts;
  auto number = attribute(attrs, {"order_number", "order_id", "order"});
  while (!number.empty() && number.front() == '#') number.erase(number.begin());
  const auto status = attribute(attrs, {"order_status", "status"});
  const auto tracking = attribute(attrs, {"tracking_number", "tracking"});
  const auto carrier = attribute(attrs, {"carrier", "shipping_carrier"});
  const auto url = attribute(attrs, {"tracking_url"}, 300);
  const auto eta = attribute(attrs, {"estimated_delivery", "expected_delivery", "delivery_date"});
  const std::string order = number.empty() ? "Your order" : "Your order #" + number;
  if (!status.empty()) {
    facts.push_back(order + " is currently " + humanise_status(status) + ".");
  } else if (!number.empty()) {
    facts.push_back("Your order number is #" + number + ".");
  }
  if (!tracking.empty())
    facts.push_back("Your tracking number is " + tracking +
                    (carrier.empty() ? std::string() : " (" + carrier + ")") + ".");
  if (!eta.empty()) facts.push_back("The estimated delivery date is " + eta + ".");
  if (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0)
    facts.push_back("Tracking link: " + url);
  return facts;
}

struct scored_sentence {
  std::string text;
  std::size_t passage_rank = 0;
  std::size_t position = 0;
  std::size_t shared = 0;  ///< words shared with the question
  double score = 0;
};

bool usable_sentence(const std::string& s) {
  if (utf8_length(s) < 12) return false;
  if (s.back() == ':') return false;  // a lead-in to a list we are not quoting
  return true;
}

std::string closing_for(channel c) {
  switch (c) {
    case channel::email:
    case channel::web_form:
      return "If you have any other questions, just reply to this email.";
    case channel::sms:
    case channel::whatsapp:
      return "Reply here if you need anything else.";
    case channel::web_widget:
    case channel::api:
    case channel::other:
      return "Is there anything else I can help with?";
  }
  return {};
}

std::string tag_of(std::string_view raw) {
  std::string tag;
  for (char c : raw) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (ok) tag.push_back(c);
    if (tag.size() == 64) break;
  }
  return tag;
}

}  // namespace

std::string_view to_string(draft_recommendation r) noexcept {
  switch (r) {
    case draft_recommendation::approve:
      return "approve";
    case draft_recommendation::edit:
      return "edit";
    case draft_recommendation::escalate:
      return "escalate";
    case draft_recommendation::reject:
      return "reject";
  }
  return "escalate";
}

double retrieval_confidence(const std::vector<knowledge_passage>& passages,
                            bool knowledge_unavailable) noexcept {
  std::vector<const knowledge_passage*> ranked;
  for (const auto& p : passages)
    if (std::isfinite(p.relevance)) ranked.push_back(&p);
  if (ranked.empty()) return 0.0;
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](auto* a, auto* b) { return a->relevance > b->relevance; });
  const double top = std::clamp(ranked.front()->relevance, 0.0, 1.0);
  double mass = 0;
  double same = 0;
  for (std::size_t i = 0; i < ranked.size() && i < 3; ++i) {
    const double r = std::clamp(ranked[i]->relevance, 0.0, 1.0);
    mass += r;
    if (ranked[i]->article_id == ranked.front()->article_id) same += r;
  }
  const double agreement = mass > 0 ? same / mass : 0.0;
  double c = 0.75 * top + 0.25 * agreement * (top > 0 ? 1.0 : 0.0);
  if (knowledge_unavailable) c *= 0.5;
  return std::clamp(c, 0.0, 1.0);
}

std::string first_name_of(std::string_view contact_name) {
  const auto name = clean_value(contact_name, 200);
  std::string_view rest = trim_ascii(name);
  const auto space = rest.find(' ');
  std::string first(rest.substr(0, space));
  while (!first.empty() && (first.back() == ',' || first.back() == '.' || first.back() == ';'))
    first.pop_back();
  if (first.empty() || utf8_length(first) > 40) return {};
  for (char c : first)
    if (c == '@' || c == '+' || (c >= '0' && c <= '9') || c == '<' || c == '>') return {};
  if (first.front() >= 'a' && first.front() <= 'z')
    first.front() = static_cast<char>(first.front() - 'a' + 'A');
  return first;
}

offline_draft draft_offline_reply(const draft_request& request, const drafter_options& options) {
  offline_draft draft;
  const auto rules = reply_form_rules_for(request.via);
  const auto question = stems_of(request.customer_message);

  std::vector<const knowledge_passage*> ranked;
  for (const auto& p : request.passages)
    if (std::isfinite(p.relevance) && p.relevance > 0) ranked.push_back(&p);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](auto* a, auto* b) { return a->relevance > b->relevance; });
  // Only passages close to the best one contribute sentences.
  if (!ranked.empty()) {
    const double floor = ranked.front()->relevance * 0.6;
    while (ranked.size() > 3 || (ranked.size() > 1 && ranked.back()->relevance < floor))
      ranked.pop_back();
  }

  std::vector<scored_sentence> candidates;
  for (std::size_t rank = 0; rank < ranked.size(); ++rank) {
    const auto& passage = *ranked[rank];
    const auto heading_overlap = overlap(stems_of(passage.section), question);
    const auto sentences = split_sentences(passage.text);
    for (std::size_t pos = 0; pos < sentences.size(); ++pos) {
      if (!usable_sentence(sentences[pos])) continue;
      const auto words = stems_of(sentences[pos]);
      const auto shared = overlap(words, question);
      double score = 0;
      if (shared > 0) {
        score = (static_cast<double>(shared) + 0.5 * static_cast<double>(heading_overlap) +
                 (pos == 0 ? 0.25 : 0.0)) *
                passage.relevance / (1.0 + static_cast<double>(words.size()) / 40.0);
      }
      candidates.push_back({sentences[pos], rank, pos, shared, score});
    }
  }
  std::vector<scored_sentence> chosen;
  {
    auto by_score = candidates;
    std::stable_sort(by_score.begin(), by_score.end(),
                     [](const auto& a, const auto& b) { return a.score > b.score; });
    // Keep sentences that share at least half as many words with the question as the best one.
    const std::size_t best_shared = by_score.empty() ? 0 : by_score.front().shared;
    for (const auto& c : by_score) {
      if (chosen.size() == rules.max_body_sentences || c.score <= 0) break;
      if (c.shared * 2 < best_shared) continue;
      const bool duplicate = std::any_of(chosen.begin(), chosen.end(),
                                         [&](const auto& x) { return x.text == c.text; });
      if (!duplicate) chosen.push_back(c);
    }
    if (chosen.empty()) {
      // Nothing shares a word with the question: the opening sentence of the best passage.
      for (const auto& c : candidates) {
        if (c.passage_rank == 0) {
          chosen.push_back(c);
          break;
        }
      }
    }
    // Length-limited channels take the most relevant sentence first; others read in order.
    if (rules.target_chars == 0) {
      std::stable_sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) {
        return a.passage_rank != b.passage_rank ? a.passage_rank < b.passage_rank
                                                : a.position < b.position;
      });
    }
  }

  reply_content content;
  content.first_name = first_name_of(request.contact_name);
  content.signature = options.signature;
  content.closing = closing_for(request.via);
  if (about_order_status(request, question)) content.facts = order_facts(request.attributes);
  if (chosen.empty()) {
    content.body = {"Thanks for your message.",
                    "I'm looking into this with our team and will get back to you shortly."};
  } else {
    for (const auto& c : chosen) content.body.push_back(c.text);
  }
  auto formatted = format_reply(request.via, content);
  draft.reply = std::move(formatted.text);
  draft.parts = std::move(formatted.parts);

  // Cite the articles whose sentences made it into the reply (a channel limit may drop some).
  std::erase_if(chosen,
                [&](const auto& c) { return draft.reply.find(c.text) == std::string::npos; });
  for (const auto& c : chosen) {
    const auto& passage = *ranked[c.passage_rank];
    const auto it = std::find_if(draft.sources.begin(), draft.sources.end(),
                                 [&](const auto& s) { return s.article_id == passage.article_id; });
    if (it == draft.sources.end()) {
      draft.sources.push_back(
          {passage.article_id, passage.title, passage.version, passage.relevance});
    } else {
      it->relevance = std::max(it->relevance, passage.relevance);
    }
  }
  std::stable_sort(draft.sources.begin(), draft.sources.end(),
                   [](const auto& a, const auto& b) { return a.relevance > b.relevance; });

  draft.retrieval_confidence =
      chosen.empty() ? 0.0 : retrieval_confidence(request.passages, request.knowledge_unavailable);
  if (request.knowledge_unavailable || chosen.empty()) {
    draft.action = draft_recommendation::escalate;
  } else if (draft.retrieval_confidence >= options.approve_at) {
    draft.action = draft_recommendation::approve;
  } else if (draft.retrieval_confidence >= options.edit_at) {
    draft.action = draft_recommendation::edit;
  } else {
    draft.action = draft_recommendation::escalate;
  }

  if (request.intent) {
    if (auto t = tag_of(*request.intent); !t.empty()) draft.tags.push_back(t);
  }
  for (const auto& s : draft.sources) {
    auto t = tag_of(s.article_id);
    if (!t.empty() && std::find(draft.tags.begin(), draft.tags.end(), t) == draft.tags.end())
      draft.tags.push_back(std::move(t));
  }
  if (chosen.empty()) draft.tags.push_back("no-knowledge");

  if (draft.retrieval_confidence < options.edit_at) draft.flags.push_back("low_confidence");
  if (request.knowledge_unavailable) draft.flags.push_back("knowledge_unavailable");
  if (chosen.empty() && !request.knowledge_unavailable)
    draft.flags.push_back("no_relevant_knowledge");
  if (formatted.over_target) draft.flags.push_back("over_channel_limit");
  if (draft.parts.size() > 1) draft.flags.push_back("split_into_parts");
  return draft;
}

}  // namespace frontdesk::domain
