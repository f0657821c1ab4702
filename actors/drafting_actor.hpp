#pragma once
// The built-in drafting pipeline: retrieval over the Markdown knowledge base (SQLite FTS5)
// and the offline drafter, on a dedicated thread so retrieval never takes time from the
// conversation actors. Answers (draft_atom, draft_request_ptr) with draft_reply_ptr.

#include <caf/fwd.hpp>
#include <string>

namespace frontdesk::actors {

struct builtin_drafter_options {
  std::string kb_dir = "kb";
  int top_k = 5;
  double min_relevance = 0.7;
  std::string signature = "Customer Support";
};

caf::actor spawn_builtin_drafter(caf::actor_system& sys, builtin_drafter_options options);

}  // namespace frontdesk::actors
