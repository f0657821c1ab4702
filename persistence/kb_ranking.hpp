// The knowledge index's in-memory ranking: FTS5's own tokens, read into a domain::bm25_index,
// and FTS5's own tokenizer for questions, so ranking in memory gives what bm25() gives.
#pragma once

#include <array>
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

/// kb_chunks' columns in order, with their ranking weights (unindexed columns hold no tokens).
/// Both rankings take their weights from here.
struct kb_column {
  std::string_view name;
  double weight = 0;
};
inline constexpr std::array<kb_column, 6> kb_columns{{{"source", 0.0},
                                                      {"article_id", 0.0},
                                                      {"version", 0.0},
                                                      {"title", 2.0},
                                                      {"section", 2.0},
                                                      {"body", 1.0}}};

/// The weight of a column of kb_chunks by name (0 for an unknown one).
double kb_column_weight(std::string_view column) noexcept;

/// "bm25(kb_chunks, w1, ..., w6)" with kb_columns' weights, for the ranking in SQLite.
const std::string& kb_bm25_call();

/// An error of a SQLite call on the index: `what` and SQLite's message.
kb_index_error kb_sqlite_error(sqlite3* db, std::string_view what);

/// Every token of kb_chunks (from fts5vocab), weighted by column. nullopt when the index holds
/// more than `max_occurrences` tokens: it then stays ranked in SQLite.
expected<std::optional<domain::bm25_index>, kb_index_error> load_kb_ranking(
    sqlite3* db, std::size_t max_occurrences);

}  // namespace frontdesk::persistence
