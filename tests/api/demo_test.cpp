// The demo replay goes through the real signed-webhook path.

#include "app/demo.hpp"
#include "io/chatwoot_event.hpp"
#include "server_fixture.hpp"

namespace frontdesk::app::testing {
namespace {

TEST(demo, bodies_parse_as_chatwoot_customer_messages) {
  const std::string line =
      R"({"conversation_id": 9001, "channel": "Channel::Email", "contact": {"id": 5, "name": "Jane Doe", "email": "j@example.com"}, "custom_attributes": {"order_number": "1042"}, "labels": [], "messages": ["first", "second"]})";
  auto body = demo_webhook_body(line, 1, 77);
  ASSERT_TRUE(body) << body.error();
  auto e = io::parse_chatwoot_event(*body);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(io::classify(*e, {}).kind, io::chatwoot_event_kind::customer_message);
  EXPECT_EQ(e->content.value_or(""), "second");
  EXPECT_EQ(e->conversation->display_id, 9001);
  EXPECT_EQ(e->conversation->custom_attributes.at("order_number"), "1042");
  EXPECT_FALSE(demo_webhook_body(line, 2, 78));  // no third message
  EXPECT_FALSE(demo_webhook_body("{not json", 0, 1));
  EXPECT_FALSE(demo_webhook_body(R"({"messages": ["x"]})", 0, 1));
}

class demo_replay : public server_test {};

TEST_F(demo_replay, fills_the_queue_and_a_second_replay_changes_nothing) {
  start();
  demo_options o;
  o.file = std::string(FRONTDESK_SOURCE_DIR) + "/demo/conversations.jsonl";
  o.port = server->port();
  o.secret = secret;
  auto n = replay_demo(o);
  ASSERT_TRUE(n) << n.error();
  EXPECT_GE(*n, 30);
  ASSERT_TRUE(eventually([&] {
    auto open = rt->store()->open_conversations();
    if (!open || open->size() < 30) return false;
    for (const auto& c : *open) {
      if (c.state == "received" || c.state == "drafting") return false;
    }
    return true;
  }));
  auto pending = json_of(get("/api/v1/queue?status=pending&limit=500"));
  EXPECT_GE(pending.at("items").as_array().size(), 5u);
  auto before = rt->store()->messages(9001, 50);
  ASSERT_TRUE(before);
  auto again = replay_demo(o);  // every delivery is a duplicate now
  ASSERT_TRUE(again);
  auto after = rt->store()->messages(9001, 50);
  EXPECT_EQ(before->size(), after->size());
}

}  // namespace
}  // namespace frontdesk::app::testing
