#include "actors/llm_draft_content.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <set>

#include "domain/confidence.hpp"
#include "domain/kb_article_text.hpp"
#include "domain/reply_form.hpp"

namespace frontdesk::actors {
namespace {

namespace json = boost::json;

void add_flag(std::vector<std::string>& flags, std::string_view f) {
  if (std::find(flags.begin(), flags.end(), f) == flags.end()) flags.emplace_back(f);
}

}  // namespace

std::string to_usage_json(const llm_usage& u) {
  return json::serialize(json::object{{"prompt_tokens", u.prompt_tokens},
                                      {"completion_tokens", u.completion_tokens},
                                      {"total_tokens", u.prompt_tokens + u.completion_tokens},
                                      {"cost_usd", std::isfinite(u.cost_usd) ? u.cost_usd : 0.0},
                                      {"model", u.model},
                                      {"attempts", u.attempts}});
}

draft_content compose_llm_draft(const llm_draft_input& in) {
  const draft_request& req = *in.request;
  draft_content c;
  c.request_id = req.request_id;
  c.text = in.answer.draft;

  // Best passage per retrieved article.
  std::map<std::string, const domain::knowledge_passage*> best;
  for (const auto& p : in.passages) {
    auto [it, fresh] = best.emplace(p.article_id, &p);
    if (!fresh && p.relevance > it->second->relevance) it->second = &p;
  }
  std::vector<const domain::knowledge_passage*> cited;
  std::set<std::string> seen;
  bool invented = false;
  for (const auto& id : in.answer.sources) {
    if (!seen.insert(id).second) continue;
    auto it = best.find(id);
    if (it == best.end()) {
      invented = true;
      continue;
    }
    cited.push_back(it->second);
  }
  std::stable_sort(cited.begin(), cited.end(),
                   [](const auto* a, const auto* b) { return a->relevance > b->relevance; });

  domain::confidence_input ci;
  ci.knowledge_available = in.knowledge_available;
  std::vector<const domain::knowledge_passage*> all;
  for (const auto& [id, p] : best) all.push_back(p);
  const auto& grounds = cited.empty() ? all : cited;
  std::set<std::string> strong;
  for (const auto* p : grounds) {
    ci.top_relevance = std::max(ci.top_relevance, p->relevance);
    if (p->relevance >= in.min_relevance) strong.insert(p->article_id);
  }
  ci.articles_above_min_relevance = static_cast<int>(strong.size());
  ci.intent_certainty = req.intent_certainty;
  ci.llm_self_report = invented ? 0.0 : in.answer.confidence;
  ci.sentiment_score = req.sentiment_score;
  ci.trigger_count = static_cast<int>(req.red_flags.size());
  c.confidence = domain::confidence(ci);

  json::array sources;
  for (const auto* p : cited) {
    sources.push_back(json::object{{"id", p->article_id},
                                   {"title", p->title},
                                   {"version", p->version},
                                   {"section", p->section},
                                   {"relevance", p->relevance}});
  }
  c.sources_json = json::serialize(sources);
  json::array tags;
  for (const auto& t : in.answer.tags) tags.emplace_back(t);
  c.tags_json = json::serialize(tags);

  const bool urgent = in.answer.urgency == io::draft_urgency::high ||
                      req.priority == domain::priority::p0 || req.priority == domain::priority::p1;
  const std::string urgency = urgent ? "high" : std::string(io::to_string(in.answer.urgency));
  const std::string label = in.answer.sentiment.empty() ? req.sentiment_label : in.answer.sentiment;
  c.sentiment_json = json::serialize(
      json::object{{"score", std::isfinite(req.sentiment_score) ? req.sentiment_score : 0.0},
                   {"label", label},
                   {"urgency", urgency}});

  if (domain::is_low_confidence(c.confidence)) add_flag(c.flags, "low_confidence");
  if (urgent) add_flag(c.flags, "urgent");
  if (!in.knowledge_available) {
    add_flag(c.flags, "knowledge_unavailable");
  } else if (in.passages.empty()) {
    add_flag(c.flags, "no_relevant_knowledge");
  }
  if (invented) add_flag(c.flags, "invented_sources");
  const auto rules = domain::reply_form_rules_for(req.channel);
  if (rules.target_chars > 0 && domain::utf8_length(c.text) > rules.target_chars) {
    add_flag(c.flags, "over_channel_limit");
  }

  c.recommended_action = std::string(io::to_string(in.answer.recommended_action));
  if (c.recommended_action == "approve" &&
      (domain::is_low_confidence(c.confidence) || !in.knowledge_available)) {
    c.recommended_action = "edit";
  }
  c.drafter_version = "llm:" + in.model;
  c.intent = req.intent;
  c.usage_json = to_usage_json(in.usage);
  return c;
}

}  // namespace frontdesk::actors
