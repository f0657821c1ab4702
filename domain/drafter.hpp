// The built-in offline drafter: a grounded reply composed from retrieved knowledge, no LLM needed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/channel.hpp"
#include "domain/knowledge_passage.hpp"

namespace frontdesk::domain {

/// What the drafter recommends the operator do with the draft.
enum class draft_recommendation { approve, edit, escalate, reject };

/// "approve", "edit", "escalate", "reject".
std::string_view to_string(draft_recommendation r) noexcept;

struct draft_request {
  std::string customer_message;
  channel via = channel::email;
  std::string contact_name;                       ///< "Anna Smith"; may be empty
  std::map<std::string, std::string> attributes;  ///< Chatwoot custom attributes (order_number…)
  std::optional<std::string> intent;              ///< e.g. "order_status", from triage
  std::vector<knowledge_passage> passages;        ///< retrieved, any order
  bool knowledge_unavailable = false;             ///< the knowledge base could not be queried
};

struct drafter_options {
  std::string signature = "Customer Support";
  double approve_at = 0.85;  ///< retrieval_confidence at or above: approve
  double edit_at = 0.70;     ///< at or above (and below approve_at): edit; below: escalate
};

struct cited_source {
  std::string article_id;
  std::string title;
  int version = 1;
  double relevance = 0.0;
};

struct offline_draft {
  std::string reply;               ///< full text
  std::vector<std::string> parts;  ///< messages to send (WhatsApp splits past 1600 chars)
  double retrieval_confidence = 0.0;
  std::vector<cited_source> sources;  ///< articles whose sentences the reply uses, best first
  std::vector<std::string> tags;
  draft_recommendation action = draft_recommendation::escalate;
  /// "low_confidence", "knowledge_unavailable", "no_relevant_knowledge", "over_channel_limit",
  /// "split_into_parts".
  std::vector<std::string> flags;
};

/// retrieval_confidence = 0.75 * top + 0.25 * agreement, where top is the best passage
/// relevance and agreement is the share of the top three passages' relevance that belongs to
/// the best passage's article (1 when retrieval points at one article, lower when it is split
/// between articles). 0 without passages; halved when knowledge is flagged unavailable.
double retrieval_confidence(const std::vector<knowledge_passage>& passages,
                            bool knowledge_unavailable = false) noexcept;

/// Composes the reply: a greeting with the contact's first name, order facts from the custom
/// attributes when the message is about an order, the 1-3 sentences of the best passages that
/// share the most words with the question, and a closing, shaped by domain/reply_form. Without
/// passages it writes a short holding reply that states no policy facts.
offline_draft draft_offline_reply(const draft_request& request,
                                  const drafter_options& options = {});

/// First name from a display name ("Anna Smith" -> "Anna"); empty for e-mail addresses,
/// phone numbers and anything unusable.
std::string first_name_of(std::string_view contact_name);

}  // namespace frontdesk::domain
