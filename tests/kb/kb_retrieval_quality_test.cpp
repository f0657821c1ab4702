#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "domain/kb_article.hpp"
#include "domain/labelled_questions.hpp"
#include "persistence/kb_index.hpp"
#include "sample_kb.hpp"

namespace fd = frontdesk::domain;
namespace fp = frontdesk::persistence;
namespace fs = std::filesystem;

namespace {

using frontdesk::test::read_file;
const fs::path kb_dir = frontdesk::test::sample_kb_dir;

std::vector<fd::labelled_question> load_labelled() {
  return frontdesk::test::sample_kb_questions();
}

TEST(KbSampleArticles, AllParseWithFrontMatterAndSections) {
  std::set<std::string> ids;
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(kb_dir)) {
    if (entry.path().extension() != ".md") continue;
    ++files;
    const auto text = read_file(entry.path());
    ASSERT_EQ(text.rfind("---\n", 0), 0u) << entry.path() << " has no front matter";
    auto a = fd::parse_kb_article(text);  // no fallback: the id must be in the front matter
    ASSERT_TRUE(a) << entry.path() << ": " << a.error().message;
    EXPECT_EQ(a->id, entry.path().stem().string());
    EXPECT_NE(a->title, a->id) << entry.path() << " has no title";
    EXPECT_GE(a->sections.size(), 3u) << entry.path();
    EXPECT_TRUE(ids.insert(a->id).second) << "duplicate id " << a->id;
  }
  EXPECT_GE(files, 18u);
}

TEST(KbRetrievalQuality, LabelledQuestionsTop3AtLeast80Percent) {
  auto idx = fp::kb_index::open();
  ASSERT_TRUE(idx);
  auto report = idx->index_folder(kb_dir);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->problems.empty());
  const auto questions = load_labelled();
  ASSERT_GE(questions.size(), 40u);

  std::size_t top1 = 0;
  std::size_t top3 = 0;
  std::size_t empty = 0;
  for (const auto& q : questions) {
    auto r = idx->query(q.question);  // defaults: top_k 5, min_relevance 0.7
    ASSERT_TRUE(r) << r.error().message;
    if (r->empty()) ++empty;
    bool in3 = false;
    for (std::size_t i = 0; i < r->size() && i < 3; ++i)
      in3 = in3 || (*r)[i].article_id == q.article_id;
    const bool first = !r->empty() && r->front().article_id == q.article_id;
    top1 += first ? 1 : 0;
    top3 += in3 ? 1 : 0;
    if (!first) {
      std::cout << "  " << (in3 ? "top3" : "MISS") << ": \"" << q.question << "\" expected "
                << q.article_id << ", got";
      for (std::size_t i = 0; i < r->size() && i < 3; ++i)
        std::cout << ' ' << (*r)[i].article_id << '(' << static_cast<int>((*r)[i].relevance * 100)
                  << "%)";
      std::cout << '\n';
    }
  }
  const double n = static_cast<double>(questions.size());
  std::cout << "retrieval: " << questions.size() << " questions, top-1 " << 100.0 * top1 / n
            << " %, top-3 " << 100.0 * top3 / n << " %, no result " << empty << '\n';
  EXPECT_GE(static_cast<double>(top3) / n, 0.80);
}

TEST(KbRetrievalQuality, UnrelatedQuestionsReturnNothing) {
  auto idx = fp::kb_index::open();
  ASSERT_TRUE(idx);
  ASSERT_TRUE(idx->index_folder(kb_dir));
  const std::vector<std::string> unrelated = {
      "What's the weather like in Paris tomorrow?",
      "Can you recommend a good pizza recipe?",
      "Who won the football game last night?",
      "asdfghjkl qwerty",
      "Tell me a joke about cats",
      "What is the capital of Mongolia?",
      "How do I fix a memory leak in my Python code?",
      "I want to order a pizza with extra cheese",
      "My dog ate my homework",
      "Is it going to rain in Seattle next week?",
      "What time does the movie start?",
      "Write me a poem about the sea",
  };
  for (const auto& q : unrelated) {
    auto r = idx->query(q);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty()) << q << " -> " << r->front().article_id << " " << r->front().relevance;
  }
}

}  // namespace
