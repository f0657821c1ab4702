// Shapes a reply for its channel: full email, short chat, SMS and WhatsApp length limits.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "domain/channel.hpp"

namespace frontdesk::domain {

/// What a reply says, before it is shaped for a channel. Items are ordered by importance.
struct reply_content {
  std::string first_name;          ///< empty: neutral greeting
  std::vector<std::string> facts;  ///< order facts (one sentence each), placed before the body
  std::vector<std::string> body;   ///< grounded sentences, most important first
  std::string closing;             ///< one sentence; dropped first when space is short
  std::string signature;           ///< email only ("Customer Support")
};

/// Per-channel form (PRODUCT.md "Drafting"). Character counts are Unicode code points.
struct reply_form_rules {
  bool full_letter = false;  ///< greeting line, paragraphs, sign-off and signature
  std::size_t max_body_sentences = 3;
  std::size_t target_chars = 0;      ///< 0: no limit; else kept within it where possible
  std::size_t split_past_chars = 0;  ///< 0: never split; else parts of at most this size
};

/// email / web_form: full letter, 3 sentences. web_widget / api / other: short chat, 2
/// sentences. sms: <= 160, 2 sentences. whatsapp: <= 300, 2 sentences, split past 1600.
reply_form_rules reply_form_rules_for(channel c) noexcept;

struct formatted_reply {
  std::string text;                ///< the whole reply
  std::vector<std::string> parts;  ///< messages to send, in order (one unless split)
  bool over_target = false;        ///< the most important item alone exceeded target_chars
  std::size_t dropped_items = 0;   ///< facts or sentences left out to fit the target
};

/// Builds the reply. With a target, items are added greedily in order of importance (facts,
/// then body) while they fit; the greeting and closing are kept only when they fit too. If even
/// the first item does not fit it is kept anyway (a truncated policy sentence could mislead)
/// and over_target is set.
formatted_reply format_reply(channel c, const reply_content& content);

}  // namespace frontdesk::domain
