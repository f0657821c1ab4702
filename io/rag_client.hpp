// Client for an external LlamaIndex-style knowledge service: POST {base}/api/llamaindex/query.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/backoff_retry_policy.hpp"
#include "domain/expected.hpp"
#include "domain/knowledge_passage.hpp"
#include "io/http_client.hpp"

namespace frontdesk::io {

// Wire format.
//
// Request:  POST {base_url}/api/llamaindex/query, Content-Type application/json,
//           {"query": string, "top_k": integer, "min_relevance": number}
//           (plus "Authorization: Bearer <key>" when an API key is configured).
//
// Response (200, a JSON object), one of two shapes:
//   1. {"results": [{"id": string, "title"?: string, "version"?: integer >= 1,
//                    "section"?: string, "text": string, "score": number}]}
//   2. LlamaIndex's own: {"response"?: ..., "source_nodes": [{"node": {"text": string,
//        "id_"?: string, "metadata"?: {"article_id"|"id"|"doc_id"|"file_name"?: string,
//        "title"?: string, "version"?: integer | digit string, "section"?: string}},
//        "score": number | null}]}
//      The article id is the first of metadata.article_id, metadata.id, metadata.doc_id,
//      the stem of metadata.file_name ("shipping.md" -> "shipping"), node.ref_doc_id, node.id_.
// Other top-level keys are ignored; if both arrays are present, "results" is used.
//
// Validation is strict: the body must be valid UTF-8 JSON within `max_response_bytes`, every
// entry an object with the right types, an id of 1..max_rag_id_bytes bytes, text within
// max_rag_text_bytes, at most max_rag_entries entries. Any violation rejects the whole answer
// (a partly wrong answer is not trusted). Scores are clamped to 0..1 (null counts as 0); entries
// below the query's min_relevance are dropped; the rest are sorted by score (stable) and cut
// to top_k.

inline constexpr std::size_t max_rag_entries = 200;
inline constexpr std::size_t max_rag_id_bytes = 256;
inline constexpr std::size_t max_rag_title_bytes = 512;
inline constexpr std::size_t max_rag_text_bytes = 64 * 1024;

struct rag_query {
  std::string query;
  int top_k = 5;
  double min_relevance = 0.7;
};

struct rag_client_options {
  std::string base_url;  ///< e.g. "http://rag:8000"
  std::string api_key;   ///< empty: no Authorization header
  std::chrono::milliseconds timeout{5000};
  std::size_t max_response_bytes = 2 * 1024 * 1024;
};

enum class rag_error_kind : std::uint8_t {
  transport,     ///< no HTTP response
  rate_limited,  ///< 429
  server_error,  ///< 5xx
  client_error,  ///< other 4xx (bad query, unauthorized, not found)
  bad_response,  ///< not the wire format above
};

std::string_view to_string(rag_error_kind k) noexcept;

struct rag_error {
  rag_error_kind kind = rag_error_kind::transport;
  int status = 0;
  std::string message;
  std::optional<std::chrono::seconds> retry_after;
  std::optional<client_error_kind> transport;
  /// For domain::decide_retry: a bad response counts as a 502 (another try may do better).
  domain::call_outcome outcome() const;
};

using rag_passages = std::vector<domain::knowledge_passage>;
using rag_result = frontdesk::expected<rag_passages, rag_error>;

client_request build_rag_request(const rag_client_options& options, const rag_query& query);

/// Validates and converts a 200 body (either shape). Error text says what is wrong.
frontdesk::expected<rag_passages, std::string> parse_rag_body(
    std::string_view body, const rag_query& query, std::size_t max_bytes = 2 * 1024 * 1024);

/// Maps a complete HTTP response: status errors (with Retry-After on 429/503) or the body.
rag_result parse_rag_response(const http_result& res, const rag_query& query,
                              std::size_t max_bytes = 2 * 1024 * 1024);

/// One attempt per call; the callback runs on the http_client's thread, which must outlive this.
class rag_client {
 public:
  using callback = std::function<void(rag_result)>;
  rag_client(http_client& http, rag_client_options options);
  void query(const rag_query& q, callback cb);
  const rag_client_options& options() const noexcept { return options_; }

 private:
  http_client& http_;
  rag_client_options options_;
};

}  // namespace frontdesk::io
