// A local knowledge service speaking io/rag_client's wire format (POST /api/llamaindex/query).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_http_server.hpp"

namespace frontdesk::test_support {

struct rag_document {
  std::string id;
  std::string title;
  int version = 1;
  std::string section;
  std::string text;
};

/// Which of the two accepted answer shapes the server writes.
enum class rag_shape { results, source_nodes };

struct rag_server_options {
  std::string api_key;  ///< empty: no Authorization check
  rag_shape shape = rag_shape::results;
};

class rag_server {
 public:
  explicit rag_server(rag_server_options options = {});
  ~rag_server();
  rag_server(const rag_server&) = delete;
  rag_server& operator=(const rag_server&) = delete;

  void start();
  void stop();
  std::uint16_t port() const;
  std::string base_url() const;

  /// Documents searched by word overlap: score = share of the query's words (3+ letters)
  /// found in the document's title, section and text. min_relevance and top_k are honoured.
  void set_documents(std::vector<rag_document> docs);
  void set_shape(rag_shape shape);
  /// Answers every query with this 200 body instead (hostile and malformed answers).
  void set_raw_body(std::string body);
  void clear_raw_body();

  void inject(fault f);
  std::vector<recorded_request> requests() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
  std::unique_ptr<test_http_server> server_;
};

}  // namespace frontdesk::test_support
