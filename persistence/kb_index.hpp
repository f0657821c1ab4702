// Full-text search over the Markdown knowledge base (SQLite FTS5 + BM25), reloaded when files
// change.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/expected.hpp"
#include "domain/kb_article.hpp"
#include "domain/knowledge_passage.hpp"

namespace frontdesk::persistence {

struct kb_index_error {
  std::string message;
};

/// A file that could not be indexed (unreadable, too large, malformed, duplicate id).
struct kb_file_problem {
  std::string path;  ///< relative to the knowledge folder
  std::string message;
};

struct kb_refresh_report {
  std::size_t added = 0;
  std::size_t changed = 0;
  std::size_t removed = 0;
  std::size_t unchanged = 0;
  std::vector<kb_file_problem> problems;
  bool any_change() const noexcept { return added + changed + removed > 0; }
};

struct kb_index_options {
  /// Ranks in memory while the index holds at most this many tokens; past it, or at 0, FTS5's
  /// bm25() ranks in SQLite. Both give the same scores. Memory: 16 bytes per distinct token of
  /// a chunk plus the vocabulary (the sample knowledge base: 5,584 tokens, 0.4 MB).
  std::size_t memory_ranking_limit = 2'000'000;
};

/// A search index of knowledge-base chunks (see domain::chunk_article).
///
/// Relevance. Candidates are ranked by BM25 (column weights: title 2, section 2, body 1) over an
/// OR of the query terms (domain::extract_terms: stopwords removed; FTS5 applies porter
/// stemming), either in memory (domain::bm25_index over FTS5's own tokens, the same scores) or
/// by FTS5's bm25() in SQLite. bm25 has no absolute scale, so each candidate's relevance in 0..1 is
///   relevance     = sqrt(rank) * (0.7 * term_coverage + 0.3 * idf_coverage)
///   rank          = bm25_score / best_bm25_score              (1 for the best candidate)
///   term_coverage = min(1, matched_terms / min(query_terms, 3))
///   idf_coverage  = min(1, matched_idf / min(total_idf, max_idf))
/// where matched_* count / sum the IDF of the query terms the chunk contains, total_idf sums the
/// IDF of all query terms (a term found nowhere in the knowledge base gets the maximum IDF,
/// max_idf). Coverage is absolute evidence: a chunk that shares one incidental word with a
/// question ("weather" in "delays because of weather") scores about 0.5 even when it is the best
/// match, so an unrelated question falls below the default min_relevance 0.7 and returns
/// nothing, while a chunk matching three of the question's words, or all of a short question's,
/// is fully covered. The constants were tuned on tests/kb/data/retrieval_labelled.tsv and a set
/// of unrelated questions (tests/kb/kb_retrieval_quality_test.cpp).
///
/// Query text is never passed to FTS5 as syntax: terms are extracted from sanitised UTF-8 and
/// each one is sent as a quoted phrase, so quotes, `*`, NEAR, AND/OR/NOT, parentheses, column
/// filters and invalid UTF-8 are plain words or separators.
///
/// Thread-safety: an index object is not safe for concurrent use. Use one object per thread
/// (several objects may open the same database file; SQLite serialises writers) or guard it.
class kb_index {
 public:
  /// Opens (creating if needed) an index database; ":memory:" for a private in-memory one.
  /// A file database remembers its knowledge folder and file states across restarts.
  static expected<kb_index, kb_index_error> open(const std::string& db_path = ":memory:",
                                                 kb_index_options options = {});

  kb_index(kb_index&&) noexcept;
  kb_index& operator=(kb_index&&) noexcept;
  kb_index(const kb_index&) = delete;
  kb_index& operator=(const kb_index&) = delete;
  ~kb_index();

  /// Indexes every `*.md` file under `folder` (recursively, hidden entries skipped) and
  /// remembers the folder for refresh(). Files indexed from a previous folder are dropped.
  expected<kb_refresh_report, kb_index_error> index_folder(const std::filesystem::path& folder);

  /// Re-scans the folder: files with a new modification time or size are re-indexed, new files
  /// are added, deleted files are removed. A file that fails to parse is removed from the index
  /// (stale policy text is worse than none) and reported until it changes again. When the folder
  /// itself is missing the index is left as it is and an error is returned. Without a folder
  /// this does nothing. Call it periodically.
  expected<kb_refresh_report, kb_index_error> refresh();

  /// Indexes articles held in memory (not tied to a file); replaces same-id in-memory articles.
  expected<void, kb_index_error> index_articles(const std::vector<domain::kb_article>& articles);

  /// Best chunks for `text`, most relevant first, at most `top_k`, each with relevance >=
  /// `min_relevance`. Any text is accepted (empty or no usable terms gives an empty result).
  expected<std::vector<domain::knowledge_passage>, kb_index_error> query(
      std::string_view text, std::size_t top_k = 5, double min_relevance = 0.7);

  /// Whether the last query() was ranked in memory (see kb_index_options).
  bool last_ranked_in_memory() const noexcept;

  std::size_t article_count() const;
  std::size_t chunk_count() const;

 private:
  struct impl;
  explicit kb_index(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace frontdesk::persistence
