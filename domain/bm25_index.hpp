// Okapi BM25 over an in-memory inverted index, computed the way SQLite FTS5's bm25() does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace frontdesk::domain {

/// Rows of tokens (already tokenized and stemmed), each occurrence weighted by its column.
///
/// search() gives the scores FTS5's bm25() gives for an OR of single-token phrases, to the bit:
///   score(row) = sum over phrases i of idf_i * f_i * (k1 + 1) / (f_i + k1 * (1 - b + b * D /
///   avgdl))
/// with k1 1.2, b 0.75, f_i the weighted occurrences of phrase i in the row, D the row's tokens
/// (all columns, unweighted), avgdl the mean of D over all rows, and
/// idf_i = log((N - n_i + 0.5) / (n_i + 0.5)) (1e-6 when not positive) for N rows, n_i of them
/// holding the token. A token repeated in the query counts once per phrase, as in FTS5.
///
/// Not safe for concurrent use: search() reuses scratch space.
class bm25_index {
 public:
  /// One occurrence of `token` in `row`, in a column of weight `weight`.
  void add(std::string_view token, std::int64_t row, double weight);
  /// Counts a row even if it holds no token.
  void add_row(std::int64_t row);

  std::size_t rows() const noexcept { return row_ids_.size(); }
  std::size_t occurrences() const noexcept { return occurrences_; }
  /// Rows holding `token`.
  std::size_t rows_with(std::string_view token) const;

  struct match {
    std::int64_t row = 0;
    double score = 0;           ///< > 0; higher is better
    std::uint64_t phrases = 0;  ///< bit i set: the row holds phrase i (phrases past 64 unmarked)
  };
  /// Rows holding any of `phrases`, best first (equal scores by row), at most `limit`.
  std::vector<match> search(std::span<const std::string> phrases, std::size_t limit) const;

 private:
  struct posting {
    std::uint32_t row = 0;  ///< index into row_ids_
    double frequency = 0;   ///< weighted occurrences
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::uint32_t row_index(std::int64_t row);
  const std::vector<posting>* postings_of(std::string_view token) const;

  std::unordered_map<std::string, std::vector<posting>, string_hash, std::equal_to<>> postings_;
  std::unordered_map<std::int64_t, std::uint32_t> row_index_;
  std::vector<std::int64_t> row_ids_;
  std::vector<std::uint32_t> row_tokens_;
  std::size_t occurrences_ = 0;
  // search() scratch, sized to rows() and left zeroed
  mutable std::vector<double> score_;
  mutable std::vector<std::uint64_t> held_;
  mutable std::vector<std::uint8_t> seen_;
};

}  // namespace frontdesk::domain
