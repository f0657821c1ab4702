#include "persistence/kb_index.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "domain/kb_article.hpp"
#include "temp_folder.hpp"

namespace fd = frontdesk::domain;
namespace fp = frontdesk::persistence;
namespace fs = std::filesystem;
using frontdesk::test::temp_folder;

namespace {

constexpr std::string_view gift_cards_md =
    "---\nid: gift-cards\ntitle: Gift cards\nversion: 2\n---\n"
    "## Expiry\nOur gift cards never expire and have no fees.\n\n"
    "## Balance\nCheck the balance of a gift card with its 16-digit number and PIN.\n";

constexpr std::string_view returns_md =
    "---\nid: returns\ntitle: Returns policy\nversion: 4\n---\n"
    "## Return window\nYou can return most items within 30 days of delivery for a refund.\n\n"
    "## Return shipping cost\nA return label costs $6.95 and is deducted from your refund.\n";

constexpr std::string_view warranty_md =
    "---\nid: warranty\ntitle: Product warranty\nversion: 1\n---\n"
    "## Coverage\nAll products come with a 1-year limited warranty against defects.\n";

fp::kb_index open_index(const std::string& path = ":memory:") {
  auto idx = fp::kb_index::open(path);
  EXPECT_TRUE(idx) << (idx ? "" : idx.error().message);
  return std::move(idx).value();
}

std::string top_article(fp::kb_index& idx, std::string_view q, double min_relevance = 0.0) {
  auto r = idx.query(q, 5, min_relevance);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r && !r->empty() ? r->front().article_id : std::string();
}

/// Sets a file's mtime explicitly, so changes are seen even on coarse-timestamp file systems.
void touch_later(const fs::path& p, int seconds) {
  fs::last_write_time(p, fs::last_write_time(p) + std::chrono::seconds(seconds));
}

TEST(KbIndex, BuildAndQueryFromFolder) {
  temp_folder dir;
  dir.write("gift-cards.md", gift_cards_md);
  dir.write("returns.md", returns_md);
  dir.write("notes.txt", "not markdown, ignored");
  dir.write(".hidden/secret.md", "---\nid: secret\n---\n## S\nhidden gift card text\n");
  auto idx = open_index();
  auto report = idx.index_folder(dir.path());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->added, 2u);
  EXPECT_TRUE(report->problems.empty());
  EXPECT_EQ(idx.article_count(), 2u);
  EXPECT_EQ(idx.chunk_count(), 4u);

  auto r = idx.query("Do gift cards expire?");
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->empty());
  const auto& best = r->front();
  EXPECT_EQ(best.article_id, "gift-cards");
  EXPECT_EQ(best.title, "Gift cards");
  EXPECT_EQ(best.version, 2);
  EXPECT_EQ(best.section, "Expiry");
  EXPECT_NE(best.text.find("never expire"), std::string::npos);
  EXPECT_GE(best.relevance, 0.7);
  EXPECT_LE(best.relevance, 1.0);
  for (std::size_t i = 1; i < r->size(); ++i) EXPECT_LE((*r)[i].relevance, (*r)[i - 1].relevance);

  EXPECT_EQ(top_article(idx, "how many days do I have to return an item"), "returns");
}

TEST(KbIndex, TopKAndMinRelevanceAreHonoured) {
  temp_folder dir;
  dir.write("gift-cards.md", gift_cards_md);
  dir.write("returns.md", returns_md);
  auto idx = open_index();
  ASSERT_TRUE(idx.index_folder(dir.path()));
  auto all = idx.query("gift card refund return balance", 10, 0.0);
  ASSERT_TRUE(all);
  EXPECT_GE(all->size(), 3u);
  auto one = idx.query("gift card refund return balance", 1, 0.0);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->size(), 1u);
  auto none = idx.query("gift card refund return balance", 0, 0.0);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto strict = idx.query("gift card refund return balance", 10, 0.99);
  ASSERT_TRUE(strict);
  for (const auto& p : *strict) EXPECT_GE(p.relevance, 0.99);
  EXPECT_LT(strict->size(), all->size());
}

TEST(KbIndex, UnrelatedQueryReturnsNothing) {
  temp_folder dir;
  dir.write("gift-cards.md", gift_cards_md);
  dir.write("returns.md", returns_md);
  dir.write("warranty.md", warranty_md);
  auto idx = open_index();
  ASSERT_TRUE(idx.index_folder(dir.path()));
  for (const char* q : {"What's the weather in Paris tomorrow?", "recommend a pizza recipe",
                        "xyzzy plugh", "the and of to"}) {
    auto r = idx.query(q);
    ASSERT_TRUE(r) << q;
    EXPECT_TRUE(r->empty()) << q << " -> " << (r->empty() ? "" : r->front().article_id);
  }
}

TEST(KbIndex, RefreshSeesAddedChangedAndDeletedFiles) {
  temp_folder dir;
  dir.write("gift-cards.md", gift_cards_md);
  dir.write("returns.md", returns_md);
  auto idx = open_index();
  ASSERT_TRUE(idx.index_folder(dir.path()));
  EXPECT_EQ(top_article(idx, "product warranty defects"), "");

  // Nothing changed.
  auto same = idx.refresh();
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->any_change());
  EXPECT_EQ(same->unchanged, 2u);

  // Add a file.
  dir.write("sub/warranty.md", warranty_md);
  auto added = idx.refresh();
  ASSERT_TRUE(added);
  EXPECT_EQ(added->added, 1u);
  EXPECT_EQ(top_article(idx, "product warranty defects"), "warranty");

  // Change a file (same size, new content and mtime).
  std::string changed(returns_md);
  changed.replace(changed.find("30 days"), 7, "45 days");
  dir.write("returns.md", changed);
  touch_later(dir.path() / "returns.md", 5);
  auto upd = idx.refresh();
  ASSERT_TRUE(upd);
  EXPECT_EQ(upd->changed, 1u);
  EXPECT_EQ(upd->unchanged, 2u);
  auto r = idx.query("how many days to return items", 5, 0.0);
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->empty());
  bool saw_45 = false;
  for (const auto& p : *r) {
    EXPECT_EQ(p.text.find("30 days"), std::string::npos);
    saw_45 = saw_45 || p.text.find("45 days") != std::string::npos;
  }
  EXPECT_TRUE(saw_45);

  // Delete a file.
  fs::remove(dir.path() / "gift-cards.md");
  auto del = idx.refresh();
  ASSERT_TRUE(del);
  EXPECT_EQ(del->removed, 1u);
  EXPECT_EQ(top_article(idx, "gift card balance expire", 0.0), "");
  EXPECT_EQ(idx.article_count(), 2u);
}

TEST(KbIndex, MalformedAndDuplicateFilesAreReportedNotIndexed) {
  temp_folder dir;
  dir.write("returns.md", returns_md);
  dir.write("broken.md", "---\nid: broken\n## never closed\n");
  dir.write("zz-dup.md", std::string(returns_md));
  auto idx = open_index();
  auto report = idx.index_folder(dir.path());
  ASSERT_TRUE(report);
  EXPECT_EQ(report->added, 1u);
  ASSERT_EQ(report->problems.size(), 2u);
  EXPECT_EQ(report->problems[0].path, "broken.md");
  EXPECT_NE(report->problems[1].message.find("duplicate"), std::string::npos);
  EXPECT_EQ(idx.article_count(), 1u);

  // A previously good file that becomes malformed is dropped (no stale policy text).
  dir.write("returns.md", "---\nid: returns\nversion: x\n---\n## A\nreturn within 99 days\n");
  touch_later(dir.path() / "returns.md", 5);
  auto r2 = idx.refresh();
  ASSERT_TRUE(r2);
  ASSERT_FALSE(r2->problems.empty());
  EXPECT_EQ(r2->problems.front().path, "returns.md");
  // The id is free again, so the duplicate that was refused before now takes it.
  EXPECT_EQ(r2->changed, 1u);
  EXPECT_EQ(idx.article_count(), 1u);
  auto r = idx.query("return window days", 5, 0.0);
  ASSERT_TRUE(r);
  ASSERT_FALSE(r->empty());
  for (const auto& p : *r) EXPECT_EQ(p.text.find("99 days"), std::string::npos);
  EXPECT_NE(r->front().text.find("30 days"), std::string::npos);
}

TEST(KbIndex, MissingFolderIsAnErrorAndKeepsTheIndex) {
  auto idx = open_index();
  auto bad = idx.index_folder("/nonexistent/frontdesk-kb");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("not found"), std::string::npos);

  fs::path gone;
  {
    temp_folder dir;
    dir.write("returns.md", returns_md);
    ASSERT_TRUE(idx.index_folder(dir.path()));
    gone = dir.path();
  }
  ASSERT_FALSE(fs::exists(gone));
  EXPECT_FALSE(idx.refresh());
  EXPECT_EQ(top_article(idx, "return label cost"), "returns");
}

TEST(KbIndex, FileDatabaseRemembersFolderAndFileStates) {
  temp_folder dir;
  temp_folder db_dir;
  dir.write("returns.md", returns_md);
  const auto db = (db_dir.path() / "kb.sqlite").string();
  {
    auto idx = open_index(db);
    auto r = idx.index_folder(dir.path());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->added, 1u);
  }
  dir.write("warranty.md", warranty_md);
  auto idx = open_index(db);
  EXPECT_EQ(top_article(idx, "return label cost"), "returns");
  auto r = idx.refresh();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->added, 1u);
  EXPECT_EQ(r->unchanged, 1u);
  EXPECT_EQ(top_article(idx, "warranty defects"), "warranty");
}

TEST(KbIndex, InMemoryArticles) {
  auto idx = open_index();
  auto a = fd::parse_kb_article(warranty_md);
  auto b = fd::parse_kb_article(gift_cards_md);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(idx.index_articles({*a, *b}));
  EXPECT_EQ(idx.article_count(), 2u);
  EXPECT_EQ(top_article(idx, "warranty defects"), "warranty");
  // Re-indexing the same id replaces it.
  a->sections[0].text = "Warranty now lasts 5 years.";
  a->version = 2;
  ASSERT_TRUE(idx.index_articles({*a}));
  auto r = idx.query("warranty years", 5, 0.0);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front().version, 2);
  // refresh() without a folder does nothing.
  auto rr = idx.refresh();
  ASSERT_TRUE(rr);
  EXPECT_FALSE(rr->any_change());
}

TEST(KbIndex, AQuerySeesWhatWasIndexedSinceTheLastOne) {
  // Queries keep their statements and the chunk count between calls; neither may go stale.
  temp_folder db_dir;
  const auto db = (db_dir.path() / "kb.sqlite").string();
  auto reader = open_index(db);
  EXPECT_EQ(top_article(reader, "warranty defects"), "");  // empty: nothing counted yet
  auto warranty = fd::parse_kb_article(warranty_md);
  auto gift = fd::parse_kb_article(gift_cards_md);
  ASSERT_TRUE(warranty && gift);
  ASSERT_TRUE(reader.index_articles({*warranty}));  // written by this connection
  EXPECT_EQ(top_article(reader, "warranty defects"), "warranty");
  {
    auto writer = open_index(db);  // another connection, as another process would be
    ASSERT_TRUE(writer.index_articles({*gift}));
  }
  EXPECT_EQ(top_article(reader, "gift card balance"), "gift-cards");
  EXPECT_EQ(reader.chunk_count(), 3u);
}

TEST(KbIndex, HostileQueriesNeverError) {
  temp_folder dir;
  dir.write("gift-cards.md", gift_cards_md);
  dir.write("returns.md", returns_md);
  auto idx = open_index();
  ASSERT_TRUE(idx.index_folder(dir.path()));
  std::vector<std::string> hostile = {
      "",
      "   ",
      "\"",
      "\"\"\"",
      "gift\" OR \"refund",
      "gift*",
      "*",
      "NEAR(gift card, 2)",
      "gift AND NOT refund",
      "(((",
      ")) OR ((",
      "title:gift",
      "{title body}: gift",
      "^gift",
      "gift + card - refund",
      "OR",
      "AND OR NOT NEAR",
      "'; DROP TABLE kb_chunks; --",
      "\xF0\x9F\x8E\x81 gift \xF0\x9F\x8E\x81",
      "\xFF\xFE\xC3 gift \xED\xA0\x80 card \xC0\xAF",
      std::string("gift\0card", 9),
      "Geschenkkarte g\xC3\xBCltig? \xE7\xA4\xBC\xE5\x93\x81\xE5\x8D\xA1",
      "\xCC\x81\xCC\x81 \xE3\x83\xBB",  // only combining marks / CJK punctuation
      std::string(100 * 1024, 'a'),
      std::string(100 * 1024, '"'),
  };
  std::string words;
  while (words.size() < 100 * 1024) words += "gift card refund \"NEAR\" (return) * ";
  hostile.push_back(words);
  std::string random_bytes;
  unsigned x = 12345;
  for (int i = 0; i < 100 * 1024; ++i) {
    x = x * 1103515245u + 12345u;
    random_bytes.push_back(static_cast<char>(x >> 16));
  }
  hostile.push_back(random_bytes);
  for (const auto& q : hostile) {
    auto r = idx.query(q, 5, 0.0);
    ASSERT_TRUE(r) << "query of " << q.size() << " bytes: " << r.error().message;
  }
  EXPECT_EQ(top_article(idx, "gift\" OR \"card", 0.0), "gift-cards");
  EXPECT_EQ(top_article(idx, std::string("gift\0card", 9), 0.0), "gift-cards");
  EXPECT_EQ(idx.chunk_count(), 4u);  // the DROP TABLE attempt was just words
}

}  // namespace
