// Reads the outbox payloads bound for Chatwoot and renders the private notes operators see.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/expected.hpp"

namespace frontdesk::actors {

/// public_reply: {"content", "after_id"?, "action"?}.
struct reply_payload {
  std::string content;
  std::int64_t after_id = 0;  ///< the customer message it answers (0: unknown)
  std::string action;         ///< "approve" / "edit" (empty: unknown)
};

/// handoff: {"reason", "low_confidence", "draft"?, "draft_version"?, "assignee_id"?,
/// "category"?, "note"?, "sentiment"?, "sources"?: [title, ...]}.
struct handoff_payload {
  std::string reason;
  bool low_confidence = false;
  std::optional<std::string> draft;
  std::int64_t draft_version = 0;
  std::optional<std::int64_t> assignee_id;
  std::string category;              ///< escalation category ("billing", ...), empty when unknown
  std::string note;                  ///< the operator's reason, in their words
  std::string sentiment;             ///< the customer's tone ("negative", ...)
  std::vector<std::string> sources;  ///< titles of the articles the draft used
};

/// Every parser refuses malformed JSON, wrong types and oversized input (over 1 MiB) with a
/// short reason.
expected<reply_payload, std::string> parse_reply_payload(std::string_view json);
expected<handoff_payload, std::string> parse_handoff_payload(std::string_view json);
/// priority: {"priority": "P0".."P3"} -> the level text.
expected<std::string, std::string> parse_priority_payload(std::string_view json);

/// private_note: the draft note (domain::format_private_note) from the payload written by
/// change_builder. A payload holding only "draft_version" (written before drafts were carried)
/// yields a short pointer to the review queue.
expected<std::string, std::string> render_draft_note(std::string_view json,
                                                     double low_confidence_below = 0.70);

/// The note that tells the human who takes over why, and shows the unsent draft if any.
std::string render_handoff_note(const handoff_payload& h, std::optional<std::int64_t> agent,
                                std::optional<std::int64_t> team);

/// Human words for an escalation reason ("low_confidence", "keyword:lawyer", ...).
std::string describe_handoff_reason(std::string_view reason);

}  // namespace frontdesk::actors
