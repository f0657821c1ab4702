#include "io/chatwoot_event.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace frontdesk::io {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(FRONTDESK_SHARED_DIR) + "/fixtures/chatwoot/" + name,
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

chatwoot_event parse_ok(const std::string& body) {
  auto r = parse_chatwoot_event(body);
  EXPECT_TRUE(r.has_value()) << (r.has_value() ? "" : r.error().code + ": " + r.error().message);
  return r.has_value() ? *r : chatwoot_event{};
}

chatwoot_parse_error parse_err(const std::string& body, const chatwoot_parse_limits& l = {}) {
  auto r = parse_chatwoot_event(body, l);
  EXPECT_FALSE(r.has_value());
  return r.has_value() ? chatwoot_parse_error{} : r.error();
}

const chatwoot_classify_options ours{1};

TEST(ChatwootEvent, WebWidgetIncomingIsACustomerMessage) {
  auto e = parse_ok(fixture("message_created.web_widget.incoming.json"));
  EXPECT_EQ(e.event, "message_created");
  EXPECT_EQ(e.message_id, 4521);
  EXPECT_EQ(e.content, "Hi, my order #1042 hasn't arrived yet. Can you check where it is?");
  EXPECT_EQ(e.content_type, "text");
  EXPECT_EQ(e.message_type, chatwoot_message_type::incoming);
  EXPECT_FALSE(e.is_private);
  EXPECT_EQ(e.created_at, 1778062532);  // 2026-05-06T10:15:32Z
  ASSERT_TRUE(e.sender);
  EXPECT_EQ(e.sender->id, 77);
  EXPECT_EQ(e.sender->name, "Jane Doe");
  EXPECT_EQ(e.sender->email, "jane@example.com");
  ASSERT_TRUE(e.conversation);
  EXPECT_EQ(e.conversation->display_id, 311);
  EXPECT_EQ(e.conversation->inbox_id, 3);
  EXPECT_EQ(e.conversation->channel, "Channel::WebWidget");
  EXPECT_EQ(e.conversation->status, "open");
  EXPECT_FALSE(e.conversation->priority);
  EXPECT_EQ(e.conversation->contact_id, 77);
  EXPECT_FALSE(e.conversation->assignee_id);
  EXPECT_EQ(e.conversation->custom_attributes.at("order_number"), "1042");
  EXPECT_EQ(e.dedupe_key(), "message_created:4521");
  auto c = classify(e, ours);
  EXPECT_EQ(c.kind, chatwoot_event_kind::customer_message);
}

TEST(ChatwootEvent, EmailIncomingCarriesSubject) {
  auto e = parse_ok(fixture("message_created.email.incoming.json"));
  EXPECT_EQ(e.message_id, 9001);
  EXPECT_EQ(e.content_type, "incoming_email");
  EXPECT_EQ(e.email_subject, "Double charge");
  EXPECT_EQ(e.source_id, "msg-9001@mail.customer.example");
  EXPECT_EQ(e.conversation->channel, "Channel::Email");
  EXPECT_EQ(e.conversation->display_id, 312);
  EXPECT_EQ(e.conversation->contact_id, 81);
  EXPECT_EQ(classify(e, ours).kind, chatwoot_event_kind::customer_message);
}

TEST(ChatwootEvent, PrivateNoteEchoIsRecognised) {
  auto e = parse_ok(fixture("message_created.private_note_echo.json"));
  EXPECT_TRUE(e.is_private);
  EXPECT_EQ(e.message_type, chatwoot_message_type::outgoing);
  EXPECT_EQ(e.sender->type, "user");
  auto c = classify(e, ours);
  EXPECT_EQ(c.kind, chatwoot_event_kind::private_note_echo);
  EXPECT_EQ(c.reason, "private_note");
  // Another agent's private note is not ours: ignored, same reason.
  auto other = classify(e, chatwoot_classify_options{99});
  EXPECT_EQ(other.kind, chatwoot_event_kind::ignored);
  EXPECT_EQ(other.reason, "private_note");
}

TEST(ChatwootEvent, AgentReplyIsRecognisedAndOurOwnReplyIsIgnored) {
  auto e = parse_ok(fixture("message_created.agent_reply.json"));
  EXPECT_EQ(e.sender->id, 12);
  EXPECT_EQ(classify(e, ours).kind, chatwoot_event_kind::agent_reply);
  auto own = classify(e, chatwoot_classify_options{12});
  EXPECT_EQ(own.kind, chatwoot_event_kind::ignored);
  EXPECT_EQ(own.reason, "outgoing_message");
}

TEST(ChatwootEvent, MessageUpdated) {
  auto e = parse_ok(fixture("message_updated.incoming.json"));
  EXPECT_EQ(classify(e, ours).kind, chatwoot_event_kind::message_updated);
  EXPECT_EQ(e.dedupe_key(), "message_updated:4521");
}

TEST(ChatwootEvent, ConversationCreated) {
  auto e = parse_ok(fixture("conversation_created.json"));
  EXPECT_FALSE(e.message_id);
  ASSERT_TRUE(e.conversation);
  EXPECT_EQ(e.conversation->display_id, 311);
  EXPECT_EQ(e.conversation->contact_id, 77);
  EXPECT_EQ(classify(e, ours).kind, chatwoot_event_kind::conversation_created);
  EXPECT_EQ(e.dedupe_key(), "conversation_created:311");
}

TEST(ChatwootEvent, ConversationStatusChangedToResolved) {
  auto e = parse_ok(fixture("conversation_status_changed.resolved.json"));
  ASSERT_TRUE(e.status_change);
  EXPECT_EQ(e.status_change->previous, "open");
  EXPECT_EQ(e.status_change->current, "resolved");
  auto c = classify(e, ours);
  EXPECT_EQ(c.kind, chatwoot_event_kind::conversation_status_changed);
  EXPECT_EQ(c.reason, "resolved");
  EXPECT_EQ(e.dedupe_key(), "conversation_status_changed:311:resolved");
}

TEST(ChatwootEvent, ConversationUpdatedLabels) {
  auto e = parse_ok(fixture("conversation_updated.labels.json"));
  EXPECT_EQ(e.conversation->labels, std::vector<std::string>{"shipping"});
  EXPECT_EQ(e.changed_attributes, std::vector<std::string>{"label_list"});
  EXPECT_FALSE(e.status_change);
  EXPECT_EQ(classify(e, ours).kind, chatwoot_event_kind::conversation_updated);
  EXPECT_EQ(e.dedupe_key(), "conversation_updated:311:1778062632.25");
}

TEST(ChatwootEvent, RestShapedMessageWithIntegerTypeAndEpoch) {
  // The create-message answer: integer message_type, integer created_at, no event key.
  std::string body = fixture("api.create_message.response.json");
  body.insert(1, R"("event":"message_created","conversation":{"id":311},)");
  auto e = parse_ok(body);
  EXPECT_EQ(e.message_type, chatwoot_message_type::outgoing);
  EXPECT_EQ(e.created_at, 1778062602);
  EXPECT_EQ(classify(e, ours).reason, "outgoing_message");
}

TEST(ChatwootEvent, IntegerMessageTypesAndActivity) {
  auto make = [](const std::string& type, bool priv) {
    return R"({"event":"message_created","id":5,"message_type":)" + type + R"(,"private":)" +
           (priv ? "true" : "false") + R"(,"conversation":{"id":9}})";
  };
  EXPECT_EQ(classify(parse_ok(make("0", false))).kind, chatwoot_event_kind::customer_message);
  EXPECT_EQ(classify(parse_ok(make("1", false))).kind, chatwoot_event_kind::agent_reply);
  auto activity = classify(parse_ok(make("2", false)));
  EXPECT_EQ(activity.kind, chatwoot_event_kind::ignored);
  EXPECT_EQ(activity.reason, "activity_message");
  EXPECT_EQ(classify(parse_ok(make("3", false))).kind, chatwoot_event_kind::bot_message);
  EXPECT_EQ(classify(parse_ok(make("\"template\"", false))).kind, chatwoot_event_kind::bot_message);
  EXPECT_EQ(parse_err(make("4", false)).code, "wrong_type");
  EXPECT_EQ(parse_err(make("\"sideways\"", false)).code, "wrong_type");
  EXPECT_EQ(parse_err(make("1.5", false)).code, "wrong_type");
}

TEST(ChatwootEvent, BotSenderIsABotMessage) {
  auto e = parse_ok(R"({"event":"message_created","id":5,"message_type":"outgoing","private":false,
    "sender":{"id":3,"name":"Bot","type":"agent_bot"},"conversation":{"id":9}})");
  EXPECT_EQ(classify(e, ours).kind, chatwoot_event_kind::bot_message);
}

TEST(ChatwootEvent, OtherEventsAreIgnored) {
  for (const char* name :
       {"contact_created", "contact_updated", "webwidget_triggered", "conversation_typing_on",
        "conversation_typing_off", "inbox_created", "something_new"}) {
    auto e = parse_ok(std::string(R"({"event":")") + name + R"(","id":1,"name":"x"})");
    auto c = classify(e, ours);
    EXPECT_EQ(c.kind, chatwoot_event_kind::ignored) << name;
    EXPECT_EQ(c.reason, "ignored_event") << name;
  }
}

TEST(ChatwootEvent, AgentBotConversationEvents) {
  auto e = parse_ok(R"({"event":"conversation_resolved","id":44,"status":"resolved"})");
  auto c = classify(e);
  EXPECT_EQ(c.kind, chatwoot_event_kind::conversation_status_changed);
  EXPECT_EQ(c.reason, "resolved");
  EXPECT_EQ(e.dedupe_key(), "conversation_resolved:44:resolved");
}

TEST(ChatwootEvent, CustomAttributesAreStringified) {
  auto e = parse_ok(R"({"event":"conversation_updated","id":1,"custom_attributes":
    {"n":42,"f":1.5,"b":true,"s":"x","o":{"k":[1,2]},"nul":null}})");
  const auto& a = e.conversation->custom_attributes;
  EXPECT_EQ(a.at("n"), "42");
  EXPECT_EQ(a.at("f"), "1.5");
  EXPECT_EQ(a.at("b"), "true");
  EXPECT_EQ(a.at("s"), "x");
  EXPECT_EQ(a.at("o"), R"({"k":[1,2]})");
  EXPECT_EQ(a.count("nul"), 0u);
}

TEST(ChatwootEvent, AssigneeAndPriority) {
  auto e = parse_ok(R"({"event":"conversation_updated","id":1,"priority":"urgent",
    "meta":{"sender":{"id":5},"assignee":{"id":7,"name":"Sam"}}})");
  EXPECT_EQ(e.conversation->priority, "urgent");
  EXPECT_EQ(e.conversation->assignee_id, 7);
  EXPECT_EQ(e.conversation->contact_id, 5);
}

TEST(ChatwootEvent, NullContentIsFine) {
  auto e = parse_ok(R"({"event":"message_created","id":5,"content":null,"message_type":"incoming",
    "conversation":{"id":9}})");
  EXPECT_FALSE(e.content);
}

TEST(ChatwootEvent, HostileJsonIsRejectedWithTypedErrors) {
  EXPECT_EQ(parse_err("").code, "malformed_json");
  EXPECT_EQ(parse_err("{").code, "malformed_json");
  auto full = fixture("message_created.web_widget.incoming.json");
  EXPECT_EQ(parse_err(full.substr(0, full.size() / 2)).code, "malformed_json");
  EXPECT_EQ(parse_err(R"({"event":"message_created",})").code, "malformed_json");
  EXPECT_EQ(parse_err("[1,2]").code, "wrong_type");
  EXPECT_EQ(parse_err("\"just a string\"").code, "wrong_type");
  EXPECT_EQ(parse_err("{\"event\":\"message_created\",\"content\":\"\xff\xfe\"}").code,
            "invalid_utf8");
  EXPECT_EQ(parse_err("{\"event\":\"a\xc3\"}").code, "invalid_utf8");
  std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(parse_err(R"({"event":"x","a":)" + deep + "}").code, "too_deep");
  std::string deep_ok = std::string(30, '[') + std::string(30, ']');
  EXPECT_TRUE(parse_chatwoot_event(R"({"event":"x","a":)" + deep_ok + "}").has_value());
  chatwoot_parse_limits small;
  small.max_string_bytes = 1000;
  EXPECT_EQ(parse_err(R"({"event":"x","content":")" + std::string(2000, 'a') + "\"}", small).code,
            "too_large");
  EXPECT_EQ(
      parse_err(R"({"event":"x","nested":{")" + std::string(2000, 'k') + "\":1}}", small).code,
      "too_large");
  small.max_body_bytes = 100;
  EXPECT_EQ(parse_err(std::string(200, ' ') + "{}", small).code, "too_large");
  std::string with_nul("{\"event\":\"x\"}\0garbage", 21);
  EXPECT_EQ(parse_err(with_nul).code, "malformed_json");
}

TEST(ChatwootEvent, MissingAndWrongTypedFieldsNameTheField) {
  auto no_event = parse_err(R"({"id":1})");
  EXPECT_EQ(no_event.code, "missing_field");
  EXPECT_NE(no_event.message.find("'event'"), std::string::npos);
  EXPECT_EQ(parse_err(R"({"event":5})").code, "wrong_type");
  EXPECT_EQ(parse_err(R"({"event":""})").code, "wrong_type");

  auto no_id =
      parse_err(R"({"event":"message_created","message_type":"incoming","conversation":{"id":1}})");
  EXPECT_EQ(no_id.code, "missing_field");
  EXPECT_NE(no_id.message.find("'id'"), std::string::npos);

  auto no_conv = parse_err(R"({"event":"message_created","id":1,"message_type":"incoming"})");
  EXPECT_NE(no_conv.message.find("'conversation'"), std::string::npos);

  auto no_type = parse_err(R"({"event":"message_created","id":1,"conversation":{"id":1}})");
  EXPECT_NE(no_type.message.find("'message_type'"), std::string::npos);

  auto str_id = parse_err(
      R"({"event":"message_created","id":"1","message_type":"incoming","conversation":{"id":1}})");
  EXPECT_EQ(str_id.code, "wrong_type");
  EXPECT_NE(str_id.message.find("'id'"), std::string::npos);

  auto bad_private = parse_err(
      R"({"event":"message_created","id":1,"message_type":"incoming","private":"no","conversation":{"id":1}})");
  EXPECT_NE(bad_private.message.find("'private'"), std::string::npos);

  auto bad_conv_id = parse_err(
      R"({"event":"message_created","id":1,"message_type":0,"conversation":{"id":true}})");
  EXPECT_NE(bad_conv_id.message.find("'conversation.id'"), std::string::npos);

  auto bad_labels = parse_err(R"({"event":"conversation_updated","id":1,"labels":[1]})");
  EXPECT_NE(bad_labels.message.find("'labels'"), std::string::npos);

  auto conv_no_id = parse_err(R"({"event":"conversation_created","status":"open"})");
  EXPECT_EQ(conv_no_id.code, "missing_field");
  EXPECT_NE(conv_no_id.message.find("'id'"), std::string::npos);

  auto bad_time = parse_err(
      R"({"event":"message_created","id":1,"message_type":0,"created_at":"yesterday","conversation":{"id":1}})");
  EXPECT_NE(bad_time.message.find("'created_at'"), std::string::npos);

  auto huge_id = parse_err(
      R"({"event":"message_created","id":18446744073709551615,"message_type":0,"conversation":{"id":1}})");
  EXPECT_EQ(huge_id.code, "wrong_type");

  auto bad_changes =
      parse_err(R"({"event":"conversation_updated","id":1,"changed_attributes":[5]})");
  EXPECT_EQ(bad_changes.code, "wrong_type");
}

TEST(ChatwootEvent, EveryWebhookFixtureParsesAndClassifies) {
  std::map<std::string, chatwoot_event_kind> expected = {
      {"conversation_created.json", chatwoot_event_kind::conversation_created},
      {"conversation_status_changed.resolved.json",
       chatwoot_event_kind::conversation_status_changed},
      {"conversation_updated.labels.json", chatwoot_event_kind::conversation_updated},
      {"message_created.agent_reply.json", chatwoot_event_kind::agent_reply},
      {"message_created.email.incoming.json", chatwoot_event_kind::customer_message},
      {"message_created.private_note_echo.json", chatwoot_event_kind::private_note_echo},
      {"message_created.web_widget.incoming.json", chatwoot_event_kind::customer_message},
      {"message_updated.incoming.json", chatwoot_event_kind::message_updated},
      {"signed_delivery.body.json", chatwoot_event_kind::customer_message},
  };
  std::size_t webhook_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FRONTDESK_SHARED_DIR) +
                                                               "/fixtures/chatwoot")) {
    auto name = entry.path().filename().string();
    if (name.rfind("api.", 0) == 0 || name == "signed_delivery.headers.json") continue;
    ++webhook_files;
    ASSERT_TRUE(expected.count(name)) << "unclassified fixture " << name;
    auto e = parse_ok(fixture(name));
    EXPECT_EQ(classify(e, ours).kind, expected[name]) << name;
  }
  EXPECT_EQ(webhook_files, expected.size());
}

TEST(Iso8601, ParsesAndRejects) {
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso8601("2026-05-06T10:15:32.000Z"), 1778062532);
  EXPECT_EQ(parse_iso8601("2026-05-06T12:15:32+02:00"), 1778062532);
  EXPECT_EQ(parse_iso8601("2000-02-29T00:00:00Z"), 951782400);
  EXPECT_FALSE(parse_iso8601("2026-05-06"));
  EXPECT_FALSE(parse_iso8601("2026-13-06T10:15:32Z"));
  EXPECT_FALSE(parse_iso8601("2026-05-06T10:15:32"));
  EXPECT_FALSE(parse_iso8601("2026-05-06T10:15:32Zjunk"));
  EXPECT_FALSE(parse_iso8601("2026-05-06T10:15:32.Z"));
}

}  // namespace
}  // namespace frontdesk::io
