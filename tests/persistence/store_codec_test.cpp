// Queue cursors and grade parsing: round trips and hostile input.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "persistence/migrations.hpp"
#include "persistence/store_codec.hpp"

namespace frontdesk::persistence::detail {
namespace {

TEST(queue_cursor, round_trips_any_text) {
  for (const auto& p : {queue_position{"P0", 0, "a"}, queue_position{"", -5, ""},
                        queue_position{"P3", 1'700'000'000'000, "id with spaces ' \" ; \xff"}}) {
    const auto text = encode_cursor(p);
    for (char c : text) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    const auto back = decode_cursor(text);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->priority, p.priority);
    EXPECT_EQ(back->created_at, p.created_at);
    EXPECT_EQ(back->id, p.id);
  }
}

TEST(queue_cursor, rejects_malformed_oversized_and_hostile_text) {
  const auto good = encode_cursor({"P1", 42, "q-1"});
  std::vector<std::string> bad = {"",
                                  "0",
                                  "zz",
                                  std::string(2000, '0'),
                                  good.substr(0, 10),
                                  good + "1f",
                                  "Q" + good.substr(1),
                                  encode_cursor({"P1", 42, "x"}).replace(0, 4, "7132"),
                                  "'; DROP TABLE queue_items; --"};
  std::string upper = good;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != good) bad.push_back(upper);
  // A created_at that is not a number, or overflows.
  std::string plain = std::string("q1\x1fP1\x1f") + "99999999999999999999" + "\x1fid";
  std::string hex;
  for (unsigned char c : plain) {
    static constexpr char digits[] = "0123456789abcdef";
    hex += digits[c >> 4];
    hex += digits[c & 0xf];
  }
  bad.push_back(hex);
  for (const auto& text : bad) EXPECT_FALSE(decode_cursor(text).has_value()) << text;

  std::mt19937 rng(1234);
  for (int i = 0; i < 2000; ++i) {
    std::string noise(rng() % 64, '\0');
    for (auto& c : noise) c = static_cast<char>(rng());
    const auto decoded = decode_cursor(noise);
    if (decoded) {
      EXPECT_EQ(encode_cursor(*decoded), noise);
    }
  }
}

TEST(grades, mean_of_numeric_members) {
  EXPECT_DOUBLE_EQ(*mean_of_grades(R"({"tone":4,"accuracy":5,"policy":3})"), 4.0);
  EXPECT_DOUBLE_EQ(*mean_of_grades(R"({"tone":4.5,"note":"x"})"), 4.5);
  for (const char* bad : {"", "{}", "[]", "4", "null", R"({"tone":"5"})", "{", "{\"a\":}",
                          "\xff\xfe", R"({"a":[1,2]})"}) {
    EXPECT_FALSE(mean_of_grades(bad).has_value()) << bad;
  }
  EXPECT_FALSE(mean_of_grades(std::string(100'000, '{')).has_value());
}

TEST(migrations, are_embedded_for_both_backends_in_order) {
  for (const char* backend : {"sqlite", "postgresql"}) {
    const auto all = migrations_for(backend);
    ASSERT_FALSE(all.empty()) << backend;
    for (std::size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(all[i].version, static_cast<int>(i + 1)) << backend;
      // Embedded byte for byte from migrations/<backend>/NNNN_<name>.sql.
      char number[8];
      std::snprintf(number, sizeof number, "%04d", all[i].version);
      const std::string path = std::string(FRONTDESK_SOURCE_DIR) + "/persistence/migrations/" +
                               backend + "/" + number + "_" + std::string(all[i].name) + ".sql";
      std::ifstream file(path, std::ios::binary);
      ASSERT_TRUE(file) << path;
      const std::string text((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
      EXPECT_EQ(all[i].sql, text) << path;
    }
  }
  EXPECT_TRUE(migrations_for("oracle").empty());
}

}  // namespace
}  // namespace frontdesk::persistence::detail
