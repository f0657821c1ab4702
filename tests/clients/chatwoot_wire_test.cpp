// Chatwoot request builders and response parsers on the recorded fixtures and hostile input.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "io/chatwoot_client_wire.hpp"

using namespace frontdesk::io;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(FRONTDESK_SHARED_DIR) + "/fixtures/chatwoot/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

http_result ok(std::string body, int status = 200) {
  http_result r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

cw_message msg(std::int64_t id, std::string content, cw_message_type type, bool priv = false) {
  cw_message m;
  m.id = id;
  m.content = std::move(content);
  m.message_type = type;
  m.is_private = priv;
  return m;
}

chatwoot_endpoint ep() {
  return chatwoot_endpoint{"https://chat.example.com/", 7, "tok", {}};
}

}  // namespace

TEST(ChatwootWire, ParsesRecordedCreateMessageResponse) {
  auto m = parse_message_response(ok(fixture("api.create_message.response.json")));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->id, 4524);
  EXPECT_EQ(m->conversation_id, 311);
  EXPECT_EQ(m->message_type, cw_message_type::outgoing);
  EXPECT_EQ(m->created_at, 1778062602);
  EXPECT_EQ(m->content, "Hi Jane, ...");
  EXPECT_EQ(m->sender_id, 1);
  EXPECT_FALSE(m->is_private);
}

TEST(ChatwootWire, ParsesRecordedMessageList) {
  auto page = parse_messages_response(ok(fixture("api.messages.list.response.json")));
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->messages.size(), 2u);
  EXPECT_EQ(page->messages[0].message_type, cw_message_type::incoming);
  EXPECT_EQ(page->messages[0].sender_type, "Contact");
  EXPECT_EQ(page->messages[1].id, 4524);
  EXPECT_EQ(find_reply(page->messages, "Hi Jane, ..."), 4524);
  EXPECT_EQ(find_reply(page->messages, "Hi Jane, ...", 4524), std::nullopt);
  EXPECT_EQ(find_reply(page->messages,
                       "Hi, my order #1042 hasn't arrived yet. Can you check where it is?"),
            std::nullopt);  // incoming, not ours
}

TEST(ChatwootWire, ParsesWebhookShapedMessageToo) {
  auto m = parse_message_json(fixture("message_created.agent_reply.json"));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->id, 4523);
  EXPECT_EQ(m->message_type, cw_message_type::outgoing);
  EXPECT_EQ(m->created_at, 1778062592);  // 2026-05-06T10:16:32Z
  EXPECT_EQ(m->sender_id, 12);
  auto note = parse_message_json(fixture("message_created.private_note_echo.json"));
  ASSERT_TRUE(note);
  EXPECT_TRUE(note->is_private);
}

TEST(ChatwootWire, ParsesLabelsStatusAndConversation) {
  auto labels = parse_labels_response(ok(fixture("api.labels.response.json")));
  ASSERT_TRUE(labels);
  EXPECT_EQ(*labels, (std::vector<std::string>{"shipping", "frontdesk_approved"}));
  auto st = parse_toggle_status_response(ok(fixture("api.toggle_status.response.json")));
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->success);
  EXPECT_EQ(st->current_status, "open");
  EXPECT_EQ(st->conversation_id, 311);
  auto conv = parse_conversation_response(ok(fixture("conversation_created.json")));
  ASSERT_TRUE(conv) << conv.error().message;
  EXPECT_EQ(conv->id, 311);
  EXPECT_EQ(conv->contact.id, 77);
  EXPECT_EQ(conv->last_activity_at, 1778062520);
  EXPECT_FALSE(conv->assignee_id.has_value());
}

TEST(ChatwootWire, MapsRecordedErrorBodies) {
  auto e401 = map_error_response(ok(fixture("api.error.401.json"), 401));
  EXPECT_EQ(e401.kind, chatwoot_error_kind::unauthorized);
  EXPECT_EQ(e401.message, "Invalid Access Token");
  auto e404 = map_error_response(ok(fixture("api.error.404.json"), 404));
  EXPECT_EQ(e404.kind, chatwoot_error_kind::not_found);
  auto e422 = map_error_response(ok(fixture("api.error.422.json"), 422));
  EXPECT_EQ(e422.kind, chatwoot_error_kind::unprocessable);
  EXPECT_EQ(e422.message,
            "Content is too long (maximum is 150000 characters) (attributes: content)");
  auto e503 = map_error_response(ok("<html>down</html>", 503));
  EXPECT_EQ(e503.kind, chatwoot_error_kind::server_error);
  EXPECT_EQ(e503.message, "<html>down</html>");
  EXPECT_EQ(map_error_response(ok("", 418)).kind, chatwoot_error_kind::client_error);
  EXPECT_EQ(map_error_response(ok("", 302)).kind, chatwoot_error_kind::invalid_response);
  http_result limited = ok("Retry later\n", 429);
  limited.headers.emplace_back("retry-after", "Thu, 01 Jan 2099 00:00:00 GMT");
  auto e429 = map_error_response(limited);
  EXPECT_EQ(e429.kind, chatwoot_error_kind::rate_limited);
  ASSERT_TRUE(e429.retry_after.has_value());
  EXPECT_GT(e429.retry_after->count(), 3600);
  auto e = map_error_response(ok(std::string(10000, 'x'), 500));
  EXPECT_EQ(e.message.size(), 300u);
}

TEST(ChatwootWire, BuildersUseTheDocumentedPathsAndBodies) {
  auto r = build_create_message(ep(), 311, "a\"b\n", true);
  EXPECT_EQ(r.method, http_method::post);
  EXPECT_EQ(r.url, "https://chat.example.com/api/v1/accounts/7/conversations/311/messages");
  EXPECT_EQ(
      r.body,
      R"({"content":"a\"b\n","message_type":"outgoing","private":true,"content_type":"text"})");
  EXPECT_EQ(find_header(r.headers, "API_ACCESS_TOKEN"), "tok");
  EXPECT_EQ(build_list_messages(ep(), 311, 4521).url,
            "https://chat.example.com/api/v1/accounts/7/conversations/311/messages?before=4521");
  EXPECT_EQ(build_list_conversations(ep(), "open", "all", 0).url,
            "https://chat.example.com/api/v1/accounts/7/"
            "conversations?status=open&assignee_type=all&page=1");
  EXPECT_EQ(build_list_conversations(ep(), "a&b=c", "all", 2).url,
            "https://chat.example.com/api/v1/accounts/7/"
            "conversations?status=a%26b%3Dc&assignee_type=all&page=2");
  EXPECT_EQ(build_assign_agent(ep(), 311, 7).body, R"({"assignee_id":7})");
  EXPECT_EQ(build_assign_team(ep(), 311, 3).body, R"({"team_id":3})");
  EXPECT_EQ(build_set_labels(ep(), 311, {"x", "y"}).body, R"({"labels":["x","y"]})");
  EXPECT_EQ(build_toggle_status(ep(), 311, "open").body, R"({"status":"open"})");
  EXPECT_EQ(build_toggle_priority(ep(), 311, std::nullopt).body, R"({"priority":null})");
  EXPECT_EQ(build_health(ep()).url, "https://chat.example.com/health");
  EXPECT_EQ(build_list_agents(ep()).url, "https://chat.example.com/api/v1/accounts/7/agents");
}

TEST(ChatwootWire, UnionLabelsKeepsOrderWithoutDuplicates) {
  EXPECT_EQ(union_labels({"a", "b"}, {"b", "c", "c"}), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(union_labels({}, {}), std::vector<std::string>{});
}

TEST(ChatwootWire, FindReplyMatchesOnlyOurKindOfMessage) {
  std::vector<cw_message> ms = {msg(10, "Hello there", cw_message_type::incoming),
                                msg(11, "Hello there", cw_message_type::outgoing, true),
                                msg(12, "Other", cw_message_type::outgoing),
                                msg(13, "  Hello there\r\n", cw_message_type::outgoing)};
  EXPECT_EQ(find_reply(ms, "Hello there"), 13);
  EXPECT_EQ(find_reply(ms, "Hello there", 13), std::nullopt);
  EXPECT_EQ(find_reply(ms, "Hello  there"), std::nullopt);
  EXPECT_EQ(find_reply(ms, ""), std::nullopt);
  EXPECT_EQ(find_reply(ms, "   \n"), std::nullopt);
  EXPECT_EQ(find_reply({}, "x"), std::nullopt);
  ms.push_back(msg(14, "Line 1\r\nLine 2", cw_message_type::outgoing));
  EXPECT_EQ(find_reply(ms, "Line 1\nLine 2"), 14);
}

TEST(ChatwootWire, HostileBodiesNeverCrashAndAreInvalid) {
  const std::vector<std::string> bodies = {
      "",
      "null",
      "{",
      "{\"payload\": 3}",
      "{\"payload\": [1, 2]}",
      "{\"payload\": [{\"id\": \"x\", \"message_type\": 0}]}",
      "{\"payload\": [{\"id\": 1, \"message_type\": 9}]}",
      "{\"payload\": [{\"id\": 1, \"message_type\": \"weird\"}]}",
      "{\"payload\": [{\"id\": 1, \"message_type\": [0]}]}",
      "{\"payload\": [{\"id\": 1e300, \"message_type\": 0}]}",
      std::string(100000, '['),
      std::string(1 << 20, ' ') + "{",
      "{\"payload\": [\"\xff\xfe\"]}",
  };
  for (const auto& b : bodies) {
    auto r = parse_messages_response(ok(b));
    ASSERT_FALSE(r) << b.substr(0, 60);
    EXPECT_EQ(r.error().kind, chatwoot_error_kind::invalid_response);
    EXPECT_FALSE(parse_message_response(ok(b)));
    EXPECT_FALSE(parse_labels_response(ok(b)));
    EXPECT_FALSE(parse_toggle_status_response(ok(b)));
    EXPECT_FALSE(parse_agents_response(ok(b)));
    EXPECT_FALSE(parse_conversations_response(ok(b)));
    (void)map_error_response(ok(b, 422));
  }
  EXPECT_FALSE(parse_messages_response(ok("[]")));
  EXPECT_FALSE(parse_labels_response(ok("[]")));
  // null content and unknown extra fields are fine.
  auto m = parse_message_json(R"({"id": 5, "message_type": "incoming", "content": null, "x": {}})");
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->content_null);
}
