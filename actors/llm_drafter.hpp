#pragma once
// The LLM drafting pipeline: retrieve knowledge, prompt an OpenAI-compatible model through a
// supervised gateway, validate its answer, and hand the conversation a reviewed-ready draft.
//
// Speaks the drafter protocol (actors/draft_protocol.hpp):
//   (draft_atom, draft_request_ptr) -> draft_reply_ptr
//   (cancel_atom, conversation_id, request_id)  a superseded request: answered "cancelled" at
//                                               once; its LLM call is dropped if still queued
//   (tick_atom)                                 ignored (the knowledge source has its own)
//   (stats_atom) -> llm_drafter_stats           running totals, tokens and cost
//
// Failures (PRODUCT.md): knowledge unavailable -> a draft anyway, flagged
// `knowledge_unavailable`, lower confidence. The LLM failing past its retry budget, circuit
// open, overloaded, past the deadline, or answering invalid output twice -> ok=false with a
// failure text starting "ai_unavailable:" (the conversation escalates with ai_unavailable).

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "actors/gateway.hpp"
#include "actors/knowledge_actor.hpp"
#include "actors/llm_prompt.hpp"
#include "io/openai_chat.hpp"

namespace frontdesk::actors {

struct llm_drafter_options {
  // The model.
  std::string base_url;  ///< {base_url}/v1/chat/completions
  std::string api_key;
  std::string model = "gpt-4o-mini";
  std::chrono::milliseconds timeout{60000};    ///< one HTTP attempt
  std::chrono::milliseconds deadline{120000};  ///< all attempts of one draft
  double temperature = 0.2;
  int max_tokens = 1024;
  bool stream = false;
  io::token_prices prices;
  /// Attempts that may end in an invalid / truncated / refused answer before giving up
  /// (each one is retried like a server error, within the gateway's budget).
  std::uint32_t max_invalid_answers = 2;
  gateway_options gateway = default_gateway();

  // Knowledge.
  caf::actor knowledge;  ///< an existing knowledge actor; when null one is spawned:
  knowledge_options kb;  ///< embedded index over kb.kb_dir, or kb.rag_url
  int top_k = 5;
  double min_relevance = 0.7;
  std::chrono::milliseconds knowledge_timeout{8000};

  // Prompt and transport.
  llm_prompt_options prompt;
  std::size_t max_connections = 2048;  ///< HTTP connections to the model's host
  std::string extra_ca_pem;            ///< tests: trust this CA
  bool verify_peer = true;

  static gateway_options default_gateway();
};

struct llm_drafter_stats {
  std::uint64_t requests = 0;
  std::uint64_t drafted = 0;
  std::uint64_t failed = 0;
  std::uint64_t cancelled = 0;
  std::uint64_t cancelled_before_call = 0;  ///< dropped while still queued: cost nothing
  std::uint64_t knowledge_unavailable = 0;
  std::uint64_t invented_sources = 0;
  std::uint64_t invalid_answers = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  double cost_usd = 0;
  std::uint64_t in_progress = 0;
};

caf::actor spawn_llm_drafter(caf::actor_system& sys, llm_drafter_options options);

}  // namespace frontdesk::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::llm_drafter_stats)
