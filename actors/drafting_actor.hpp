#pragma once
// The built-in drafting pipeline: retrieval over the Markdown knowledge base (SQLite FTS5)
// and the offline drafter, on a dedicated thread so retrieval never takes time from the
// conversation actors. Answers (draft_atom, draft_request_ptr) with draft_reply_ptr.

#include <caf/fwd.hpp>
#include <string>
#include <vector>

#include "actors/draft_protocol.hpp"
#include "domain/knowledge_passage.hpp"

namespace frontdesk::actors {

struct builtin_drafter_options {
  std::string kb_dir = "kb";
  int top_k = 5;
  double min_relevance = 0.7;
  std::string signature = "Customer Support";
};

caf::actor spawn_builtin_drafter(caf::actor_system& sys, builtin_drafter_options options);

/// The same offline drafter over a knowledge actor (actors/knowledge_actor.hpp: the embedded
/// index or the external RAG service); `options.kb_dir` is not used. An unavailable source
/// gives a holding reply flagged knowledge_unavailable.
caf::actor spawn_builtin_drafter(caf::actor_system& sys, builtin_drafter_options options,
                                 caf::actor knowledge);

/// Composes the built-in draft from what was retrieved (pure; shared by both variants).
draft_reply_ptr compose_builtin_draft(const draft_request& req,
                                      std::vector<domain::knowledge_passage> passages,
                                      bool knowledge_unavailable,
                                      const builtin_drafter_options& options);

}  // namespace frontdesk::actors
