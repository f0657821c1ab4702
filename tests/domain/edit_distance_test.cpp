// Levenshtein over code points and the word diff shown to operators.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

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

namespace frontdesk::domain {
namespace {

/// The textbook dynamic programme, as the reference for the bit-parallel one.
std::size_t reference_distance(const std::u32string& a, const std::u32string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

TEST(edit_distance, bit_parallel_agrees_with_the_reference_across_block_boundaries) {
  std::mt19937 rng(20261122);
  // Small alphabets make long runs of matches and mismatches; non-ASCII takes the map path.
  const std::u32string alphabet = U"abcé€ 😀";
  for (int round = 0; round < 400; ++round) {
    const std::size_t sizes[] = {1, 2, 63, 64, 65, 127, 128, 129, 200, 300};
    auto random_text = [&](std::size_t n, std::size_t letters) {
      std::u32string s;
      for (std::size_t i = 0; i < n; ++i) s += alphabet[rng() % letters];
      return s;
    };
    const std::size_t letters = 2 + rng() % (alphabet.size() - 1);
    const std::u32string a = random_text(sizes[rng() % 10] + rng() % 3, letters);
    std::u32string b = a;
    // Mutate a copy so the two share long stretches (the case drafts and edits are).
    const int edits = static_cast<int>(rng() % 40);
    for (int e = 0; e < edits && !b.empty(); ++e) {
      const std::size_t at = rng() % b.size();
      switch (rng() % 3) {
        case 0:
          b.erase(at, 1);
          break;
        case 1:
          b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), alphabet[rng() % letters]);
          break;
        default:
          b[at] = alphabet[rng() % letters];
      }
    }
    const std::u32string c = random_text(rng() % 260, letters);  // unrelated text
    ASSERT_EQ(edit_distance(std::u32string_view(a), std::u32string_view(b)),
              reference_distance(a, b))
        << "round " << round << " sizes " << a.size() << " / " << b.size();
    ASSERT_EQ(edit_distance(std::u32string_view(a), std::u32string_view(c)),
              reference_distance(a, c))
        << "round " << round << " sizes " << a.size() << " / " << c.size();
  }
}

}  // namespace
}  // namespace frontdesk::domain
