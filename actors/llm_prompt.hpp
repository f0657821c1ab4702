#pragma once
// Builds the chat messages that ask an LLM for one support draft: policy, passages, customer.

#include <cstddef>
#include <string>
#include <vector>

#include "actors/draft_protocol.hpp"
#include "domain/knowledge_passage.hpp"
#include "io/openai_chat.hpp"

namespace frontdesk::actors {

struct llm_prompt_options {
  std::string company = "our store";
  std::string signature = "Customer Support";
  std::size_t max_message_chars = 4000;  ///< per customer message (code points)
  std::size_t max_passage_chars = 1500;  ///< per passage text
  std::size_t max_passages = 8;
  std::size_t max_attributes = 20;
  std::size_t max_attribute_chars = 200;
};

/// Channel rule told to the model ("SMS: at most 160 characters, ...").
std::string channel_instruction(domain::channel c, const std::string& signature);

/// Two messages. The system message holds the rules (grounding, citing only listed ids,
/// channel form, addressing the customer, the JSON answer object) and the passages as a JSON
/// array [{id,title,version,section,relevance,text}] (or a statement that knowledge is
/// unavailable / nothing matched). The user message holds the conversation as one JSON object
/// (customer name, channel, intent, sentiment, priority, labels, custom attributes, the earlier
/// and the latest customer message). Everything that came from outside is UTF-8 sanitised,
/// bounded, and JSON-escaped, so it cannot break out of its field.
std::vector<io::chat_message> build_draft_messages(
    const draft_request& request, bool knowledge_available,
    const std::vector<domain::knowledge_passage>& passages, const llm_prompt_options& options);

}  // namespace frontdesk::actors
