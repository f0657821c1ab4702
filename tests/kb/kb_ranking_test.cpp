// The in-memory ranking gives what FTS5's bm25() gives, on the sample knowledge base.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "domain/kb_article.hpp"
#include "persistence/kb_index.hpp"
#include "sample_kb.hpp"

namespace fd = frontdesk::domain;
namespace fp = frontdesk::persistence;
namespace fs = std::filesystem;

namespace {

const fs::path kb_dir = frontdesk::test::sample_kb_dir;

std::vector<std::string> questions() {
  std::vector<std::string> out;
  for (const auto& q : frontdesk::test::sample_kb_questions()) out.push_back(q.question);
  // Unrelated, repeated-stem, numeric, quoting and non-ASCII questions.
  for (const char* q :
       {"What's the weather like in Paris tomorrow?", "asdfghjkl qwerty",
        "shipping ship shipped ships", "order 1042 2231 99999999", "\"gift\" OR card* NEAR(return)",
        "Rückgabe café naïve résumé", "return return return"}) {
    out.emplace_back(q);
  }
  return out;
}

fp::kb_index sample_index(fp::kb_index_options options) {
  auto idx = fp::kb_index::open(":memory:", options);
  EXPECT_TRUE(idx);
  auto r = idx->index_folder(kb_dir);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return std::move(*idx);
}

void expect_same(fp::kb_index& memory, fp::kb_index& sqlite, const std::string& q) {
  auto a = memory.query(q, 20, 0.0);
  auto b = sqlite.query(q, 20, 0.0);
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->size(), b->size()) << q;
  for (std::size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].article_id, (*b)[i].article_id) << q << " #" << i;
    EXPECT_EQ((*a)[i].section, (*b)[i].section) << q << " #" << i;
    EXPECT_EQ((*a)[i].relevance, (*b)[i].relevance) << q << " #" << i;  // to the bit
  }
}

TEST(KbRanking, InMemoryRanksAsFts5OnEverySampleQuestion) {
  auto memory = sample_index({});
  auto sqlite = sample_index(fp::kb_index_options{.memory_ranking_limit = 0});
  const auto qs = questions();
  ASSERT_GE(qs.size(), 40u);
  std::size_t in_memory = 0;
  std::size_t with_results = 0;
  for (const auto& q : qs) {
    expect_same(memory, sqlite, q);
    in_memory += memory.last_ranked_in_memory() ? 1 : 0;
    EXPECT_FALSE(sqlite.last_ranked_in_memory());
    auto r = memory.query(q, 20, 0.0);
    with_results += r && !r->empty() ? 1 : 0;
  }
  EXPECT_EQ(in_memory, qs.size());
  EXPECT_GE(with_results, qs.size() - 3);
}

TEST(KbRanking, PastTheLimitRanksInSqlite) {
  auto small = sample_index(fp::kb_index_options{.memory_ranking_limit = 100});
  auto memory = sample_index({});
  expect_same(memory, small, "How do I return a damaged item?");
  EXPECT_FALSE(small.last_ranked_in_memory());
  EXPECT_TRUE(memory.last_ranked_in_memory());
}

TEST(KbRanking, ATermOfSeveralTokensIsRankedInSqlite) {
  auto memory = sample_index({});
  auto sqlite = sample_index(fp::kb_index_options{.memory_ranking_limit = 0});
  // One word to the term extractor, two tokens to FTS5 (the baht sign is a separator there).
  const std::string q = "return\xE0\xB8\xBFlabel refund";
  expect_same(memory, sqlite, q);
  EXPECT_FALSE(memory.last_ranked_in_memory());
  expect_same(memory, sqlite, "return label refund");
  EXPECT_TRUE(memory.last_ranked_in_memory());
}

TEST(KbRanking, SeesArticlesIndexedAfterItWasBuilt) {
  auto memory = sample_index({});
  auto before = memory.query("zeppelin dirigible", 5, 0.0);
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->empty());
  fd::kb_article a;
  a.id = "airships";
  a.title = "Zeppelin moorings";
  a.version = 1;
  a.sections.push_back({"Fees", "A dirigible or zeppelin moors for free on weekdays."});
  ASSERT_TRUE(memory.index_articles({a}));
  auto after = memory.query("zeppelin dirigible", 5, 0.0);
  ASSERT_TRUE(after);
  ASSERT_FALSE(after->empty());
  EXPECT_EQ(after->front().article_id, "airships");
  EXPECT_TRUE(memory.last_ranked_in_memory());
}

}  // namespace
