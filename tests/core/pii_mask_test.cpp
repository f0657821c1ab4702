#include "domain/pii_mask.hpp"

#include <gtest/gtest.h>

namespace frontdesk::domain {
namespace {

TEST(pii_mask, masks_emails_keeping_the_domain) {
  EXPECT_EQ(mask_pii("write to jane.doe+shop@example.co.uk please"),
            "write to j***@example.co.uk please");
  EXPECT_EQ(mask_pii("<a@b.io>."), "<a***@b.io>.");
  EXPECT_EQ(mask_pii("not@an-email"), "not@an-email");
  EXPECT_EQ(mask_pii("@handle and x@ and @.com"), "@handle and x@ and @.com");
}

TEST(pii_mask, masks_phone_numbers) {
  EXPECT_EQ(mask_pii("call +1 (555) 010-2345 now"), "call ***-**45 now");
  EXPECT_EQ(mask_pii("tel 555-010-9876"), "tel ***-**76");
  EXPECT_EQ(mask_pii("+4915112345678"), "***-**78");
}

TEST(pii_mask, masks_card_numbers_that_pass_luhn) {
  EXPECT_EQ(mask_pii("card 4111 1111 1111 1111 declined"), "card ****-****-****-1111 declined");
  EXPECT_EQ(mask_pii("5500-0000-0000-0004"), "****-****-****-0004");
  // 16 digits failing Luhn are not a card; as a long unformatted number they are not a
  // phone either, so they stay.
  EXPECT_EQ(mask_pii("order 1234567812345678"), "order 1234567812345678");
}

TEST(pii_mask, leaves_ordinary_numbers_and_text) {
  EXPECT_EQ(mask_pii("order #12345 costs $1,250.00 on 2026-11-21"),
            "order #12345 costs $1,250.00 on 2026-11-21");
  EXPECT_EQ(mask_pii(""), "");
  EXPECT_EQ(mask_pii("ünïcödé ✓ text"), "ünïcödé ✓ text");
  EXPECT_EQ(mask_pii("abc4111111111111111"), "abc4111111111111111");
}

TEST(pii_mask, handles_hostile_input) {
  std::string big(100000, '9');
  EXPECT_EQ(mask_pii(big), big);
  std::string ats(10000, '@');
  EXPECT_EQ(mask_pii(ats), ats);
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  const std::string masked = mask_pii(bytes);  // "0123456789" is masked as a number
  EXPECT_NE(masked.find("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), std::string::npos);
  EXPECT_EQ(masked.find("0123456789"), std::string::npos);
}

}  // namespace
}  // namespace frontdesk::domain
