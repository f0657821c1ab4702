#include "domain/reply_form.hpp"

#include <gtest/gtest.h>

#include "domain/kb_article_text.hpp"

namespace fd = frontdesk::domain;

namespace {

fd::reply_content sample() {
  fd::reply_content c;
  c.first_name = "Dana";
  c.facts = {"Your order #77 is currently shipped."};
  c.body = {"Standard shipping takes 3-5 business days.", "Overnight shipping costs $24.99.",
            "Orders placed before 1:00 pm ET ship the same day.", "A fourth sentence is dropped."};
  c.closing = "Is there anything else I can help with?";
  c.signature = "Customer Support";
  return c;
}

TEST(ReplyForm, RulesPerChannel) {
  EXPECT_TRUE(fd::reply_form_rules_for(fd::channel::email).full_letter);
  EXPECT_TRUE(fd::reply_form_rules_for(fd::channel::web_form).full_letter);
  EXPECT_FALSE(fd::reply_form_rules_for(fd::channel::web_widget).full_letter);
  EXPECT_EQ(fd::reply_form_rules_for(fd::channel::sms).target_chars, 160u);
  EXPECT_EQ(fd::reply_form_rules_for(fd::channel::whatsapp).target_chars, 300u);
  EXPECT_EQ(fd::reply_form_rules_for(fd::channel::whatsapp).split_past_chars, 1600u);
}

TEST(ReplyForm, EmailLetter) {
  const auto r = fd::format_reply(fd::channel::email, sample());
  EXPECT_EQ(r.text,
            "Hi Dana,\n\nYour order #77 is currently shipped.\n\nStandard shipping takes 3-5 "
            "business days. Overnight shipping costs $24.99. Orders placed before 1:00 pm ET ship "
            "the same day.\n\nIs there anything else I can help with?\n\nBest regards,\nCustomer "
            "Support");
  EXPECT_EQ(r.dropped_items, 1u);
  ASSERT_EQ(r.parts.size(), 1u);
}

TEST(ReplyForm, ChatIsOneShortParagraph) {
  const auto r = fd::format_reply(fd::channel::web_widget, sample());
  EXPECT_EQ(r.text,
            "Hi Dana! Your order #77 is currently shipped. Standard shipping takes 3-5 business "
            "days. Overnight shipping costs $24.99. Is there anything else I can help with?");
}

TEST(ReplyForm, SmsDropsLeastImportantItemsToFit) {
  const auto r = fd::format_reply(fd::channel::sms, sample());
  EXPECT_LE(fd::utf8_length(r.text), 160u) << r.text;
  EXPECT_EQ(r.text.rfind("Hi Dana! Your order #77 is currently shipped. Standard shipping", 0), 0u)
      << r.text;
  EXPECT_FALSE(r.over_target);
  EXPECT_GE(r.dropped_items, 1u);
}

TEST(ReplyForm, SmsDropsTheGreetingBeforeTheFirstItem) {
  fd::reply_content c;
  c.first_name = "Alexandria";
  c.body = {std::string(150, 'a') + "."};
  const auto r = fd::format_reply(fd::channel::sms, c);
  EXPECT_EQ(r.text, c.body[0]);
  EXPECT_FALSE(r.over_target);
}

TEST(ReplyForm, UnicodeCountsAsCodePoints) {
  fd::reply_content c;
  c.first_name = "Zoë";
  c.body = {std::string(60, 'x'), ""};
  std::string emoji;
  for (int i = 0; i < 90; ++i) emoji += "\xC3\xA9";  // 90 code points, 180 bytes
  c.body = {emoji};
  const auto r = fd::format_reply(fd::channel::sms, c);
  EXPECT_LE(fd::utf8_length(r.text), 160u);
  EXPECT_GT(r.text.size(), 160u);  // bytes exceed 160, code points do not
  EXPECT_EQ(r.text.rfind("Hi Zoë! ", 0), 0u);
}

TEST(ReplyForm, WhatsAppSplitsLongRepliesIntoParts) {
  fd::reply_content c;
  std::string sentence;
  for (int i = 0; i < 40; ++i) sentence += "word" + std::to_string(i) + " ";
  sentence += "end.";
  for (int i = 0; i < 1; ++i)
    c.body.push_back(sentence + " " + sentence + " " + sentence + " " + sentence + " " + sentence +
                     " " + sentence + " " + sentence + " " + sentence);
  const auto r = fd::format_reply(fd::channel::whatsapp, c);
  EXPECT_TRUE(r.over_target);
  ASSERT_GE(r.parts.size(), 2u);
  std::string joined;
  for (const auto& p : r.parts) {
    EXPECT_LE(fd::utf8_length(p), 1600u);
    EXPECT_EQ(p.back(), '.');
    joined += (joined.empty() ? "" : " ") + p;
  }
  EXPECT_EQ(joined, r.text);
}

TEST(ReplyForm, EmptyContent) {
  const auto email = fd::format_reply(fd::channel::email, {});
  EXPECT_EQ(email.text, "Hello,\n\nBest regards");
  const auto sms = fd::format_reply(fd::channel::sms, {});
  EXPECT_EQ(sms.text, "Hi!");
}

}  // namespace
