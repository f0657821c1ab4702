#include "persistence/kb_ranking.hpp"

#include <sqlite3.h>

namespace frontdesk::persistence {
namespace {

fts5_api* fts5_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    (void)sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  return api;
}

}  // namespace

struct kb_query_tokenizer::impl {
  fts5_tokenizer methods{};
  Fts5Tokenizer* tokenizer = nullptr;
  ~impl() {
    if (tokenizer) methods.xDelete(tokenizer);
  }
};

kb_query_tokenizer::kb_query_tokenizer(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
kb_query_tokenizer::kb_query_tokenizer(kb_query_tokenizer&&) noexcept = default;
kb_query_tokenizer& kb_query_tokenizer::operator=(kb_query_tokenizer&&) noexcept = default;
kb_query_tokenizer::~kb_query_tokenizer() = default;

expected<kb_query_tokenizer, kb_index_error> kb_query_tokenizer::open(sqlite3* db) {
  fts5_api* api = fts5_of(db);
  if (!api) return unexpected{kb_sqlite_error(db, "fts5 api")};
  auto p = std::make_unique<impl>();
  void* context = nullptr;
  if (api->xFindTokenizer(api, "porter", &context, &p->methods) != SQLITE_OK)
    return unexpected{kb_index_error{"fts5 tokenizer 'porter' not found"}};
  const char* parent[] = {"unicode61"};  // as in tokenize='porter unicode61'
  if (p->methods.xCreate(context, parent, 1, &p->tokenizer) != SQLITE_OK)
    return unexpected{kb_index_error{"fts5 tokenizer 'porter unicode61' not created"}};
  return kb_query_tokenizer(std::move(p));
}

expected<std::vector<std::string>, kb_index_error> kb_query_tokenizer::tokens(
    std::string_view phrase) const {
  std::vector<std::string> out;
  auto on_token = [](void* ctx, int, const char* token, int size, int, int) {
    static_cast<std::vector<std::string>*>(ctx)->emplace_back(token,
                                                              static_cast<std::size_t>(size));
    return SQLITE_OK;
  };
  if (impl_->methods.xTokenize(impl_->tokenizer, &out, FTS5_TOKENIZE_QUERY, phrase.data(),
                               static_cast<int>(phrase.size()), on_token) != SQLITE_OK)
    return unexpected{kb_index_error{"fts5 tokenizer failed"}};
  return out;
}

kb_index_error kb_sqlite_error(sqlite3* db, std::string_view what) {
  return kb_index_error{std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "no database")};
}

double kb_column_weight(std::string_view column) noexcept {
  for (const kb_column& c : kb_columns) {
    if (c.name == column) return c.weight;
  }
  return 0.0;
}

const std::string& kb_bm25_call() {
  static const std::string call = [] {
    std::string s = "bm25(kb_chunks";
    for (const kb_column& c : kb_columns) s += ", " + std::to_string(c.weight);
    return s + ")";
  }();
  return call;
}

expected<std::optional<domain::bm25_index>, kb_index_error> load_kb_ranking(
    sqlite3* db, std::size_t max_occurrences) {
  if (sqlite3_exec(db,
                   "CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_chunk_tokens "
                   "USING fts5vocab(main, kb_chunks, instance)",
                   nullptr, nullptr, nullptr) != SQLITE_OK)
    return unexpected{kb_sqlite_error(db, "token view")};
  domain::bm25_index index;
  auto each_row = [&](const char* sql, auto&& row) -> expected<bool, kb_index_error> {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK)
      return unexpected{kb_sqlite_error(db, "prepare ranking load")};
    int rc = SQLITE_ROW;
    bool complete = true;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (!row(stmt)) {
        complete = false;
        break;
      }
    }
    const bool failed = complete && rc != SQLITE_DONE;
    sqlite3_finalize(stmt);
    if (failed) return unexpected{kb_sqlite_error(db, "ranking load")};
    return complete;
  };
  // Every row counts in N and in the mean length, even one without a token.
  auto rows = each_row("SELECT rowid FROM kb_chunks", [&](sqlite3_stmt* s) {
    index.add_row(sqlite3_column_int64(s, 0));
    return true;
  });
  if (!rows) return unexpected{rows.error()};
  auto tokens = each_row("SELECT term, doc, col FROM temp.kb_chunk_tokens", [&](sqlite3_stmt* s) {
    const auto* term = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    const auto* col = reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
    index.add(
        std::string_view(term ? term : "", static_cast<std::size_t>(sqlite3_column_bytes(s, 0))),
        sqlite3_column_int64(s, 1), kb_column_weight(col ? col : ""));
    return index.occurrences() <= max_occurrences;
  });
  if (!tokens) return unexpected{tokens.error()};
  if (!*tokens) return std::optional<domain::bm25_index>{};
  return std::optional<domain::bm25_index>{std::move(index)};
}

}  // namespace frontdesk::persistence
