#pragma once
// What a conversation asks the drafting pipeline, and what comes back.
//   request(drafter, timeout, draft_atom, draft_request_ptr) -> draft_reply_ptr

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/conversation_data.hpp"
#include "domain/priority.hpp"

namespace frontdesk::actors {

struct draft_request {
  std::int64_t conversation_id = 0;
  std::uint64_t request_id = 0;
  std::string customer_message;
  std::string earlier_message;  ///< the customer's previous message, for retrieval context
  domain::channel channel = domain::channel::other;
  contact_info contact;
  std::map<std::string, std::string> custom_attributes;
  std::vector<std::string> labels;
  domain::priority priority = domain::priority::p2;
  std::string intent;
  double intent_certainty = 0;
  double sentiment_score = 0;
  std::string sentiment_label;
  std::vector<std::string> red_flags;  ///< triage triggers that did not escalate, urgency
};

struct draft_reply {
  bool ok = false;
  std::string failure;  ///< why, when not ok (becomes the escalation detail)
  draft_content draft;
};

/// What to search the knowledge base for: a follow-up ("it's a pair of shoes") together with
/// the message before it.
inline std::string retrieval_text(const draft_request& r) {
  return r.earlier_message.empty() ? r.customer_message
                                   : r.earlier_message + "\n" + r.customer_message;
}

using draft_request_ptr = std::shared_ptr<const draft_request>;
using draft_reply_ptr = std::shared_ptr<const draft_reply>;

}  // namespace frontdesk::actors
