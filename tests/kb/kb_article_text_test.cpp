#include "domain/kb_article_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace fd = frontdesk::domain;

namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(KbText, Utf8SanitizeReplacesEveryInvalidForm) {
  EXPECT_EQ(fd::utf8_sanitize("plain"), "plain");
  EXPECT_EQ(fd::utf8_sanitize("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(fd::utf8_sanitize("\xC0\xAF", "?"), "??");            // overlong
  EXPECT_EQ(fd::utf8_sanitize("\xED\xA0\x80", "?"), "???");       // surrogate
  EXPECT_EQ(fd::utf8_sanitize("\xF4\x90\x80\x80", "?"), "????");  // > U+10FFFF
  EXPECT_EQ(fd::utf8_sanitize("ab\xE2\x82", "?"), "ab??");        // truncated
  EXPECT_EQ(fd::utf8_sanitize(std::string("a\0b", 3), "?"), "a?b");
  EXPECT_EQ(fd::utf8_sanitize("\x80", "?"), "?");
}

TEST(KbText, Utf8LengthAndPrefixNeverCutASequence) {
  const std::string s = "h\xC3\xA9llo \xF0\x9F\x98\x80!";
  EXPECT_EQ(fd::utf8_length(s), 8u);
  EXPECT_EQ(fd::utf8_prefix(s, 2), "h\xC3\xA9");
  EXPECT_EQ(fd::utf8_prefix(s, 7), "h\xC3\xA9llo \xF0\x9F\x98\x80");
  EXPECT_EQ(fd::utf8_prefix(s, 100), s);
}

TEST(KbText, ExtractTermsDropsStopwordsNumbersAndSyntax) {
  const auto t = fd::extract_terms(
      "Hi! Where's my ORDER #1234567? \"NEAR(refund* shipping)\" AND don't -- refund again");
  EXPECT_TRUE(contains(t, "order"));
  EXPECT_TRUE(contains(t, "near"));
  EXPECT_TRUE(contains(t, "refund"));
  EXPECT_TRUE(contains(t, "shipping"));
  EXPECT_FALSE(contains(t, "1234567"));
  EXPECT_FALSE(contains(t, "hi"));
  EXPECT_FALSE(contains(t, "my"));
  EXPECT_FALSE(contains(t, "don"));
  EXPECT_EQ(std::count(t.begin(), t.end(), "refund"), 1);
  for (const auto& term : t) {
    EXPECT_EQ(term.find_first_of("\"*()#?!-"), std::string::npos) << term;
  }
}

TEST(KbText, ExtractTermsKeepsUnicodeWordsAndSplitsOnUnicodePunctuation) {
  const auto t = fd::extract_terms(
      "Rückgabe\xE2\x80\x94"
      "Erstattung \xF0\x9F\x98\xA1 don\xE2\x80\x99t");
  EXPECT_TRUE(contains(t,
                       "r\xC3\xBC"
                       "ckgabe"));
  EXPECT_TRUE(contains(t, "erstattung"));
  EXPECT_EQ(t.size(), 2u);
}

TEST(KbText, ExtractTermsIsBoundedOnHugeInput) {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "word" + std::to_string(i) + " ";
  EXPECT_EQ(fd::extract_terms(big).size(), 64u);
  EXPECT_EQ(fd::extract_terms(big, 5).size(), 5u);
  EXPECT_TRUE(fd::extract_terms(std::string(100000, 'x')).empty());  // one 100 KB "word"
}

TEST(KbText, LightStemConflatesCommonForms) {
  EXPECT_EQ(fd::light_stem("shipping"), fd::light_stem("ship"));
  EXPECT_EQ(fd::light_stem("shipped"), fd::light_stem("ships"));
  EXPECT_EQ(fd::light_stem("refunds"), fd::light_stem("refunded"));
  EXPECT_EQ(fd::light_stem("deliveries"), fd::light_stem("delivery"));
  EXPECT_EQ(fd::light_stem("charged"), fd::light_stem("charge"));
  EXPECT_EQ(fd::light_stem("boxes"), "box");
  EXPECT_EQ(fd::light_stem("address"), "address");
}

TEST(KbText, SplitSentences) {
  const auto s = fd::split_sentences(
      "We ship to the U.S. and Puerto Rico. Standard costs $5.99, e.g. for small orders! "
      "Really?\n\n"
      "- First **item** here\n"
      "- Second `item`\n"
      "### Heading skipped\n"
      "1. Numbered step one.\n"
      "Continuation line of the step.\n");
  ASSERT_EQ(s.size(), 7u);
  EXPECT_EQ(s[0], "We ship to the U.S. and Puerto Rico.");
  EXPECT_EQ(s[1], "Standard costs $5.99, e.g. for small orders!");
  EXPECT_EQ(s[2], "Really?");
  EXPECT_EQ(s[3], "First item here");
  EXPECT_EQ(s[4], "Second item");
  EXPECT_EQ(s[5], "Numbered step one.");  // the continuation line belongs to the item...
  EXPECT_EQ(s[6], "Continuation line of the step.");  // ...and is its own sentence
}

TEST(KbText, SplitAtSentenceBoundaries) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "This is sentence number " + std::to_string(i) + ". ";
  const auto parts = fd::split_at_sentence_boundaries(text, 300);
  ASSERT_GT(parts.size(), 5u);
  std::string joined;
  for (const auto& p : parts) {
    EXPECT_LE(fd::utf8_length(p), 300u);
    EXPECT_EQ(p.back(), '.');
    EXPECT_EQ(p.rfind("This is", 0), 0u);
    joined += p + " ";
  }
  EXPECT_EQ(joined, text);
}

TEST(KbText, SplitWithoutBoundariesFallsBackToWordsThenCodePoints) {
  std::string words;
  for (int i = 0; i < 100; ++i) words += "word ";
  for (const auto& p : fd::split_at_sentence_boundaries(words, 22)) {
    EXPECT_LE(p.size(), 22u);
    EXPECT_NE(p.back(), ' ');
  }
  std::string emoji;
  for (int i = 0; i < 50; ++i) emoji += "\xF0\x9F\x98\x80";  // no spaces at all
  const auto parts = fd::split_at_sentence_boundaries(emoji, 7);
  ASSERT_EQ(parts.size(), 8u);
  for (const auto& p : parts) {
    EXPECT_LE(fd::utf8_length(p), 7u);
    EXPECT_EQ(fd::utf8_sanitize(p), p);
  }
  EXPECT_TRUE(fd::split_at_sentence_boundaries("   ", 10).empty());
}

}  // namespace
