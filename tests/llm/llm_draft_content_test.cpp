// From a validated LLM answer to the queue's draft: sources, confidence, flags, usage; and the
// usage field in the conversation snapshot.

#include "actors/llm_draft_content.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "actors/conversation_snapshot.hpp"
#include "domain/confidence.hpp"

using namespace frontdesk;
using namespace frontdesk::actors;

namespace {

bool has_flag(const draft_content& d, std::string_view f) {
  return std::find(d.flags.begin(), d.flags.end(), f) != d.flags.end();
}

struct fixture {
  draft_request req;
  llm_draft_input in;
  fixture() {
    req.conversation_id = 3;
    req.request_id = 9;
    req.channel = domain::channel::email;
    req.intent = "shipping";
    req.intent_certainty = 0.9;
    in.request = &req;
    in.passages = {{"shipping", "Shipping", 3, "Costs", "Standard shipping is $5.", 0.92},
                   {"shipping", "Shipping", 3, "Times", "3-5 days.", 0.80},
                   {"returns", "Returns", 1, "Window", "30 days.", 0.71}};
    in.answer.draft = "Hi Jane, standard shipping is $5 and takes 3-5 days.";
    in.answer.confidence = 0.9;
    in.answer.tags = {"shipping"};
    in.answer.sentiment = "neutral";
    in.answer.urgency = io::draft_urgency::low;
    in.answer.recommended_action = io::draft_action::approve;
    in.answer.sources = {"shipping"};
    in.usage = {120, 48, 0.00078, "gpt-test", 1};
    in.model = "gpt-test";
  }
};

TEST(LlmDraftContent, CitedRetrievedSourcesWithBestPassage) {
  fixture f;
  const auto d = compose_llm_draft(f.in);
  const auto sources = boost::json::parse(d.sources_json).as_array();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].at("id").as_string(), "shipping");
  EXPECT_EQ(sources[0].at("section").as_string(), "Costs");
  EXPECT_DOUBLE_EQ(sources[0].at("relevance").as_double(), 0.92);
  EXPECT_EQ(d.drafter_version, "llm:gpt-test");
  EXPECT_EQ(d.text, f.in.answer.draft);
  EXPECT_EQ(d.recommended_action, "approve");
  EXPECT_EQ(d.request_id, 9u);
  EXPECT_FALSE(has_flag(d, "low_confidence"));
  // The documented formula with these inputs.
  domain::confidence_input ci;
  ci.top_relevance = 0.92;
  ci.articles_above_min_relevance = 1;
  ci.intent_certainty = 0.9;
  ci.llm_self_report = 0.9;
  EXPECT_DOUBLE_EQ(d.confidence, domain::confidence(ci));
}

TEST(LlmDraftContent, InventedIdsAreDroppedFlaggedAndCostConfidence) {
  fixture f;
  const double honest = compose_llm_draft(f.in).confidence;
  f.in.answer.sources = {"shipping", "kb-free-money", "shipping"};
  const auto d = compose_llm_draft(f.in);
  EXPECT_TRUE(has_flag(d, "invented_sources"));
  const auto sources = boost::json::parse(d.sources_json).as_array();
  ASSERT_EQ(sources.size(), 1u);  // deduplicated, invented one dropped
  EXPECT_EQ(sources[0].at("id").as_string(), "shipping");
  EXPECT_LT(d.confidence, honest);
}

TEST(LlmDraftContent, KnowledgeUnavailableLowersConfidenceAndFlags) {
  fixture f;
  const double with_knowledge = compose_llm_draft(f.in).confidence;
  f.in.knowledge_available = false;
  f.in.passages.clear();
  f.in.answer.sources.clear();
  const auto d = compose_llm_draft(f.in);
  EXPECT_TRUE(has_flag(d, "knowledge_unavailable"));
  EXPECT_TRUE(has_flag(d, "low_confidence"));
  EXPECT_LT(d.confidence, with_knowledge);
  EXPECT_EQ(d.recommended_action, "edit");  // never "approve" without knowledge
  EXPECT_EQ(d.sources_json, "[]");
}

TEST(LlmDraftContent, UrgencySentimentTagsAndChannelLimit) {
  fixture f;
  f.req.channel = domain::channel::sms;
  f.req.sentiment_score = -0.7;
  f.in.answer.urgency = io::draft_urgency::high;
  f.in.answer.sentiment = "angry";
  f.in.answer.draft = std::string(200, 'x');
  const auto d = compose_llm_draft(f.in);
  EXPECT_TRUE(has_flag(d, "urgent"));
  EXPECT_TRUE(has_flag(d, "over_channel_limit"));
  const auto s = boost::json::parse(d.sentiment_json).as_object();
  EXPECT_EQ(s.at("label").as_string(), "angry");
  EXPECT_EQ(s.at("urgency").as_string(), "high");
  EXPECT_DOUBLE_EQ(s.at("score").as_double(), -0.7);
  EXPECT_EQ(d.tags_json, R"(["shipping"])");
}

TEST(LlmDraftContent, PriorityP1IsUrgentEvenIfTheModelSaysLow) {
  fixture f;
  f.req.priority = domain::priority::p1;
  EXPECT_TRUE(has_flag(compose_llm_draft(f.in), "urgent"));
}

TEST(LlmDraftContent, UsageJsonHasTokensCostModelAttempts) {
  fixture f;
  f.in.usage.attempts = 2;
  const auto u = boost::json::parse(compose_llm_draft(f.in).usage_json).as_object();
  EXPECT_EQ(u.at("prompt_tokens").as_int64(), 120);
  EXPECT_EQ(u.at("completion_tokens").as_int64(), 48);
  EXPECT_EQ(u.at("total_tokens").as_int64(), 168);
  EXPECT_DOUBLE_EQ(u.at("cost_usd").as_double(), 0.00078);
  EXPECT_EQ(u.at("model").as_string(), "gpt-test");
  EXPECT_EQ(u.at("attempts").as_int64(), 2);
}

TEST(SnapshotUsage, RoundTripsAndOldSnapshotsDecodeWithoutIt) {
  conversation_snapshot s;
  s.fsm.id = 5;
  draft_content d;
  d.text = "hello";
  d.usage_json = R"({"prompt_tokens":1,"completion_tokens":2,"cost_usd":0.5,"model":"m"})";
  s.draft = d;
  const std::string encoded = encode_snapshot(s);
  auto back = decode_snapshot(encoded);
  ASSERT_TRUE(back) << back.error();
  ASSERT_TRUE(back->draft);
  EXPECT_EQ(back->draft->usage_json, d.usage_json);
  // An older snapshot has no "usage" key.
  auto root = boost::json::parse(encoded).as_object();
  root["draft"].as_object().erase("usage");
  auto old = decode_snapshot(boost::json::serialize(root));
  ASSERT_TRUE(old) << old.error();
  EXPECT_EQ(old->draft->usage_json, "");
  EXPECT_EQ(old->draft->text, "hello");
}

}  // namespace
