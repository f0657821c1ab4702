#pragma once
// The built-in drafter: passages from a knowledge actor (actors/knowledge_actor.hpp: the
// embedded index over kb/ or the RAG service) and the offline drafter (domain/drafter) with its
// documented confidence. Answers (draft_atom, draft_request_ptr) with draft_reply_ptr; an
// unavailable knowledge source gives a holding reply flagged knowledge_unavailable.

#include <caf/fwd.hpp>
#include <string>
#include <vector>

#include "actors/draft_protocol.hpp"
#include "domain/knowledge_passage.hpp"

namespace frontdesk::actors {

struct builtin_drafter_options {
  int top_k = 5;
  double min_relevance = 0.7;
  std::string signature = "Customer Support";
};

caf::actor spawn_builtin_drafter(caf::actor_system& sys, builtin_drafter_options options,
                                 caf::actor knowledge);

/// Composes the built-in draft from what was retrieved (pure).
draft_reply_ptr compose_builtin_draft(const draft_request& req,
                                      std::vector<domain::knowledge_passage> passages,
                                      bool knowledge_unavailable,
                                      const builtin_drafter_options& options);

}  // namespace frontdesk::actors
