// Money amounts in text and refund-over-threshold detection.

#include <gtest/gtest.h>

#include <string>

#include "domain/money.hpp"

namespace {

using namespace frontdesk::domain;

struct expect_amount {
  const char* text;
  std::int64_t minor;
  const char* currency;
};

TEST(money, parses_the_common_formats) {
  for (const auto& [text, minor, currency] : std::initializer_list<expect_amount>{
           {"It cost $1,250.00 in total", 125000, "USD"},
           {"I paid 120 USD", 12000, "USD"},
           {"about \xE2\x82\xAC"
            "90 for shipping",
            9000, "EUR"},
           {"90 EUR", 9000, "EUR"},
           {"USD 75 please", 7500, "USD"},
           {"1.250,00 \xE2\x82\xAC", 125000, "EUR"},
           {"1.250 \xE2\x82\xAC", 125000, "EUR"},
           {"$12.5", 1250, "USD"},
           {"90,50 EUR", 9050, "EUR"},
           {"\xC2\xA3"
            "30",
            3000, "GBP"},
           {"US$ 40", 4000, "USD"},
           {"C$99.99", 9999, "CAD"},
           {"R$ 150,00", 15000, "BRL"},
           {"it was 40 bucks", 4000, "USD"},
           {"200 dollars", 20000, "USD"},
           {"35 euros", 3500, "EUR"},
           {"120usd", 12000, "USD"},
           {"$1.5k", 150000, "USD"},
           {"$1,000,000", 100000000, "USD"},
           {"1.234.567,89 EUR", 123456789, "EUR"},
           {"(\xC2\xA5"
            "5000)",
            500000, "JPY"},
           {"20 $", 2000, "USD"},
       }) {
    const auto found = find_money_amounts(text);
    ASSERT_EQ(found.size(), 1u) << text;
    EXPECT_EQ(found[0].minor_units, minor) << text;
    EXPECT_EQ(found[0].currency, currency) << text;
  }
}

TEST(money, offsets_and_several_amounts) {
  const std::string text = "Paid $59.99 but was charged $599.99 and 10 EUR fee";
  const auto found = find_money_amounts(text);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(text.substr(found[0].offset, found[0].length), "$59.99");
  EXPECT_EQ(text.substr(found[1].offset, found[1].length), "$599.99");
  EXPECT_EQ(text.substr(found[2].offset, found[2].length), "10 EUR");
  EXPECT_DOUBLE_EQ(found[1].value(), 599.99);
}

TEST(money, ignores_numbers_without_currency_and_bad_formats) {
  for (const char* text :
       {"order 12345", "order #5521 on 12/05", "1,250 ml bottle", "call 555-0134", "3rd time",
        "v1.250", "$", "USD", "$,50", "1,25,0 EUR", "$1,2345", "$1.250" /* ambiguous */, "ABCUSD 5",
        "$99999999999999999999", "$1,000,000,000,000,000", "NZ$ 40"}) {
    EXPECT_TRUE(find_money_amounts(text).empty()) << text;
  }
}

TEST(money, hostile_input_is_bounded) {
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "$1 ";
  const auto found = find_money_amounts(many);
  EXPECT_LE(found.size(), 64u * 1024 / 3 + 1);
  EXPECT_TRUE(find_money_amounts(std::string(100000, '9')).empty());
  EXPECT_TRUE(find_money_amounts(std::string("\xE2\x82", 2)).empty());
  EXPECT_TRUE(find_money_amounts(std::string("5\0USD", 5)).empty());
}

TEST(money, parse_single_values) {
  EXPECT_EQ(parse_money_value("750")->minor_units, 75000);
  EXPECT_EQ(parse_money_value("750")->currency, "USD");
  EXPECT_EQ(parse_money_value(" 750.50 ")->minor_units, 75050);
  EXPECT_EQ(parse_money_value("$1,200.00")->minor_units, 120000);
  EXPECT_EQ(parse_money_value("EUR 90")->currency, "EUR");
  EXPECT_EQ(parse_money_value("90", "EUR")->currency, "EUR");
  for (const std::string& bad :
       {std::string(), std::string("abc"), std::string("12 apples"), std::string("$5 and $6"),
        std::string("-5"), std::string("1e9"), std::string("5."), std::string(100, '1')}) {
    EXPECT_FALSE(parse_money_value(bad)) << bad;
  }
}

TEST(money, approximate_usd_uses_rates) {
  EXPECT_DOUBLE_EQ(approximate_usd({10000, "USD"}), 100.0);
  EXPECT_NEAR(approximate_usd({10000, "EUR"}), 108.0, 1e-9);
  EXPECT_NEAR(approximate_usd({1000000, "JPY"}), 67.0, 1e-9);
  EXPECT_DOUBLE_EQ(approximate_usd({10000, "XYZ"}), 100.0);
}

TEST(money, refund_over_threshold_near_a_refund_word) {
  EXPECT_EQ(find_refund_over("I want a refund of $250", 100)->minor_units, 25000);
  EXPECT_EQ(find_refund_over("Please refund the 120 USD you owe me", 100)->minor_units, 12000);
  EXPECT_TRUE(
      find_refund_over("Can I get my money back? I paid \xE2\x82\xAC"
                       "190",
                       100));
  EXPECT_TRUE(find_refund_over("Necesito el reembolso de 1.250,00 \xE2\x82\xAC", 100));
  EXPECT_FALSE(find_refund_over("I want a refund of $100", 100));  // not over
  EXPECT_TRUE(find_refund_over("I want a refund of $100.01", 100));
  EXPECT_FALSE(find_refund_over("refund me 95 dollars", 100));
  EXPECT_FALSE(find_refund_over("The $300 blender is great", 100));  // no refund word
  EXPECT_FALSE(find_refund_over("I want a refund", 100));            // no amount
  EXPECT_FALSE(find_refund_over(
      "I want a refund. Unrelated: last year one two three four five six seven eight nine ten "
      "eleven twelve thirteen I bought a $900 TV",
      100));  // too far apart
  // The largest qualifying amount is reported.
  EXPECT_EQ(find_refund_over("refund $150 and $300 please", 100)->minor_units, 30000);
  EXPECT_FALSE(find_refund_over("refund 9000 JPY", 100));  // about $60
}

}  // namespace
