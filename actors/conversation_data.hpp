#pragma once
// What a conversation knows beyond its state machine: who the customer is, the channel,
// labels and attributes, and the current draft. Plain values, no CAF.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/boxed.hpp"
#include "domain/channel.hpp"
#include "fsm/timer.hpp"

namespace frontdesk::actors {

struct contact_info {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  bool operator==(const contact_info&) const = default;
};

struct conversation_info {
  contact_info contact;
  domain::channel channel = domain::channel::other;
  std::vector<std::string> labels;
  std::map<std::string, std::string> custom_attributes;
  std::string last_customer_text;
  std::string previous_customer_text;  ///< the message before it: context for retrieval
  /// Every customer message since the last triage, one per line: triage reads all of them, so
  /// a legal threat followed at once by another message is not missed. Empty once triaged.
  std::string untriaged_text;
  std::optional<std::int64_t> assignee;
  bool operator==(const conversation_info&) const = default;
};

/// An operator's decision on a draft, filled in as operators act.
struct draft_review {
  std::string action;  ///< approve, edit, escalate, reject (empty: graded only)
  std::string operator_id;
  fsm::optional_time reviewed_at;
  std::string edited_text;
  std::string grades_json;
  std::string notes;
  std::string fingerprint;
  bool operator==(const draft_review&) const = default;
};

/// A draft produced by the drafting pipeline, as the queue shows it.
struct draft_content {
  std::uint64_t request_id = 0;
  std::string text;
  double confidence = 0;
  std::string recommended_action = "approve";
  std::string sources_json = "[]";    ///< [{id,title,version,section,relevance}]
  std::string tags_json = "[]";       ///< ["shipping", ...]
  std::string sentiment_json = "{}";  ///< {score,label,urgency}
  std::vector<std::string> flags;     ///< low_confidence, urgent, knowledge_unavailable
  std::string drafter_version;
  std::string intent;
  /// LLM tokens and cost: {prompt_tokens,completion_tokens,total_tokens,cost_usd,model,attempts};
  /// empty for drafts that cost nothing (the built-in drafter).
  std::string usage_json;
  fsm::time_point created_at{};
  std::uint64_t draft_version = 0;  ///< set when the draft reaches the queue
  std::string status = "pending";   ///< pending, approved, rejected, escalated, superseded
  /// Absent while the draft waits (most live conversations): kept off the actor's footprint.
  domain::boxed<draft_review> review;

  /// The review, or an empty one while there is none.
  const draft_review& review_or_empty() const {
    static const draft_review none;
    return review ? *review : none;
  }
  bool operator==(const draft_content&) const = default;
};

/// A message that arrived (customer or human agent), with what it tells about the conversation.
struct incoming_message {
  std::int64_t message_id = 0;
  std::string content;
  std::string sender;
  contact_info contact;
  std::optional<domain::channel> channel;
  std::optional<std::vector<std::string>> labels;
  std::optional<std::map<std::string, std::string>> custom_attributes;
  std::optional<std::int64_t> assignee;
};

/// What an operator sent with an action.
struct operator_input {
  std::string text;         ///< edit: the new text
  std::string notes;        ///< edit: notes
  std::string reason;       ///< escalate / reject
  std::string grades_json;  ///< {"tone":n,"accuracy":n,"policy":n} or empty
  std::optional<std::int64_t> assignee_id;
};

}  // namespace frontdesk::actors
