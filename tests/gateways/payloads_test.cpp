// Outbox payload parsing and note rendering for Chatwoot delivery, with hostile input.

#include "actors/chatwoot_payloads.hpp"

#include <gtest/gtest.h>

#include "actors/chatwoot_gateway.hpp"
#include "actors/reconciler.hpp"

namespace frontdesk::actors::testing {
namespace {

TEST(ReplyPayload, ReadsContentAfterIdAndAction) {
  auto p = parse_reply_payload(R"({"content":"Hi there","after_id":4501,"action":"edit"})");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->content, "Hi there");
  EXPECT_EQ(p->after_id, 4501);
  EXPECT_EQ(p->action, "edit");
}

TEST(ReplyPayload, OldPayloadWithOnlyContentDefaults) {
  auto p = parse_reply_payload(R"({"content":"Hi"})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->after_id, 0);
  EXPECT_EQ(p->action, "");
}

TEST(ReplyPayload, RefusesMalformedWrongTypesAndOversized) {
  EXPECT_FALSE(parse_reply_payload(""));
  EXPECT_FALSE(parse_reply_payload("{"));
  EXPECT_FALSE(parse_reply_payload("[1,2]"));
  EXPECT_FALSE(parse_reply_payload(R"({"content":5})"));
  EXPECT_FALSE(parse_reply_payload(R"({"after_id":1})"));
  EXPECT_FALSE(parse_reply_payload(R"({"content":"x","after_id":"12"})"));
  EXPECT_FALSE(parse_reply_payload(R"({"content":"x","action":{}})"));
  const std::string huge = R"({"content":")" + std::string(2 * 1024 * 1024, 'a') + R"("})";
  EXPECT_FALSE(parse_reply_payload(huge));
  std::string deep(5000, '[');
  EXPECT_FALSE(parse_reply_payload(deep));
  // A negative after_id cannot narrow the search below "everything".
  auto neg = parse_reply_payload(R"({"content":"x","after_id":-5})");
  ASSERT_TRUE(neg);
  EXPECT_EQ(neg->after_id, 0);
}

TEST(HandoffPayload, ReadsEveryField) {
  auto h = parse_handoff_payload(
      R"({"reason":"low_confidence","low_confidence":true,"draft":"Maybe","draft_version":3,
          "assignee_id":12,"category":"billing","note":"VIP, call back",
          "sentiment":"negative","sources":["Refunds","Payments"]})");
  ASSERT_TRUE(h) << h.error();
  EXPECT_EQ(h->reason, "low_confidence");
  EXPECT_TRUE(h->low_confidence);
  EXPECT_EQ(h->draft.value_or(""), "Maybe");
  EXPECT_EQ(h->draft_version, 3);
  EXPECT_EQ(h->assignee_id.value_or(0), 12);
  EXPECT_EQ(h->category, "billing");
  EXPECT_EQ(h->note, "VIP, call back");
  EXPECT_EQ(h->sentiment, "negative");
  EXPECT_EQ(h->sources, (std::vector<std::string>{"Refunds", "Payments"}));
}

TEST(HandoffPayload, RefusesWrongTypesAndIgnoresNonPositiveAssignee) {
  EXPECT_FALSE(parse_handoff_payload(R"({"reason":1})"));
  EXPECT_FALSE(parse_handoff_payload(R"({"reason":"x","low_confidence":"yes"})"));
  EXPECT_FALSE(parse_handoff_payload(R"({"reason":"x","assignee_id":"12"})"));
  EXPECT_FALSE(parse_handoff_payload("null"));
  EXPECT_FALSE(parse_handoff_payload(R"({"reason":"x","sources":"Refunds"})"));
  EXPECT_FALSE(parse_handoff_payload(R"({"reason":"x","sources":[1]})"));
  EXPECT_FALSE(parse_handoff_payload(R"({"reason":"x","note":{}})"));
  auto h = parse_handoff_payload(R"({"reason":"x","assignee_id":0,"draft":null})");
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->assignee_id);
  EXPECT_FALSE(h->draft);
}

TEST(PriorityPayload, MapsToChatwootLevels) {
  auto p = parse_priority_payload(R"({"priority":"P0"})");
  ASSERT_TRUE(p);
  EXPECT_EQ(chatwoot_priority(*p).value_or(""), "urgent");
  EXPECT_EQ(chatwoot_priority("P1").value_or(""), "high");
  EXPECT_EQ(chatwoot_priority("P2").value_or(""), "medium");
  EXPECT_EQ(chatwoot_priority("P3").value_or(""), "low");
  EXPECT_FALSE(chatwoot_priority("P4"));
  EXPECT_FALSE(chatwoot_priority("p0"));
  EXPECT_FALSE(parse_priority_payload(R"({"priority":""})"));
  EXPECT_FALSE(parse_priority_payload(R"({"priority":3})"));
  EXPECT_FALSE(parse_priority_payload("{}"));
}

TEST(DraftNote, RendersEverythingTheOperatorNeeds) {
  auto note = render_draft_note(R"({
    "draft_version": 2, "draft": "Your order ships tomorrow.", "confidence": 0.62,
    "recommended_action": "edit", "drafter_version": "frontdesk offline drafter",
    "generated_at_ms": 1767323045000, "flags": ["urgent", "knowledge_unavailable"],
    "sources": [{"id":"shipping","title":"Shipping options","version":3,"relevance":0.91}],
    "tags": ["shipping","order-status"], "sentiment": {"label":"negative","urgency":"high"}})");
  ASSERT_TRUE(note) << note.error();
  EXPECT_NE(note->find("**AI DRAFT** (confidence: 62%)"), std::string::npos) << *note;
  EXPECT_NE(note->find("LOW CONFIDENCE"), std::string::npos);
  EXPECT_NE(note->find("URGENT"), std::string::npos);
  EXPECT_NE(note->find("KNOWLEDGE UNAVAILABLE"), std::string::npos);
  EXPECT_NE(note->find("Your order ships tomorrow."), std::string::npos);
  EXPECT_NE(note->find("Shipping options (shipping, v3): relevance 91%"), std::string::npos);
  EXPECT_NE(note->find("shipping, order-status"), std::string::npos);
  EXPECT_NE(note->find("negative"), std::string::npos);
  EXPECT_NE(note->find("EDIT"), std::string::npos);
  EXPECT_NE(note->find("2026-01-02T03:04:05Z"), std::string::npos);
  EXPECT_NE(note->find("frontdesk offline drafter"), std::string::npos);
}

TEST(DraftNote, HighConfidenceHasNoLowConfidenceLineUnlessFlagged) {
  auto plain = render_draft_note(R"({"draft":"ok","confidence":0.9})");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->find("LOW CONFIDENCE"), std::string::npos);
  auto flagged = render_draft_note(R"({"draft":"ok","confidence":0.9,"flags":["low_confidence"]})");
  ASSERT_TRUE(flagged);
  EXPECT_NE(flagged->find("LOW CONFIDENCE"), std::string::npos);
}

TEST(DraftNote, SameAnswerEveryTimeForTheSamePayload) {
  const std::string payload = R"({"draft":"x","confidence":0.8,"generated_at_ms":5})";
  EXPECT_EQ(render_draft_note(payload).value_or("a"), render_draft_note(payload).value_or("b"));
}

TEST(DraftNote, OldPayloadPointsToTheQueue) {
  auto note = render_draft_note(R"({"draft_version":4})");
  ASSERT_TRUE(note);
  EXPECT_NE(note->find("v4"), std::string::npos);
}

TEST(DraftNote, HostileFieldsDoNotBreakIt) {
  EXPECT_FALSE(render_draft_note(R"({"draft":7})"));
  EXPECT_FALSE(render_draft_note("not json"));
  auto odd = render_draft_note(
      R"({"draft":"x","confidence":"high","sources":[1,"a",{"id":5,"version":-9999999999999}],
          "tags":[1,null,"t"],"sentiment":[],"flags":{},"generated_at_ms":"soon"})");
  ASSERT_TRUE(odd) << odd.error();
  EXPECT_NE(odd->find("confidence: 0%"), std::string::npos);
  // An out-of-range number is either refused as malformed or shown as 0%, never as "inf%".
  auto huge = render_draft_note(R"({"draft":"x","confidence":1e400})");
  if (huge) {
    EXPECT_NE(huge->find("confidence: 0%"), std::string::npos) << *huge;
  }
}

TEST(HandoffNote, SaysWhyWhoAndShowsTheDraft) {
  handoff_payload h;
  h.reason = "low_confidence";
  h.low_confidence = true;
  h.draft = "line one\nline two";
  h.draft_version = 3;
  h.category = "billing";
  h.note = "Customer asked twice";
  h.sentiment = "negative";
  h.sources = {"Refunds", "Payments"};
  const std::string note = render_handoff_note(h, 12, 3);
  EXPECT_NE(note.find("**Operator's note:** Customer asked twice"), std::string::npos) << note;
  EXPECT_NE(note.find("**Sentiment:** negative"), std::string::npos);
  EXPECT_NE(note.find("**Sources:** Refunds, Payments"), std::string::npos);
  EXPECT_NE(note.find("confidence is below"), std::string::npos) << note;
  EXPECT_NE(note.find("LOW CONFIDENCE"), std::string::npos);
  EXPECT_NE(note.find("agent #12, team #3"), std::string::npos);
  EXPECT_NE(note.find("> line one\n> line two"), std::string::npos);
  EXPECT_NE(note.find("billing"), std::string::npos);
}

TEST(HandoffNote, WithoutDraftAsksForAHumanReply) {
  handoff_payload h;
  h.reason = "keyword:lawyer";
  const std::string note = render_handoff_note(h, std::nullopt, std::nullopt);
  EXPECT_NE(note.find("\"lawyer\""), std::string::npos);
  EXPECT_NE(note.find("please answer the customer"), std::string::npos);
  EXPECT_EQ(note.find("Assigned"), std::string::npos);
}

io::cw_message msg(std::int64_t id, io::cw_message_type t, bool priv = false) {
  io::cw_message m;
  m.id = id;
  m.message_type = t;
  m.is_private = priv;
  m.content = "m" + std::to_string(id);
  return m;
}

std::vector<std::int64_t> ids(const std::vector<io::cw_message>& v) {
  std::vector<std::int64_t> out;
  for (const auto& m : v) out.push_back(m.id);
  return out;
}

using T = io::cw_message_type;

TEST(MessagesToSubmit, AfterTheHighWaterMarkOnlyCustomerMessages) {
  std::vector<io::cw_message> m{msg(1, T::incoming), msg(2, T::outgoing),
                                msg(3, T::incoming), msg(4, T::outgoing, true),
                                msg(5, T::incoming), msg(6, T::activity)};
  EXPECT_EQ(ids(messages_to_submit(m, 2, {})), (std::vector<std::int64_t>{3, 5}));
  EXPECT_TRUE(messages_to_submit(m, 6, {}).empty());
}

TEST(MessagesToSubmit, FirstSightWithStoreKnowledgeFillsGaps) {
  std::vector<io::cw_message> m{msg(1, T::incoming), msg(2, T::incoming), msg(3, T::outgoing),
                                msg(4, T::incoming), msg(5, T::incoming)};
  // The store holds 2 and 5: 4 was lost; 1 predates what the store knows.
  EXPECT_EQ(ids(messages_to_submit(m, std::nullopt, {5, 2})), (std::vector<std::int64_t>{4}));
}

TEST(MessagesToSubmit, FirstSightWithNothingKnownTakesTheUnansweredTail) {
  std::vector<io::cw_message> m{msg(1, T::incoming), msg(2, T::outgoing), msg(3, T::incoming),
                                msg(4, T::outgoing, true), msg(5, T::incoming)};
  EXPECT_EQ(ids(messages_to_submit(m, std::nullopt, {})), (std::vector<std::int64_t>{3, 5}));
  std::vector<io::cw_message> answered{msg(1, T::incoming), msg(2, T::outgoing)};
  EXPECT_TRUE(messages_to_submit(answered, std::nullopt, {}).empty());
  EXPECT_TRUE(messages_to_submit({}, std::nullopt, {}).empty());
}

TEST(ReconciledCommand, MatchesTheWebhookDedupeKey) {
  io::cw_conversation c;
  c.id = 311;
  c.channel = "Channel::Email";
  c.contact.id = 77;
  c.contact.name = "Jane";
  c.custom_attributes_json = R"({"order_number":"A1","order_value":250,"none":null})";
  c.labels = {"vip"};
  io::cw_message m = msg(4510, T::incoming);
  m.content = "Where is my order?";
  const conversation_command cmd = reconciled_message_command(c, m);
  EXPECT_EQ(cmd.conversation_id, 311);
  ASSERT_TRUE(cmd.inbound);
  EXPECT_EQ(cmd.inbound->dedupe_key, "message_created:4510");
  EXPECT_EQ(cmd.inbound->event, "message_created");
  ASSERT_TRUE(cmd.event);
  const auto* ev = std::get_if<fsm::ev::customer_message>(&*cmd.event);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(ev->message_id, 4510);
  ASSERT_TRUE(cmd.data && cmd.data->message);
  EXPECT_EQ(cmd.data->message->content, "Where is my order?");
  EXPECT_EQ(cmd.data->message->contact.id, 77);
  EXPECT_EQ(cmd.data->message->channel, domain::channel::email);
  ASSERT_TRUE(cmd.data->message->custom_attributes);
  EXPECT_EQ(cmd.data->message->custom_attributes->at("order_number"), "A1");
  EXPECT_EQ(cmd.data->message->custom_attributes->at("order_value"), "250");
  EXPECT_FALSE(cmd.data->message->custom_attributes->contains("none"));
}

}  // namespace
}  // namespace frontdesk::actors::testing
