// A simulated OpenAI-compatible LLM (/v1/chat/completions, JSON or streamed) and LlamaIndex-style
// knowledge service (/api/llamaindex/query) for load runs, with simulated latency and failures
// charged to the conversation named in the prompt.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bench/harness/conversation_ledger.hpp"
#include "bench/harness/scenario.hpp"
#include "bench/harness/sim_http_server.hpp"

namespace frontdesk::bench {

struct sim_llm_counts {
  std::uint64_t completions = 0;
  std::uint64_t streamed = 0;
  std::uint64_t rag_queries = 0;
  std::uint64_t injected_errors = 0;
  std::uint64_t injected_429 = 0;
  std::uint64_t unattributed = 0;  // prompts without a conversation reference
  std::uint64_t rejected = 0;      // bad key, bad body, unknown path
  sim_server_stats server;
};

class sim_llm {
 public:
  sim_llm(dependency_spec llm, dependency_spec rag, conversation_ledger& ledger, std::uint64_t seed,
          int threads, std::string api_key);
  ~sim_llm();

  expected<void, std::string> start();
  void stop();
  std::string base_url() const;
  sim_llm_counts counts() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
  std::unique_ptr<sim_http_server> server_;
};

}  // namespace frontdesk::bench
