#include "domain/bm25_index.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace fd = frontdesk::domain;

namespace {

// BM25 as FTS5 computes it, written out for one row.
double expected_score(double n_rows, double avgdl, double D,
                      const std::vector<std::pair<double, double>>& hits_and_freq) {
  double score = 0;
  for (const auto& [hits, f] : hits_and_freq) {
    double idf = std::log((n_rows - hits + 0.5) / (hits + 0.5));
    if (idf <= 0) idf = 1e-6;
    score += idf * (f * 2.2) / (f + 1.2 * (0.25 + 0.75 * D / avgdl));
  }
  return score;
}

fd::bm25_index sample() {
  fd::bm25_index idx;
  // row 10: "gift card" in the title (weight 2), "card balance" in the body (weight 1)
  idx.add("gift", 10, 2.0);
  idx.add("card", 10, 2.0);
  idx.add("card", 10, 1.0);
  idx.add("balanc", 10, 1.0);
  // row 20: "return window" in the body
  idx.add("return", 20, 1.0);
  idx.add("window", 20, 1.0);
  // row 30: "return card" in the body
  idx.add("return", 30, 1.0);
  idx.add("card", 30, 1.0);
  idx.add_row(40);  // an empty chunk still counts
  return idx;
}

TEST(Bm25Index, CountsRowsOccurrencesAndDocumentFrequency) {
  const auto idx = sample();
  EXPECT_EQ(idx.rows(), 4u);
  EXPECT_EQ(idx.occurrences(), 8u);
  EXPECT_EQ(idx.rows_with("card"), 2u);
  EXPECT_EQ(idx.rows_with("return"), 2u);
  EXPECT_EQ(idx.rows_with("gift"), 1u);
  EXPECT_EQ(idx.rows_with("nothing"), 0u);
}

TEST(Bm25Index, ScoresAsFts5Bm25) {
  const auto idx = sample();
  const std::vector<std::string> q{"card", "gift"};
  const auto m = idx.search(q, 10);
  ASSERT_EQ(m.size(), 2u);
  const double avgdl = 8.0 / 4.0;
  EXPECT_EQ(m[0].row, 10);
  EXPECT_DOUBLE_EQ(m[0].score, expected_score(4, avgdl, 4, {{2, 3.0}, {1, 2.0}}));
  EXPECT_EQ(m[0].phrases, 0b11u);
  EXPECT_EQ(m[1].row, 30);
  EXPECT_DOUBLE_EQ(m[1].score, expected_score(4, avgdl, 2, {{2, 1.0}}));
  EXPECT_EQ(m[1].phrases, 0b01u);
}

TEST(Bm25Index, ARepeatedPhraseCountsEachTime) {
  const auto idx = sample();
  const std::vector<std::string> once{"window"};
  const std::vector<std::string> twice{"window", "window"};
  const auto a = idx.search(once, 10);
  const auto b = idx.search(twice, 10);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_DOUBLE_EQ(b[0].score, 2 * a[0].score);
  EXPECT_EQ(b[0].phrases, 0b11u);
}

TEST(Bm25Index, EqualScoresInRowOrderAndLimited) {
  fd::bm25_index idx;
  for (std::int64_t row : {7, 3, 5, 1}) idx.add("same", row, 1.0);
  const std::vector<std::string> q{"same"};
  const auto all = idx.search(q, 10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].row, 1);
  EXPECT_EQ(all[3].row, 7);
  const auto two = idx.search(q, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].row, 1);
  EXPECT_EQ(two[1].row, 3);
  // Searching again starts from zero (scratch space is cleared).
  EXPECT_DOUBLE_EQ(idx.search(q, 1)[0].score, all[0].score);
}

TEST(Bm25Index, OccurrencesInAnyOrderMerge) {
  fd::bm25_index grouped;
  fd::bm25_index scattered;
  grouped.add("a", 1, 1.0);
  grouped.add("a", 1, 2.0);
  grouped.add("a", 2, 1.0);
  grouped.add("b", 2, 1.0);
  scattered.add("b", 2, 1.0);
  scattered.add("a", 1, 1.0);
  scattered.add("a", 2, 1.0);
  scattered.add("a", 1, 2.0);
  EXPECT_EQ(scattered.rows_with("a"), 2u);
  const std::vector<std::string> q{"a", "b"};
  const auto g = grouped.search(q, 5);
  const auto s = scattered.search(q, 5);
  ASSERT_EQ(g.size(), s.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    EXPECT_EQ(g[i].row, s[i].row);
    EXPECT_EQ(g[i].score, s[i].score);
  }
}

TEST(Bm25Index, NoRowsOrNoMatchGivesNothing) {
  const fd::bm25_index empty;
  const std::vector<std::string> q{"card"};
  EXPECT_TRUE(empty.search(q, 5).empty());
  const auto idx = sample();
  const std::vector<std::string> unknown{"nothing", ""};
  EXPECT_TRUE(idx.search(unknown, 5).empty());
  EXPECT_TRUE(idx.search(q, 0).empty());
}

}  // namespace
