#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "bench/harness/message_templates.hpp"
#include "bench/harness/operator_sim.hpp"
#include "bench/harness/webhook_sender.hpp"
#include "io/webhook_signature.hpp"

namespace frontdesk::bench {
namespace {

std::string fixture() {
  std::ifstream in(FRONTDESK_SHARED_DIR
                   "/fixtures/chatwoot/message_created.web_widget.incoming.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(WebhookFactory, PutsTheIdsEverywhereTheFixtureHasThem) {
  auto f = webhook_factory::from_fixture(fixture());
  ASSERT_TRUE(f) << f.error();
  const std::string content = render_message(0, 1, 1000042, 3);
  const std::string body = f->body(777000111, 1000042, 1000042, content, 1778062592);
  auto v = boost::json::parse(body).as_object();
  EXPECT_EQ(v.at("id").as_int64(), 777000111);
  EXPECT_EQ(v.at("content").as_string(), content);
  EXPECT_EQ(v.at("created_at").as_string(), "2026-05-06T10:16:32Z");
  EXPECT_EQ(v.at("sender").at("id").as_int64(), 1000042);
  const auto& conv = v.at("conversation").as_object();
  EXPECT_EQ(conv.at("id").as_int64(), 1000042);
  EXPECT_EQ(conv.at("contact_inbox").at("contact_id").as_int64(), 1000042);
  EXPECT_EQ(conv.at("meta").at("sender").at("id").as_int64(), 1000042);
  const auto& m = conv.at("messages").as_array().at(0).as_object();
  EXPECT_EQ(m.at("id").as_int64(), 777000111);
  EXPECT_EQ(m.at("conversation_id").as_int64(), 1000042);
  EXPECT_EQ(m.at("content").as_string(), content);
  EXPECT_EQ(v.at("message_type").as_string(), "incoming");
  // The fixture's own ids are gone.
  EXPECT_EQ(body.find("4521"), std::string::npos);
}

TEST(WebhookFactory, RefusesFixturesItCannotVary) {
  EXPECT_FALSE(webhook_factory::from_fixture(""));
  EXPECT_FALSE(webhook_factory::from_fixture("[1,2]"));
  EXPECT_FALSE(webhook_factory::from_fixture(R"({"id":1,"content":"x"})"));
  EXPECT_FALSE(webhook_factory::from_fixture(R"({"id":1,"content":"x","conversation":5})"));
  EXPECT_FALSE(webhook_factory::from_fixture(R"({"id":1,"content":"x","conversation":{}})"));
  EXPECT_FALSE(webhook_factory::from_fixture(std::string(1000, '{')));
}

TEST(WebhookFactory, SignaturesVerifyLikeChatwootDeliveries) {
  auto f = webhook_factory::from_fixture(fixture());
  ASSERT_TRUE(f);
  const std::string body = f->body(1, 2, 3, "hello", io::system_unix_seconds());
  const std::string ts = std::to_string(io::system_unix_seconds());
  io::chatwoot_signature_verifier v({{"s3cret"}});
  EXPECT_TRUE(v.verify(io::chatwoot_signature("s3cret", ts, body), ts, body));
  EXPECT_FALSE(v.verify(io::chatwoot_signature("other", ts, body), ts, body));
}

TEST(WebhookAnswers, AreClassifiedByWhatTheServerSaid) {
  EXPECT_EQ(classify_webhook_answer(200, R"({"ok":true,"accepted":true,"reason":"stored"})", ""),
            "stored");
  EXPECT_EQ(classify_webhook_answer(
                200, R"({"ok":true,"accepted":true,"reason":"duplicate","duplicate":true})", ""),
            "duplicate");
  EXPECT_EQ(
      classify_webhook_answer(200, R"({"ok":true,"accepted":false,"reason":"private_note"})", ""),
      "not_accepted:private_note");
  EXPECT_EQ(classify_webhook_answer(200, R"({"ok":true})", ""), "not_accepted:unknown");
  EXPECT_EQ(classify_webhook_answer(200, "<html>", ""), "http_200_not_json");
  EXPECT_EQ(classify_webhook_answer(200, R"({"accepted":"yes","reason":7})", ""),
            "not_accepted:unknown");
  EXPECT_EQ(classify_webhook_answer(503, "{}", ""), "http_503");
  EXPECT_EQ(classify_webhook_answer(0, "", "timeout"), "transport:timeout");
  EXPECT_EQ(classify_webhook_answer(0, "", ""), "transport:unknown");
}

TEST(QueueItems, ParsesTheQueueAnswer) {
  const auto items = parse_queue_items(R"({"items":[
      {"id":"q-1","conversation_id":1000001,"draft_version":2,"status":"pending"},
      {"id":17,"conversation_id":1000002,"draft_version":1}],"next_cursor":null})");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, "q-1");
  EXPECT_EQ(items[0].conversation_id, 1000001);
  EXPECT_EQ(items[0].draft_version, 2);
  EXPECT_EQ(items[1].id, "17");
}

TEST(QueueItems, MalformedAndHostileAnswersGiveNothingUsable) {
  EXPECT_TRUE(parse_queue_items("").empty());
  EXPECT_TRUE(parse_queue_items("{").empty());
  EXPECT_TRUE(parse_queue_items("[]").empty());
  EXPECT_TRUE(parse_queue_items(R"({"items":{}})").empty());
  EXPECT_TRUE(parse_queue_items(std::string(100000, '[')).empty());
  const auto partial = parse_queue_items(R"({"items":[
      {"id":"a"},
      {"id":"b","conversation_id":"1","draft_version":1},
      {"id":"","conversation_id":1,"draft_version":1},
      {"id":null,"conversation_id":1,"draft_version":1},
      {"id":"ok","conversation_id":5,"draft_version":3},
      7, null]})");
  ASSERT_EQ(partial.size(), 1u);
  EXPECT_EQ(partial[0].id, "ok");
  std::string huge = R"({"items":[{"id":")" + std::string(5000, 'x') +
                     R"(","conversation_id":1,"draft_version":1}]})";
  EXPECT_TRUE(parse_queue_items(huge).empty());
}

TEST(MessageTemplates, ReferencesRoundTripAndHostileTextFindsNone) {
  for (std::size_t i = 0; i < all_intents().size(); ++i) {
    const auto text = render_message(i, 5, 1234567, 9);
    EXPECT_EQ(find_conversation_ref(text), 1234567);
    EXPECT_EQ(find_conversation_ref("prompt: \"" + text + "\" more"), 1234567);
  }
  EXPECT_FALSE(find_conversation_ref(""));
  EXPECT_FALSE(find_conversation_ref("[ref T"));
  EXPECT_FALSE(find_conversation_ref("[ref Tx1]"));
  EXPECT_FALSE(find_conversation_ref("[ref T12"));
  EXPECT_FALSE(find_conversation_ref("[ref T-5x1]"));
  EXPECT_FALSE(find_conversation_ref("[ref T0x1]"));
  EXPECT_FALSE(find_conversation_ref("[ref T99999999999999999999999x1]"));
  EXPECT_TRUE(intent_index("legal"));
  EXPECT_TRUE(all_intents()[*intent_index("legal")].must_escalate);
  EXPECT_FALSE(intent_index("nope"));
}

}  // namespace
}  // namespace frontdesk::bench
