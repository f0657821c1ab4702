// A conversation's snapshot survives the store: encode, decode, equal; the text is one JSON object.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "actors/conversation_snapshot.hpp"

namespace frontdesk::actors::testing {
namespace {

conversation_snapshot full_snapshot() {
  conversation_snapshot s;
  s.fsm.id = 4242;
  s.fsm.current = fsm::state::awaiting_approval;
  s.fsm.priority = domain::priority::p1;
  s.fsm.draft_version = 3;
  s.fsm.draft_request = 0;
  s.fsm.requests_minted = 4;
  s.fsm.last_customer_message = 9001;
  s.fsm.first_response_clock = fsm::time_point(std::chrono::milliseconds(1'700'000'000'000));
  s.fsm.trace_seq = 17;
  s.info.contact = {77, "Zoë \"Q\" O'Neil", "zoe@example.com"};
  s.info.channel = domain::channel::email;
  s.info.labels = {"vip", "escalation_billing"};
  s.info.custom_attributes = {{"order_number", "1042"}, {"order_value", "84.50"}};
  s.info.last_customer_text = "Where is my order?\n<script>alert(1)</script> \xF0\x9F\x98\x80";
  s.info.previous_customer_text = "Hello";
  s.info.assignee = 12;
  draft_content d;
  d.request_id = 4;
  d.text = "Hello Zoë,\n\nyour order ships today.";
  d.confidence = 0.8125;
  d.recommended_action = "edit";
  d.sources_json = R"([{"id":"shipping","relevance":0.9}])";
  d.tags_json = R"(["shipping"])";
  d.sentiment_json = R"({"score":-0.2,"label":"negative","urgency":"high"})";
  d.flags = {"urgent"};
  d.drafter_version = "builtin-1";
  d.intent = "order_status";
  d.created_at = fsm::time_point(std::chrono::milliseconds(1'700'000'100'000));
  d.draft_version = 3;
  d.status = "approved";
  draft_review& r = d.review.get_or_create();
  r.action = "edit";
  r.operator_id = "op-1";
  r.reviewed_at = fsm::time_point(std::chrono::milliseconds(1'700'000'200'000));
  r.edited_text = "Hi Zoë, it ships today.";
  r.grades_json = R"({"tone":5,"accuracy":4,"policy":5})";
  r.notes = "shorter";
  r.fingerprint = "abc";
  s.draft = d;
  return s;
}

TEST(conversation_snapshot_codec, round_trips_with_and_without_a_draft) {
  const conversation_snapshot s = full_snapshot();
  const std::string text = encode_snapshot(s);
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  ASSERT_FALSE(ec) << text;
  ASSERT_TRUE(v.is_object());
  EXPECT_TRUE(v.as_object().at("fsm").is_object());
  auto back = decode_snapshot(text);
  ASSERT_TRUE(back) << back.error();
  EXPECT_TRUE(*back == s);

  conversation_snapshot bare = s;
  bare.draft.reset();
  bare.info.assignee.reset();
  auto back2 = decode_snapshot(encode_snapshot(bare));
  ASSERT_TRUE(back2) << back2.error();
  EXPECT_TRUE(*back2 == bare);
  EXPECT_FALSE(back2->draft.has_value());

  // A draft still waiting for its review comes back without one (nothing held for it).
  conversation_snapshot waiting = s;
  waiting.draft->status = "pending";
  waiting.draft->review.reset();
  auto back3 = decode_snapshot(encode_snapshot(waiting));
  ASSERT_TRUE(back3) << back3.error();
  EXPECT_TRUE(*back3 == waiting);
  EXPECT_FALSE(back3->draft->review.has_value());
  EXPECT_EQ(back3->draft->review_or_empty().action, "");
}

TEST(conversation_snapshot_codec, refuses_what_is_not_a_snapshot) {
  EXPECT_FALSE(decode_snapshot(""));
  EXPECT_FALSE(decode_snapshot("[]"));
  EXPECT_FALSE(decode_snapshot("{\"fsm\":"));
  EXPECT_FALSE(decode_snapshot("{\"fsm\":{},\"info\":{},\"draft\":null}"));
}

}  // namespace
}  // namespace frontdesk::actors::testing
