// Triage rules: priority, triggers and their order, configuration, routing and labels.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "domain/triage.hpp"

namespace {

using namespace frontdesk::domain;

triage_result run(const std::string& text, const triage_config& config = {},
                  customer_history history = {}, std::map<std::string, std::string> attrs = {}) {
  triage_input in;
  in.text = text;
  in.channel = channel::email;
  in.history = history;
  in.custom_attributes = std::move(attrs);
  return triage(in, config);
}

bool has_label(const triage_result& r, const std::string& label) {
  return std::find(r.labels_to_apply.begin(), r.labels_to_apply.end(), label) !=
         r.labels_to_apply.end();
}

TEST(triage, priority_table) {
  EXPECT_EQ(run("My payment failed at checkout").priority, priority::p0);
  EXPECT_EQ(run("my account was hacked").priority, priority::p0);
  EXPECT_EQ(run("you sent the wrong item").priority, priority::p0);
  EXPECT_EQ(run("my parcel is late").priority, priority::p1);
  EXPECT_EQ(run("the mug arrived broken").priority, priority::p1);
  EXPECT_EQ(run("what sizes do you have?").priority, priority::p2);
  EXPECT_EQ(run("where is my order?").priority, priority::p2);
  EXPECT_EQ(run("Suggestion: add a dark mode").priority, priority::p3);
  EXPECT_EQ(run("").priority, priority::p2);
}

TEST(triage, p0_goes_to_a_human_with_its_category_team) {
  triage_config config;
  config.routing[escalation_category::security] = {7, 42};
  config.routing[escalation_category::billing] = {8, std::nullopt};
  const auto hacked = run("Someone hacked my account", config);
  EXPECT_EQ(hacked.route, triage_route::human);
  EXPECT_EQ(hacked.escalation_reason, "p0");
  EXPECT_EQ(hacked.category, escalation_category::security);
  EXPECT_EQ(hacked.assignment.team_id, 7);
  EXPECT_EQ(hacked.assignment.assignee_id, 42);
  const auto declined = run("card declined again", config);
  EXPECT_EQ(declined.category, escalation_category::billing);
  EXPECT_EQ(declined.assignment.team_id, 8);
  EXPECT_FALSE(declined.assignment.assignee_id);
  // Categories without configured routing leave the assignment empty.
  const auto wrong = run("wrong item in my box", config);
  EXPECT_EQ(wrong.category, escalation_category::general);
  EXPECT_FALSE(wrong.assignment.team_id);
}

TEST(triage, ai_route_has_no_reason_or_assignment) {
  triage_config config;
  config.routing[escalation_category::general] = {1, 2};
  const auto r = run("Do you ship to Canada?", config);
  EXPECT_EQ(r.route, triage_route::ai_draft);
  EXPECT_TRUE(r.escalation_reason.empty());
  EXPECT_TRUE(r.triggers.empty());
  EXPECT_FALSE(r.assignment.team_id);
}

TEST(triage, keyword_trigger_raises_to_p1_with_keyword_category) {
  const auto r = run("Expect to hear from my Lawyers.");
  EXPECT_EQ(r.route, triage_route::human);
  EXPECT_EQ(r.escalation_reason, "keyword:lawyer");
  EXPECT_EQ(r.category, escalation_category::legal);
  EXPECT_EQ(r.priority, priority::p1);
  ASSERT_EQ(r.triggers.size(), 1u);
  EXPECT_EQ(r.triggers[0].detail, "mentions \"Lawyers\"");
  // A keyword without its own category takes the message's (payment -> billing).
  EXPECT_EQ(run("URGENT: the invoice for my payment").category, escalation_category::billing);
}

TEST(triage, keyword_list_is_configurable) {
  triage_config config;
  config.keywords = {"ombudsman"};
  EXPECT_EQ(run("I'll write to the ombudsman", config).escalation_reason, "keyword:ombudsman");
  EXPECT_EQ(run("my lawyer says hi", config).route, triage_route::ai_draft);
  config.keywords_enabled = false;
  EXPECT_EQ(run("I'll write to the ombudsman", config).route, triage_route::ai_draft);
}

TEST(triage, unresolved_conversations_threshold) {
  EXPECT_EQ(run("hi", {}, {2, std::nullopt}).route, triage_route::ai_draft);
  const auto r = run("hi", {}, {3, std::nullopt});
  EXPECT_EQ(r.escalation_reason, "unresolved_conversations");
  triage_config config;
  config.max_unresolved_conversations = 5;
  EXPECT_EQ(run("hi", config, {5, std::nullopt}).route, triage_route::ai_draft);
  config.unresolved_enabled = false;
  EXPECT_EQ(run("hi", config, {50, std::nullopt}).route, triage_route::ai_draft);
}

TEST(triage, low_grade_threshold) {
  EXPECT_EQ(run("hi", {}, {0, 3.0}).route, triage_route::ai_draft);
  EXPECT_EQ(run("hi", {}, {0, 2.99}).escalation_reason, "low_grade");
  triage_config config;
  config.min_last_grade = 4.0;
  EXPECT_EQ(run("hi", config, {0, 3.5}).escalation_reason, "low_grade");
  config.low_grade_enabled = false;
  EXPECT_EQ(run("hi", config, {0, 1.0}).route, triage_route::ai_draft);
}

TEST(triage, order_value_threshold_from_attributes) {
  EXPECT_EQ(run("hi", {}, {}, {{"order_value", "500"}}).route, triage_route::ai_draft);
  const auto r = run("hi", {}, {}, {{"order_value", "500.01"}});
  EXPECT_EQ(r.escalation_reason, "order_value");
  EXPECT_EQ(r.category, escalation_category::billing);
  EXPECT_EQ(run("hi", {}, {}, {{"order_total", "$1,200.00"}}).escalation_reason, "order_value");
  EXPECT_EQ(run("hi", {}, {}, {{"order_value", "480 EUR"}}).escalation_reason, "order_value");
  EXPECT_EQ(run("hi", {}, {}, {{"order_value", "garbage"}}).route, triage_route::ai_draft);
  triage_config config;
  config.max_order_value_usd = 1000;
  EXPECT_EQ(run("hi", config, {}, {{"order_value", "750"}}).route, triage_route::ai_draft);
  config.order_value_enabled = false;
  EXPECT_EQ(run("hi", config, {}, {{"order_value", "7500"}}).route, triage_route::ai_draft);
}

TEST(triage, refund_amount_threshold) {
  EXPECT_EQ(run("please refund my $100").route, triage_route::ai_draft);
  const auto r = run("please refund my $100.50");
  EXPECT_EQ(r.escalation_reason, "refund_amount");
  EXPECT_EQ(r.triggers[0].detail, "refund of 100.50 USD");
  triage_config config;
  config.max_refund_usd = 50;
  EXPECT_EQ(run("please refund my $60", config).escalation_reason, "refund_amount");
  config.refund_enabled = false;
  EXPECT_EQ(run("please refund my $600", config).route, triage_route::ai_draft);
}

TEST(triage, anger_threshold) {
  const std::string text = "You are useless liars, this is a scam";
  EXPECT_EQ(run(text).escalation_reason, "high_anger");
  triage_config config;
  config.anger_threshold = 0.999;
  EXPECT_EQ(run(text, config).route, triage_route::ai_draft);
  config.anger_threshold = 0.6;
  config.anger_enabled = false;
  EXPECT_EQ(run(text, config).route, triage_route::ai_draft);
}

TEST(triage, primary_reason_order_and_all_triggers_kept) {
  const auto r = run("My account was hacked, refund the $900 or my lawyer will call, you LIARS!!!",
                     {}, {4, 1.5}, {{"order_value", "900"}});
  EXPECT_EQ(r.priority, priority::p0);
  EXPECT_EQ(r.escalation_reason, "p0");
  std::vector<std::string> reasons;
  for (const auto& t : r.triggers) reasons.push_back(t.reason);
  EXPECT_EQ(reasons,
            (std::vector<std::string>{"p0", "keyword:lawyer", "refund_amount", "order_value",
                                      "high_anger", "low_grade", "unresolved_conversations"}));
  const auto no_p0 = run("refund the $900 or my lawyer will call", {}, {4, 1.5});
  EXPECT_EQ(no_p0.escalation_reason, "keyword:lawyer");
  EXPECT_EQ(no_p0.priority, priority::p1);
}

TEST(triage, labels_skip_existing_ones) {
  triage_input in;
  in.text = "Hola, mi pedido no ha llegado y necesito ayuda urgente, es urgent";
  in.labels = {"priority_p1"};
  const auto r = triage(in, {});
  EXPECT_FALSE(has_label(r, "priority_p1"));
  EXPECT_TRUE(has_label(r, "lang_es"));
  EXPECT_TRUE(has_label(r, "ai_escalated"));
  EXPECT_TRUE(has_label(r, "escalation_general"));
  const auto plain = run("Do you ship to Canada?");
  EXPECT_TRUE(has_label(plain, "priority_p2"));
  EXPECT_TRUE(has_label(plain, "intent_shipping"));
  EXPECT_FALSE(has_label(plain, "ai_escalated"));
}

TEST(triage, reports_intent_language_and_sentiment) {
  const auto r = run("Bonjour, je veux un remboursement, le produit est cassé, je suis très déçu");
  EXPECT_EQ(r.language.code, "fr");
  EXPECT_EQ(r.intent.value, intent::refund);
  EXPECT_LT(r.sentiment.score, 0.0);
  EXPECT_EQ(r.priority, priority::p1);
}

TEST(triage, hostile_input_does_not_break_it) {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "lawyer $5 \xFF ";
  const auto r = run(big);
  EXPECT_EQ(r.route, triage_route::human);
  EXPECT_EQ(run(std::string(3, '\0')).route, triage_route::ai_draft);
  EXPECT_EQ(to_string(escalation_category::technical), "technical");
  EXPECT_EQ(parse_escalation_category("legal"), escalation_category::legal);
  EXPECT_FALSE(parse_escalation_category("nope"));
}

}  // namespace
