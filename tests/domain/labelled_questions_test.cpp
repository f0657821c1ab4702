// The labelled retrieval set's line format, including what it skips.
#include "domain/labelled_questions.hpp"

#include <gtest/gtest.h>

namespace frontdesk::domain {
namespace {

TEST(LabelledQuestions, ReadsQuestionAndArticlePerLine) {
  const auto set = parse_labelled_questions(
      "# question\tarticle\n"
      "Where is my parcel?\tshipping-times\r\n"
      "\n"
      "no tab on this line\n"
      "Can I return shoes?\treturns-policy");
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set[0].question, "Where is my parcel?");
  EXPECT_EQ(set[0].article_id, "shipping-times");  // the \r of a CRLF file is not kept
  EXPECT_EQ(set[1].question, "Can I return shoes?");
  EXPECT_EQ(set[1].article_id, "returns-policy");
}

TEST(LabelledQuestions, HostileInputGivesWhatItCanAndNeverThrows) {
  EXPECT_TRUE(parse_labelled_questions("").empty());
  EXPECT_TRUE(parse_labelled_questions("\n\n\r\n#\t\n").empty());
  const std::string binary("a\0b\tc\xff\n", 7);
  const auto set = parse_labelled_questions(binary);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].question, std::string("a\0b", 3));
  const auto empty_parts = parse_labelled_questions("\t\n");
  ASSERT_EQ(empty_parts.size(), 1u);
  EXPECT_EQ(empty_parts[0].question, "");
  EXPECT_EQ(empty_parts[0].article_id, "");
  EXPECT_EQ(parse_labelled_questions(std::string(100000, 'x') + "\ty").at(0).article_id, "y");
}

}  // namespace
}  // namespace frontdesk::domain
