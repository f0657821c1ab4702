// POST /webhooks/chatwoot over real sockets: the fixtures signed as Chatwoot signs them,
// and every kind of bad input, each answered with the API.md error shape and nothing stored.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_fixture.hpp"

namespace frontdesk::app::testing {
namespace {

class webhook_test : public server_test {};

TEST_F(webhook_test, a_signed_customer_message_is_stored_then_drafted) {
  start();
  auto r = webhook(fixture("message_created.web_widget.incoming.json"), "d-1");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = json_of(r);
  EXPECT_EQ(v.at("accepted").as_bool(), true);
  ASSERT_TRUE(conversation(311));  // durable before the 200
  ASSERT_TRUE(eventually([&] { return conversation(311)->state == "awaiting_approval"; }));
  // The same delivery again, and the same message under a new delivery id: duplicates.
  auto again = webhook(fixture("message_created.web_widget.incoming.json"), "d-1");
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(json_of(again).at("duplicate").as_bool());
  auto redelivered = webhook(fixture("message_created.web_widget.incoming.json"), "d-2");
  EXPECT_TRUE(json_of(redelivered).at("duplicate").as_bool());
  auto msgs = rt->store()->messages(311, 10);
  ASSERT_TRUE(msgs);
  EXPECT_EQ(msgs->size(), 1u);
}

TEST_F(webhook_test, the_recorded_signed_delivery_verifies_with_its_own_clock) {
  // The fixture's timestamp is old: accepted with a wide window, refused with the default.
  auto headers = boost::json::parse(fixture("signed_delivery.headers.json")).as_object();
  const std::string body = fixture("signed_delivery.body.json");
  auto field = [&](const char* k) -> std::string {
    for (const auto& [key, value] : headers) {
      if (key == k && value.is_string()) return std::string(value.as_string());
      if (value.is_object() && value.as_object().contains(k))
        return std::string(value.as_object().at(k).as_string());
    }
    return {};
  };
  const std::string key = field("secret");
  ASSERT_FALSE(key.empty());
  settings.chatwoot.webhook_secrets = {key};
  start();
  io::header_list h{{"Content-Type", "application/json"},
                    {"X-Chatwoot-Timestamp", field("X-Chatwoot-Timestamp")},
                    {"X-Chatwoot-Signature", field("X-Chatwoot-Signature")},
                    {"X-Chatwoot-Delivery", field("X-Chatwoot-Delivery")}};
  auto stale = call(io::http_method::post, "/webhooks/chatwoot", body, h);
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(json_of(stale).at("error").at("code").as_string(), "stale_timestamp");
}

TEST_F(webhook_test, fixtures_are_classified_and_answered) {
  start();
  struct expectation {
    const char* file;
    bool accepted;
    const char* reason;
  };
  // A new conversation first, so the later events have something to act on.
  ASSERT_EQ(webhook(fixture("message_created.email.incoming.json"), "e-0").status, 200);
  for (const expectation& e : std::vector<expectation>{
           {"message_created.private_note_echo.json", false, "private_note"},
           {"conversation_created.json", true, "stored"},
           {"conversation_updated.labels.json", true, "stored"},
           {"message_updated.incoming.json", true, "stored"},
       }) {
    auto r = webhook(fixture(e.file), std::string("f-") + e.file);
    ASSERT_EQ(r.status, 200) << e.file << ": " << r.body;
    auto v = json_of(r);
    EXPECT_EQ(v.at("accepted").as_bool(), e.accepted) << e.file << ": " << r.body;
    EXPECT_EQ(v.at("reason").as_string(), e.reason) << e.file;
  }
}

TEST_F(webhook_test, an_agent_reply_and_a_resolution_move_the_conversation) {
  start();
  ASSERT_EQ(webhook(fixture("message_created.web_widget.incoming.json"), "a-1").status, 200);
  ASSERT_TRUE(eventually([&] { return conversation(311)->state == "awaiting_approval"; }));
  auto reply = webhook(fixture("message_created.agent_reply.json"), "a-2");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(json_of(reply).at("accepted").as_bool()) << reply.body;
  EXPECT_EQ(conversation(311)->state, "sent");
  auto resolved = webhook(fixture("conversation_status_changed.resolved.json"), "a-3");
  ASSERT_EQ(resolved.status, 200);
  EXPECT_EQ(conversation(311)->state, "closed");
  EXPECT_TRUE(conversation(311)->closed);
}

struct bad_case {
  std::string name;
  int status;
  std::string code;
};

TEST_F(webhook_test, bad_input_is_refused_with_a_clear_error_and_stores_nothing) {
  settings.server.max_body_bytes = 64 * 1024;
  start();
  const std::string good = customer_message(900, 9001, "Where is my parcel?");
  const std::int64_t now = io::system_unix_seconds();
  auto check = [&](const io::http_result& r, int status, const std::string& code,
                   const std::string& what) {
    EXPECT_EQ(r.status, status) << what << ": " << r.body.substr(0, 300);
    if (!code.empty() && r.status == status && r.status != 413) {
      auto v = json_of(r);
      ASSERT_TRUE(v.is_object() && v.as_object().contains("error")) << what << ": " << r.body;
      EXPECT_EQ(v.at("error").at("code").as_string(), code) << what;
      EXPECT_FALSE(v.at("error").at("message").as_string().empty()) << what;
    }
  };
  check(webhook(good, "b-1", now, "wrong-secret"), 401, "bad_signature", "wrong secret");
  check(webhook(good, "b-2", now - 301), 401, "stale_timestamp", "stale");
  check(webhook(good, "b-3", now + 301), 401, "future_timestamp", "future");
  {
    io::header_list h{{"Content-Type", "application/json"}};
    check(call(io::http_method::post, "/webhooks/chatwoot", good, h), 401, "missing_signature",
          "unsigned");
  }
  {
    std::string tampered = good;
    tampered[tampered.find("parcel")] = 'P';
    const std::string t = std::to_string(now);
    io::header_list h{
        {"Content-Type", "application/json"},
        {"X-Chatwoot-Timestamp", t},
        {"X-Chatwoot-Signature", "sha256=" + io::hmac_sha256_hex(secret, t + "." + good)}};
    check(call(io::http_method::post, "/webhooks/chatwoot", tampered, h), 401, "bad_signature",
          "tampered");
  }
  check(webhook("{\"event\": \"message_created\", ", "b-4"), 400, "malformed_json", "truncated");
  check(webhook("not json at all", "b-5"), 400, "malformed_json", "malformed");
  check(webhook(good, "b-6", now, secret, "text/plain"), 415, "unsupported_media_type",
        "content type");
  {
    auto v = boost::json::parse(good);
    v.as_object()["id"] = "not-a-number";
    check(webhook(boost::json::serialize(v), "b-7"), 422, "wrong_type", "wrong field type");
  }
  {
    std::string deep = R"({"event":"message_created","x":)";
    for (int i = 0; i < 200; ++i) deep += "[";
    for (int i = 0; i < 200; ++i) deep += "]";
    deep += "}";
    check(webhook(deep, "b-8"), 400, "too_deep", "deep nesting");
  }
  {
    std::string bad_utf8 = good;
    bad_utf8.replace(bad_utf8.find("parcel"), 6, "\xff\xfe\xfd\xfc\xfb\xfa");
    check(webhook(bad_utf8, "b-9"), 400, "invalid_utf8", "invalid utf-8");
  }
  {
    auto v = boost::json::parse(good);
    v.as_object()["content"] = std::string(100 * 1024, 'a');
    check(webhook(boost::json::serialize(v), "b-10"), 413, "", "over the body limit");
  }
  {
    auto v = boost::json::parse(good);
    v.as_object()["event"] = "webwidget_triggered";
    auto r = webhook(boost::json::serialize(v), "b-11");
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(json_of(r).at("accepted").as_bool());
    EXPECT_EQ(json_of(r).at("reason").as_string(), "ignored_event");
  }
  // Nothing of the above reached the store.
  EXPECT_FALSE(conversation(900));
  auto page = rt->store()->queue(persistence::queue_filter{});
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->items.empty());
  // And the good one still goes through afterwards.
  EXPECT_EQ(webhook(good, "b-12").status, 200);
  EXPECT_TRUE(conversation(900));
}

TEST_F(webhook_test, a_contact_sending_too_fast_is_rate_limited) {
  settings.workflow.rate_limit_per_minute = 6;  // burst of 2
  start();
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 6; ++i) {
    auto r = webhook(customer_message(950, 9500 + i, "again " + std::to_string(i)),
                     "r-" + std::to_string(i));
    if (r.status == 429) {
      ++limited;
      retry_after = std::string(r.header("Retry-After").value_or(""));
      EXPECT_EQ(json_of(r).at("error").at("code").as_string(), "rate_limited");
    }
  }
  EXPECT_GE(limited, 3);
  EXPECT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoi(retry_after), 1);
}

TEST_F(webhook_test, a_smuggling_attempt_is_refused) {
  start();
  const std::string body = customer_message(960, 9600, "hello");
  const std::string t = std::to_string(io::system_unix_seconds());
  // Raw bytes: a client library would not send both framings.
  const std::string raw =
      "POST /webhooks/chatwoot HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "X-Chatwoot-Timestamp: " +
      t + "\r\nX-Chatwoot-Signature: sha256=" + io::hmac_sha256_hex(secret, t + "." + body) +
      "\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::send(fd, raw.data(), raw.size(), 0), static_cast<ssize_t>(raw.size()));
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[2048];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ::close(fd);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)).rfind("HTTP/1.1 400", 0), 0u)
      << std::string(buf, static_cast<std::size_t>(n));
  EXPECT_FALSE(conversation(960));
}

}  // namespace
}  // namespace frontdesk::app::testing
