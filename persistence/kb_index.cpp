#include "persistence/kb_index.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "domain/kb_article_text.hpp"
#include "persistence/kb_ranking.hpp"
#include "persistence/sqlite_library.hpp"

namespace frontdesk::persistence {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view memory_prefix = "memory:";
/// A chunk containing this many of the question's terms has full term coverage.
constexpr std::size_t full_coverage_terms = 3;

/// RAII prepared statement.
class statement {
 public:
  statement(sqlite3* db, std::string_view sql) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK)
      stmt_ = nullptr;
  }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement() { sqlite3_finalize(stmt_); }

  bool ok() const noexcept { return stmt_ != nullptr; }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

struct disk_file {
  std::int64_t mtime_ns = 0;
  std::int64_t size = 0;
  fs::path full_path;
};

struct known_source {
  std::int64_t mtime_ns = 0;
  std::int64_t size = 0;
  bool failed = false;
};

bool is_hidden(const fs::path& rel) {
  for (const auto& part : rel) {
    const auto s = part.string();
    if (!s.empty() && s.front() == '.' && s != "." && s != "..") return true;
  }
  return false;
}

bool has_md_extension(const fs::path& p) {
  auto ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".md" || ext == ".markdown";
}

/// A chunk ranked for a question: bm25 score (higher is better) and how much of the question it
/// covers; relevance is computed from both once every candidate is known.
struct ranked_chunk {
  std::int64_t rowid = 0;
  double score = 0;
  double coverage = 0;
  double relevance = 0;
};

/// A question term's IDF for coverage (never negative; max_idf for a term found nowhere).
double term_idf(std::size_t chunks, std::size_t rows_with_term) {
  const auto n = static_cast<double>(chunks);
  const auto df = static_cast<double>(rows_with_term);
  return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

/// Coverage of a question by a chunk, from the IDF of the question's terms it contains.
class coverage_scale {
 public:
  /// `idf`: one per question term, in the question's order.
  coverage_scale(std::vector<double> idf, std::size_t chunks) : idf_(std::move(idf)) {
    const auto n = static_cast<double>(chunks);
    const double max_idf = std::log(1.0 + (n + 0.5) / 0.5);
    double total_idf = 0;
    for (double v : idf_) total_idf += v;
    idf_needed_ = std::min(total_idf, max_idf);
    terms_needed_ = static_cast<double>(std::min<std::size_t>(idf_.size(), full_coverage_terms));
  }
  /// `holds(i)`: whether the chunk contains the question's term i.
  template <class Holds>
  double coverage(Holds&& holds) const {
    double matched_idf = 0;
    double matched_terms = 0;
    for (std::size_t i = 0; i < idf_.size(); ++i) {
      if (!holds(i)) continue;
      matched_idf += idf_[i];
      matched_terms += 1;
    }
    const double idf_coverage = idf_needed_ > 0 ? std::min(1.0, matched_idf / idf_needed_) : 0.0;
    const double term_coverage = std::min(1.0, matched_terms / terms_needed_);
    return 0.7 * term_coverage + 0.3 * idf_coverage;
  }

 private:
  std::vector<double> idf_;
  double idf_needed_ = 0;
  double terms_needed_ = 1;
};

std::string quote_phrase(std::string_view term) {
  std::string out = "\"";
  for (char c : term) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  out.push_back('"');
  return out;
}

}  // namespace

struct kb_index::impl {
  sqlite3* db = nullptr;
  fs::path folder;
  // Statements every query runs, prepared once (re-prepared if that failed).
  std::unique_ptr<statement> term_lookup;
  std::unique_ptr<statement> search;
  std::unique_ptr<statement> passage;
  std::unique_ptr<statement> data_version;
  // The chunk count, kept while nothing was written: by this connection (its total changes)
  // or by another (PRAGMA data_version). count(*) on an FTS5 table reads every row.
  std::int64_t counted_changes = -1;
  std::int64_t counted_version = -1;
  std::size_t chunks = 0;
  // The in-memory ranking, rebuilt when the count is (nothing when the index is too large).
  kb_index_options options;
  std::optional<kb_query_tokenizer> tokenizer;
  std::optional<domain::bm25_index> ranking;
  bool ranking_current = false;
  bool last_in_memory = false;

  ~impl() {
    ranking.reset();
    tokenizer.reset();
    term_lookup.reset();
    search.reset();
    passage.reset();
    data_version.reset();
    sqlite3_close(db);
  }

  statement& prepared(std::unique_ptr<statement>& slot, std::string_view sql) {
    if (!slot || !slot->ok()) slot = std::make_unique<statement>(db, sql);
    return *slot;
  }

  std::size_t chunk_total() {
    statement& dv = prepared(data_version, "PRAGMA data_version");
    std::int64_t version = -1;
    if (dv.ok()) {
      dv.reset();
      if (dv.step() == SQLITE_ROW) version = dv.integer(0);
      dv.reset();
    }
    const std::int64_t changes = sqlite3_total_changes64(db);
    if (version < 0 || version != counted_version || changes != counted_changes) {
      chunks = count("SELECT count(*) FROM kb_chunks");
      counted_version = version;
      counted_changes = changes;
      ranking_current = false;
    }
    return chunks;
  }

  /// The in-memory ranking of what chunk_total() last counted; null when the index is ranked
  /// in SQLite (too large, or the ranking could not be read).
  const domain::bm25_index* memory_ranking() {
    if (options.memory_ranking_limit == 0) return nullptr;
    if (!ranking_current) {
      ranking_current = true;
      ranking.reset();
      if (!tokenizer) {
        auto t = kb_query_tokenizer::open(db);
        if (!t) return nullptr;  // ranked in SQLite, which tokenizes for itself
        tokenizer = std::move(*t);
      }
      auto loaded = load_kb_ranking(db, options.memory_ranking_limit);
      if (!loaded) return nullptr;  // ranked in SQLite until the next change
      ranking = std::move(*loaded);
    }
    return ranking ? &*ranking : nullptr;
  }

  /// After this object changed the index: the ranking is rebuilt now, not by the next
  /// question (about 0.3 µs per token; a change by another connection is still seen there).
  void rank_what_changed() {
    (void)chunk_total();
    (void)memory_ranking();
  }

  expected<void, kb_index_error> exec(std::string_view sql) {
    char* err = nullptr;
    const std::string s(sql);
    if (sqlite3_exec(db, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return unexpected{kb_index_error{"sqlite: " + msg}};
    }
    return {};
  }

  expected<void, kb_index_error> create_schema() {
    return exec(
        "PRAGMA journal_mode=WAL;"
        "CREATE TABLE IF NOT EXISTS kb_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS kb_sources("
        "  source TEXT PRIMARY KEY, article_id TEXT, mtime_ns INTEGER NOT NULL DEFAULT 0,"
        "  size INTEGER NOT NULL DEFAULT 0, error TEXT);"
        "CREATE VIRTUAL TABLE IF NOT EXISTS kb_chunks USING fts5("
        "  source UNINDEXED, article_id UNINDEXED, version UNINDEXED, title, section, body,"
        "  tokenize='porter unicode61');");
  }

  expected<void, kb_index_error> remove_source(std::string_view source) {
    statement del_chunks(db, "DELETE FROM kb_chunks WHERE source = ?1");
    statement del_source(db, "DELETE FROM kb_sources WHERE source = ?1");
    if (!del_chunks.ok() || !del_source.ok())
      return unexpected{kb_sqlite_error(db, "prepare delete")};
    del_chunks.bind(1, source);
    del_source.bind(1, source);
    if (del_chunks.step() != SQLITE_DONE || del_source.step() != SQLITE_DONE)
      return unexpected{kb_sqlite_error(db, "delete source")};
    return {};
  }

  /// The source currently holding `article_id`, or "" when none.
  std::string owner_of(std::string_view article_id) {
    statement q(db, "SELECT source FROM kb_sources WHERE article_id = ?1 AND error IS NULL");
    if (!q.ok()) return {};
    q.bind(1, article_id);
    return q.step() == SQLITE_ROW ? q.text(0) : std::string();
  }

  expected<void, kb_index_error> record_source(std::string_view source,
                                               const std::string* article_id, std::int64_t mtime_ns,
                                               std::int64_t size, const std::string* error) {
    statement up(db,
                 "INSERT INTO kb_sources(source, article_id, mtime_ns, size, error) "
                 "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(source) DO UPDATE SET "
                 "article_id = excluded.article_id, mtime_ns = excluded.mtime_ns, "
                 "size = excluded.size, error = excluded.error");
    if (!up.ok()) return unexpected{kb_sqlite_error(db, "prepare source upsert")};
    up.bind(1, source);
    if (article_id)
      up.bind(2, *article_id);
    else
      up.bind_null(2);
    up.bind(3, mtime_ns);
    up.bind(4, size);
    if (error)
      up.bind(5, *error);
    else
      up.bind_null(5);
    if (up.step() != SQLITE_DONE) return unexpected{kb_sqlite_error(db, "upsert source")};
    return {};
  }

  expected<void, kb_index_error> insert_article(std::string_view source,
                                                const domain::kb_article& article) {
    statement ins(db,
                  "INSERT INTO kb_chunks(source, article_id, version, title, section, body) "
                  "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (!ins.ok()) return unexpected{kb_sqlite_error(db, "prepare chunk insert")};
    for (const auto& chunk : domain::chunk_article(article)) {
      ins.reset();
      ins.bind(1, source);
      ins.bind(2, article.id);
      ins.bind(3, static_cast<std::int64_t>(article.version));
      ins.bind(4, article.title);
      ins.bind(5, chunk.section);
      ins.bind(6, chunk.text);
      if (ins.step() != SQLITE_DONE) return unexpected{kb_sqlite_error(db, "insert chunk")};
    }
    return {};
  }

  /// Re-indexes one file. Problems are appended to `report`; only database failures are errors.
  expected<void, kb_index_error> index_file(const std::string& rel, const disk_file& file,
                                            kb_refresh_report& report) {
    if (auto r = remove_source(rel); !r) return r;
    std::string problem;
    std::string content;
    if (file.size > static_cast<std::int64_t>(domain::kb_article_max_bytes)) {
      problem = "file larger than 4 MiB";
    } else {
      std::ifstream in(file.full_path, std::ios::binary);
      if (!in) {
        problem = "cannot read file";
      } else {
        content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
    }
    if (problem.empty()) {
      auto parsed = domain::parse_kb_article(content, fs::path(rel).stem().string());
      if (!parsed) {
        problem = parsed.error().message;
        if (parsed.error().line > 0)
          problem += " (line " + std::to_string(parsed.error().line) + ")";
      } else if (const auto owner = owner_of(parsed->id); !owner.empty()) {
        problem = "duplicate article id '" + parsed->id + "' (already indexed from " + owner + ")";
      } else {
        if (auto r = insert_article(rel, *parsed); !r) return r;
        return record_source(rel, &parsed->id, file.mtime_ns, file.size, nullptr);
      }
    }
    report.problems.push_back(kb_file_problem{rel, problem});
    return record_source(rel, nullptr, file.mtime_ns, file.size, &problem);
  }

  expected<kb_refresh_report, kb_index_error> refresh() {
    kb_refresh_report report;
    if (folder.empty()) return report;
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
      return unexpected{kb_index_error{"knowledge folder not found: " + folder.string()}};

    std::map<std::string, disk_file> on_disk;
    fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
    if (ec)
      return unexpected{kb_index_error{"cannot list " + folder.string() + ": " + ec.message()}};
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const auto rel = it->path().lexically_relative(folder);
      if (is_hidden(rel)) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec) || !has_md_extension(it->path())) continue;
      disk_file f;
      f.full_path = it->path();
      const auto size = it->file_size(ec);
      if (ec) continue;
      const auto mtime = it->last_write_time(ec);
      if (ec) continue;
      f.size = static_cast<std::int64_t>(size);
      f.mtime_ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
      on_disk.emplace(rel.generic_string(), std::move(f));
    }
    if (ec)
      return unexpected{kb_index_error{"cannot list " + folder.string() + ": " + ec.message()}};

    std::map<std::string, known_source> known;
    {
      statement q(db,
                  "SELECT source, mtime_ns, size, error IS NOT NULL FROM kb_sources "
                  "WHERE source NOT LIKE 'memory:%'");
      if (!q.ok()) return unexpected{kb_sqlite_error(db, "prepare source list")};
      while (q.step() == SQLITE_ROW)
        known.emplace(q.text(0), known_source{q.integer(1), q.integer(2), q.integer(3) != 0});
    }

    if (auto r = exec("BEGIN IMMEDIATE"); !r) return unexpected{r.error()};
    auto fail = [&](kb_index_error e) -> expected<kb_refresh_report, kb_index_error> {
      (void)exec("ROLLBACK");
      return unexpected{std::move(e)};
    };
    // Removals first, so an id freed by a deleted file can be taken by another file.
    for (const auto& [source, state] : known) {
      if (on_disk.contains(source)) continue;
      if (auto r = remove_source(source); !r) return fail(r.error());
      ++report.removed;
    }
    bool touched = report.removed > 0;
    std::vector<std::string> failed_unchanged;
    for (const auto& [rel, file] : on_disk) {
      const auto k = known.find(rel);
      const bool is_new = k == known.end();
      if (!is_new && k->second.mtime_ns == file.mtime_ns && k->second.size == file.size) {
        ++report.unchanged;
        if (k->second.failed) failed_unchanged.push_back(rel);
        continue;
      }
      touched = true;
      const auto problems_before = report.problems.size();
      if (auto r = index_file(rel, file, report); !r) return fail(r.error());
      if (report.problems.size() != problems_before) continue;
      if (is_new) {
        ++report.added;
      } else {
        ++report.changed;
      }
    }
    // Something changed: files refused earlier (e.g. a duplicate id) may be acceptable now.
    if (touched) {
      for (const auto& rel : failed_unchanged) {
        kb_refresh_report retry;
        if (auto r = index_file(rel, on_disk.at(rel), retry); !r) return fail(r.error());
        if (retry.problems.empty()) {
          --report.unchanged;
          ++report.changed;
        }
      }
    }
    if (auto r = exec("COMMIT"); !r) return fail(r.error());
    return report;
  }

  /// Ranks candidates in memory; nullopt when a term is several tokens to FTS5 (a phrase,
  /// which needs positions: ranked in SQLite then).
  expected<std::optional<std::vector<ranked_chunk>>, kb_index_error> rank_in_memory(
      const domain::bm25_index& memory, const std::vector<std::string>& terms, std::size_t n,
      std::size_t limit) {
    std::vector<std::string> tokens;
    tokens.reserve(terms.size());
    std::vector<double> idf;
    idf.reserve(terms.size());
    for (const auto& term : terms) {
      auto t = tokenizer->tokens(term);
      if (!t) return unexpected{t.error()};
      if (t->size() > 1) return std::optional<std::vector<ranked_chunk>>{};
      tokens.push_back(t->empty() ? std::string() : std::move(t->front()));
      idf.push_back(term_idf(n, memory.rows_with(tokens.back())));
    }
    const coverage_scale scale(std::move(idf), n);
    std::vector<ranked_chunk> out;
    for (const auto& m : memory.search(tokens, limit)) {
      const double coverage =
          scale.coverage([&](std::size_t i) { return (m.phrases >> i & 1U) != 0; });
      out.push_back(ranked_chunk{m.row, m.score, coverage, 0});
    }
    return std::optional<std::vector<ranked_chunk>>{std::move(out)};
  }

  /// Ranks candidates with FTS5's bm25() (the same scores as rank_in_memory).
  expected<std::vector<ranked_chunk>, kb_index_error> rank_in_sqlite(
      const std::vector<std::string>& terms, std::size_t n, std::size_t limit) {
    struct term_rows {
      std::string phrase;
      std::unordered_set<std::int64_t> rows;
    };
    std::vector<term_rows> found;
    found.reserve(terms.size());
    std::vector<double> idf;
    idf.reserve(terms.size());
    statement& lookup =
        prepared(term_lookup, "SELECT rowid FROM kb_chunks WHERE kb_chunks MATCH ?1");
    if (!lookup.ok()) return unexpected{kb_sqlite_error(db, "prepare term lookup")};
    for (const auto& term : terms) {
      term_rows tr;
      tr.phrase = quote_phrase(term);
      lookup.reset();
      lookup.bind(1, tr.phrase);
      int rc = SQLITE_ROW;
      while ((rc = lookup.step()) == SQLITE_ROW) tr.rows.insert(lookup.integer(0));
      if (rc != SQLITE_DONE) {
        lookup.reset();
        return unexpected{kb_sqlite_error(db, "term lookup")};
      }
      idf.push_back(term_idf(n, tr.rows.size()));
      found.push_back(std::move(tr));
    }
    std::string match;
    for (const auto& tr : found) {
      if (tr.rows.empty()) continue;
      if (!match.empty()) match += " OR ";
      match += tr.phrase;
    }
    std::vector<ranked_chunk> out;
    if (match.empty()) return out;
    const coverage_scale scale(std::move(idf), n);
    static const std::string sql = "SELECT rowid, " + kb_bm25_call() +
                                   " AS score FROM kb_chunks WHERE kb_chunks MATCH ?1 "
                                   "ORDER BY score, rowid LIMIT ?2";
    statement& q = prepared(search, sql);
    if (!q.ok()) return unexpected{kb_sqlite_error(db, "prepare search")};
    q.reset();
    q.bind(1, match);
    q.bind(2, static_cast<std::int64_t>(limit));
    int rc = SQLITE_ROW;
    while ((rc = q.step()) == SQLITE_ROW) {
      const std::int64_t row = q.integer(0);
      const double coverage =
          scale.coverage([&](std::size_t i) { return found[i].rows.contains(row); });
      out.push_back(ranked_chunk{row, -q.real(1), coverage, 0});
    }
    const bool done = rc == SQLITE_DONE;
    q.reset();  // a kept statement must not hold its read transaction open
    if (!done) return unexpected{kb_sqlite_error(db, "search")};
    return out;
  }

  std::size_t count(std::string_view sql) const {
    statement q(db, sql);
    return q.ok() && q.step() == SQLITE_ROW ? static_cast<std::size_t>(q.integer(0)) : 0;
  }
};

kb_index::kb_index(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
kb_index::kb_index(kb_index&&) noexcept = default;
kb_index& kb_index::operator=(kb_index&&) noexcept = default;
kb_index::~kb_index() = default;

expected<kb_index, kb_index_error> kb_index::open(const std::string& db_path,
                                                  kb_index_options options) {
  configure_sqlite_library();
  auto p = std::make_unique<impl>();
  p->options = options;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(db_path.c_str(), &p->db, flags, nullptr) != SQLITE_OK)
    return unexpected{kb_sqlite_error(p->db, "open " + db_path)};
  sqlite3_busy_timeout(p->db, 5000);
  if (auto r = p->create_schema(); !r) return unexpected{r.error()};
  {
    statement q(p->db, "SELECT value FROM kb_meta WHERE key = 'folder'");
    if (q.ok() && q.step() == SQLITE_ROW) p->folder = q.text(0);
  }
  return kb_index(std::move(p));
}

expected<kb_refresh_report, kb_index_error> kb_index::index_folder(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    return unexpected{kb_index_error{"knowledge folder not found: " + folder.string()}};
  auto canonical = fs::weakly_canonical(folder, ec);
  if (ec) canonical = folder;
  if (canonical != impl_->folder) {
    if (auto r = impl_->exec("BEGIN IMMEDIATE;"
                             "DELETE FROM kb_chunks WHERE source NOT LIKE 'memory:%';"
                             "DELETE FROM kb_sources WHERE source NOT LIKE 'memory:%';");
        !r) {
      (void)impl_->exec("ROLLBACK");
      return unexpected{r.error()};
    }
    statement up(impl_->db,
                 "INSERT INTO kb_meta(key, value) VALUES('folder', ?1) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!up.ok()) {
      (void)impl_->exec("ROLLBACK");
      return unexpected{kb_sqlite_error(impl_->db, "prepare meta")};
    }
    up.bind(1, canonical.string());
    if (up.step() != SQLITE_DONE) {
      (void)impl_->exec("ROLLBACK");
      return unexpected{kb_sqlite_error(impl_->db, "store folder")};
    }
    if (auto r = impl_->exec("COMMIT"); !r) return unexpected{r.error()};
    impl_->folder = canonical;
  }
  return refresh();
}

expected<kb_refresh_report, kb_index_error> kb_index::refresh() {
  auto report = impl_->refresh();
  if (report && report->any_change()) impl_->rank_what_changed();
  return report;
}

expected<void, kb_index_error> kb_index::index_articles(
    const std::vector<domain::kb_article>& articles) {
  if (auto r = impl_->exec("BEGIN IMMEDIATE"); !r) return r;
  for (const auto& article : articles) {
    const std::string source = std::string(memory_prefix) + article.id;
    auto result = impl_->remove_source(source);
    if (result) {
      const auto owner = impl_->owner_of(article.id);
      if (!owner.empty()) {
        result = unexpected{kb_index_error{"duplicate article id '" + article.id +
                                           "' (already indexed from " + owner + ")"}};
      }
    }
    if (result) result = impl_->insert_article(source, article);
    if (result) result = impl_->record_source(source, &article.id, 0, 0, nullptr);
    if (!result) {
      (void)impl_->exec("ROLLBACK");
      return result;
    }
  }
  auto committed = impl_->exec("COMMIT");
  if (committed) impl_->rank_what_changed();
  return committed;
}

expected<std::vector<domain::knowledge_passage>, kb_index_error> kb_index::query(
    std::string_view text, std::size_t top_k, double min_relevance) {
  std::vector<domain::knowledge_passage> out;
  if (top_k == 0) return out;
  const auto terms = domain::extract_terms(text);
  if (terms.empty()) return out;
  const std::size_t n = impl_->chunk_total();
  if (n == 0) return out;
  const std::size_t limit = std::max<std::size_t>(top_k * 4, 20);

  std::optional<std::vector<ranked_chunk>> ranked;
  if (terms.size() <= 64) {
    if (const domain::bm25_index* memory = impl_->memory_ranking()) {
      auto r = impl_->rank_in_memory(*memory, terms, n, limit);
      if (!r) return unexpected{r.error()};
      ranked = std::move(*r);  // nullopt: a term FTS5 reads as several tokens
    }
  }
  impl_->last_in_memory = ranked.has_value();
  if (!ranked) {
    auto r = impl_->rank_in_sqlite(terms, n, limit);
    if (!r) return unexpected{r.error()};
    ranked = std::move(*r);
  }
  std::vector<ranked_chunk>& candidates = *ranked;
  if (candidates.empty()) return out;
  double best = 0;
  for (const auto& c : candidates) best = std::max(best, c.score);
  for (auto& c : candidates) {
    const double rank = best > 0 ? std::clamp(c.score / best, 0.0, 1.0) : 1.0;
    c.relevance = std::clamp(std::sqrt(rank) * c.coverage, 0.0, 1.0);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.relevance > b.relevance; });
  statement& read = impl_->prepared(
      impl_->passage,
      "SELECT article_id, version, title, section, body FROM kb_chunks WHERE rowid = ?1");
  if (!read.ok()) return unexpected{kb_sqlite_error(impl_->db, "prepare passage")};
  for (const auto& c : candidates) {
    if (out.size() >= top_k) break;
    if (c.relevance < min_relevance) break;
    read.reset();
    read.bind(1, c.rowid);
    if (read.step() != SQLITE_ROW) {
      read.reset();
      return unexpected{kb_sqlite_error(impl_->db, "read passage")};
    }
    domain::knowledge_passage p;
    p.article_id = read.text(0);
    p.version = static_cast<int>(read.integer(1));
    p.title = read.text(2);
    p.section = read.text(3);
    p.text = read.text(4);
    p.relevance = c.relevance;
    read.reset();
    out.push_back(std::move(p));
  }
  return out;
}

bool kb_index::last_ranked_in_memory() const noexcept {
  return impl_->last_in_memory;
}

std::size_t kb_index::article_count() const {
  return impl_->count("SELECT count(*) FROM kb_sources WHERE error IS NULL");
}

std::size_t kb_index::chunk_count() const {
  return impl_->count("SELECT count(*) FROM kb_chunks");
}

}  // namespace frontdesk::persistence
