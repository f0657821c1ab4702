#pragma once
// One retrieval protocol over two knowledge sources: the embedded Markdown index (SQLite FTS5 on
// its own thread) and an external LlamaIndex-style service behind a supervised gateway.
//
//   request(knowledge, timeout, retrieve_atom, std::string query, std::int32_t top_k,
//           double min_relevance) -> knowledge_answer_ptr
//
// The answer always arrives (never an error message): `available == false` means the source
// could not be queried (index missing, service down, circuit open, malformed answer), which
// the drafter turns into the `knowledge_unavailable` flag. An available answer may hold no
// passages (nothing relevant enough).
//   (tick_atom)   embedded: re-scan the folder (a linked ticker sends one every refresh_every)
//   (stats_atom) -> knowledge_stats

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/gateway.hpp"
#include "domain/knowledge_passage.hpp"

namespace frontdesk::actors {

using retrieve_atom = caf::atom_constant<caf::atom("retrieve")>;

struct knowledge_answer {
  bool available = false;
  std::vector<domain::knowledge_passage> passages;  ///< most relevant first
  std::string source;                               ///< "embedded" or "rag"
  std::string error;                                ///< why not available
};

using knowledge_answer_ptr = std::shared_ptr<const knowledge_answer>;

struct knowledge_stats {
  std::string source;
  std::uint64_t queries = 0;
  std::uint64_t unavailable = 0;
  std::uint64_t empty = 0;
  std::uint64_t articles = 0;  ///< embedded: articles indexed
};

struct embedded_knowledge_options {
  std::string kb_dir = "kb";
  std::string db_path = ":memory:";  ///< a file keeps the index across restarts
  std::chrono::milliseconds refresh_every{5000};
};

struct rag_knowledge_options {
  std::string base_url;  ///< RAG_SERVICE_URL
  std::string api_key;
  std::chrono::milliseconds attempt_timeout{3000};  ///< one HTTP attempt
  std::chrono::milliseconds deadline{6000};         ///< all attempts of one query
  std::size_t max_response_bytes = 2 * 1024 * 1024;
  std::string extra_ca_pem;  ///< tests: trust this CA
  bool verify_peer = true;
  gateway_options gateway = default_gateway();

  static gateway_options default_gateway();
};

/// The settings' choice: the external service when `rag_url` is set, else the embedded index.
struct knowledge_options {
  std::string kb_dir = "kb";
  std::string rag_url;
  std::string rag_api_key;
  embedded_knowledge_options embedded;  ///< kb_dir above wins over embedded.kb_dir
  rag_knowledge_options rag;            ///< rag_url / rag_api_key above win
};

caf::actor spawn_embedded_knowledge(caf::actor_system& sys, embedded_knowledge_options options);
caf::actor spawn_rag_knowledge(caf::actor_system& sys, rag_knowledge_options options);
caf::actor spawn_knowledge(caf::actor_system& sys, knowledge_options options);

}  // namespace frontdesk::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::knowledge_answer_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(frontdesk::actors::knowledge_stats)
