// The one JSON object the LLM must answer with, its JSON schema, and a strict validator.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/expected.hpp"

namespace frontdesk::io {

enum class draft_urgency : std::uint8_t { low, medium, high };
enum class draft_action : std::uint8_t { approve, edit, escalate, reject };

std::string_view to_string(draft_urgency u) noexcept;
std::string_view to_string(draft_action a) noexcept;

struct draft_answer {
  std::string draft;
  double confidence = 0.0;  // 0..1
  std::vector<std::string> tags;
  std::string sentiment;
  draft_urgency urgency = draft_urgency::low;
  draft_action recommended_action = draft_action::escalate;
  std::vector<std::string> sources;  // ids of the knowledge articles used
};

/// Size limits that keep a hostile or runaway answer bounded.
inline constexpr std::size_t max_draft_bytes = 100 * 1024;
inline constexpr std::size_t max_list_entries = 64;
inline constexpr std::size_t max_short_string_bytes = 256;

/// Accepts exactly {"draft", "confidence", "tags", "sentiment", "urgency",
/// "recommended_action", "sources"}: every key present once, no other key, right types,
/// confidence a finite number in [0, 1], enums spelled exactly. Error text says what is wrong.
frontdesk::expected<draft_answer, std::string> validate_draft_answer(std::string_view json);

/// The `response_format` value sent to the model (type json_schema, strict).
std::string draft_response_format_json();

/// Serialises an answer back to the canonical object (used by test servers and logs).
std::string to_json(const draft_answer& a);

}  // namespace frontdesk::io
