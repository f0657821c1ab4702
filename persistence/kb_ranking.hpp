// The knowledge index's in-memory ranking: FTS5's own tokens, read into a domain::bm25_index,
// and FTS5's own tokenizer for questions, so ranking in memory gives what bm25() gives.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/bm25_index.hpp"
#include "domain/expected.hpp"
#include "persistence/kb_index.hpp"

struct sqlite3;

namespace frontdesk::persistence {

/// kb_chunks' tokenizer ('porter unicode61'), as FTS5 applies it to a quoted phrase of a query.
class kb_query_tokenizer {
 public:
  static expected<kb_query_tokenizer, kb_index_error> open(sqlite3* db);

  kb_query_tokenizer(kb_query_tokenizer&&) noexcept;
  kb_query_tokenizer& operator=(kb_query_tokenizer&&) noexcept;
  ~kb_query_tokenizer();

  /// The tokens FTS5 makes of `phrase` (none for punctuation alone).
  expected<std::vector<std::string>, kb_index_error> tokens(std::string_view phrase) const;

 private:
  struct impl;
  explicit kb_query_tokenizer(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

/// Column weights of the ranking, as bm25() is called with them (unindexed columns hold no
/// tokens): title 2, section 2, body 1.
double kb_column_weight(std::string_view column) noexcept;

/// Every token of kb_chunks (from fts5vocab), weighted by column. nullopt when the index holds
/// more than `max_occurrences` tokens: it then stays ranked in SQLite.
expected<std::optional<domain::bm25_index>, kb_index_error> load_kb_ranking(
    sqlite3* db, std::size_t max_occurrences);

}  // namespace frontdesk::persistence
