// Levenshtein over code points and the word diff shown to operators.

#include <gtest/gtest.h>

#include <string>

#include "domain/edit_distance.hpp"
#include "domain/word_diff.hpp"

namespace {

using namespace frontdesk::domain;

TEST(edit_distance, classic_cases) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("", "abcd"), 4u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("sitting", "kitten"), 3u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
  EXPECT_EQ(edit_distance("same text", "same text"), 0u);
  EXPECT_EQ(edit_distance("abc", "xyz"), 3u);
}

TEST(edit_distance, counts_code_points_not_bytes) {
  EXPECT_EQ(edit_distance("caf\xC3\xA9", "cafe"), 1u);  // é vs e
  EXPECT_EQ(edit_distance("\xE2\x82\xAC"
                          "5",
                          "$5"),
            1u);                                                             // € is one unit
  EXPECT_EQ(edit_distance("\xF0\x9F\x98\x80", ""), 1u);                      // emoji
  EXPECT_EQ(edit_distance("\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5"), 1u);  // 日本 -> 日
  EXPECT_EQ(decode_code_points("a\xC3\xA9").size(), 2u);
}

TEST(edit_distance, invalid_bytes_count_one_each) {
  EXPECT_EQ(edit_distance("\xFF\xFE", ""), 2u);
  EXPECT_EQ(edit_distance("a\xFF"
                          "b",
                          "ab"),
            1u);
  EXPECT_EQ(edit_distance("\xC3", "\xC3\xA9"), 1u);  // truncated sequence vs é
  EXPECT_EQ(edit_distance("\xFF", "\xFF"), 0u);
  EXPECT_EQ(edit_distance("\xFF", "\xFE"), 1u);
}

TEST(edit_distance, normalized_and_large_inputs) {
  EXPECT_DOUBLE_EQ(normalized_edit_distance("", ""), 0.0);
  EXPECT_DOUBLE_EQ(normalized_edit_distance("kitten", "sitting"), 3.0 / 7.0);
  // 20k x 20k would need 400M cells as a matrix; the single row keeps memory tiny.
  std::string a(20000, 'a');
  std::string b = a;
  b[100] = 'b';
  b[19000] = 'c';
  EXPECT_EQ(edit_distance(a, b), 2u);
  std::string c(3000, 'x');
  std::string d(3000, 'y');
  EXPECT_EQ(edit_distance(c, d), 3000u);
}

std::string join(const std::vector<diff_segment>& d, diff_op skip) {
  std::string out;
  for (const auto& s : d) {
    if (s.op != skip) out += s.text;
  }
  return out;
}

TEST(word_diff, marks_inserted_and_deleted_words) {
  const std::string before = "Hi Anna, your order ships today. Thanks!";
  const std::string after = "Hi Anna, your order ships tomorrow morning. Thanks!";
  const auto d = word_diff(before, after);
  const std::vector<diff_segment> expected = {{diff_op::equal, "Hi Anna, your order ships "},
                                              {diff_op::del, "today. "},
                                              {diff_op::insert, "tomorrow morning. "},
                                              {diff_op::equal, "Thanks!"}};
  EXPECT_EQ(d, expected);
  EXPECT_EQ(join(d, diff_op::insert), before);
  EXPECT_EQ(join(d, diff_op::del), after);
  EXPECT_EQ(to_string(diff_op::del), "delete");
}

TEST(word_diff, edge_cases) {
  EXPECT_TRUE(word_diff("", "").empty());
  EXPECT_EQ(word_diff("", "new text"), (std::vector<diff_segment>{{diff_op::insert, "new text"}}));
  EXPECT_EQ(word_diff("old", ""), (std::vector<diff_segment>{{diff_op::del, "old"}}));
  EXPECT_EQ(word_diff("same", "same"), (std::vector<diff_segment>{{diff_op::equal, "same"}}));
  const auto lead = word_diff("  a b", "  a c");
  EXPECT_EQ(join(lead, diff_op::insert), "  a b");
  EXPECT_EQ(join(lead, diff_op::del), "  a c");
}

TEST(word_diff, middle_reordering_and_bounded_fallback) {
  const std::string before = "one two three four five";
  const std::string after = "one three two four five six";
  const auto d = word_diff(before, after);
  EXPECT_EQ(join(d, diff_op::insert), before);
  EXPECT_EQ(join(d, diff_op::del), after);
  // Over the cell budget: one delete and one insert for the differing middle.
  const auto coarse = word_diff("a x y z b", "a p q r b", 4);
  EXPECT_EQ(coarse, (std::vector<diff_segment>{{diff_op::equal, "a "},
                                               {diff_op::del, "x y z "},
                                               {diff_op::insert, "p q r "},
                                               {diff_op::equal, "b"}}));
  std::string big_a, big_b;
  for (int i = 0; i < 5000; ++i) {
    big_a += "w" + std::to_string(i) + " ";
    big_b += "w" + std::to_string(i * 7 % 5000) + " ";
  }
  const auto big = word_diff(big_a, big_b);
  EXPECT_EQ(join(big, diff_op::insert), big_a);
  EXPECT_EQ(join(big, diff_op::del), big_b);
}

}  // namespace
