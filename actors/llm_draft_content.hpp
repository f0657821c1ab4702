#pragma once
// Turns a validated LLM answer plus what was retrieved into the draft the review queue shows.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/draft_protocol.hpp"
#include "domain/knowledge_passage.hpp"
#include "io/openai_draft.hpp"

namespace frontdesk::actors {

/// Tokens and money one draft cost, over all its attempts (failed ones included).
struct llm_usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  double cost_usd = 0;
  std::string model;
  std::uint32_t attempts = 0;
};

/// {"prompt_tokens","completion_tokens","total_tokens","cost_usd","model","attempts"}.
std::string to_usage_json(const llm_usage& u);

struct llm_draft_input {
  const draft_request* request = nullptr;
  bool knowledge_available = true;
  std::vector<domain::knowledge_passage> passages;  ///< what was retrieved and shown
  double min_relevance = 0.7;
  io::draft_answer answer;
  llm_usage usage;
  std::string model;  ///< configured model: drafter_version "llm:<model>"
};

/// The draft:
///  - sources: only the ids the model cited that were retrieved, each with the best passage's
///    title, version, section and relevance; invented ids are dropped and flagged
///    `invented_sources`, and then the model's self-reported confidence is not used (0);
///  - confidence: domain::confidence with R from the cited sources (or all retrieved passages
///    when the model cited none), the intent certainty, the model's self-report, sentiment and
///    red flags; `knowledge_available == false` applies the formula's penalty;
///  - flags: low_confidence, urgent (model urgency high or priority P0/P1),
///    knowledge_unavailable, no_relevant_knowledge, invented_sources, over_channel_limit;
///  - recommended action: the model's, except that "approve" becomes "edit" for a
///    low-confidence draft or one written without knowledge;
///  - tags, sentiment {score,label,urgency}, intent, usage_json, drafter_version "llm:<model>".
draft_content compose_llm_draft(const llm_draft_input& in);

}  // namespace frontdesk::actors
