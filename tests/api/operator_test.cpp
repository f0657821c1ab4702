// The operator API over real sockets: the approve → send flow, stale and repeated
// actions, validation, roles, and the views.

#include "server_fixture.hpp"

namespace frontdesk::app::testing {
namespace {

class operator_test : public server_test {
 protected:
  /// A customer message whose draft reaches the queue; returns the queue item id.
  std::string queued(std::int64_t conv, std::int64_t msg,
                     const std::string& text = "How long does standard shipping take?") {
    EXPECT_EQ(webhook(customer_message(conv, msg, text), "q-" + std::to_string(msg)).status, 200);
    EXPECT_TRUE(eventually([&] {
      auto c = conversation(conv);
      return c && c->state == "awaiting_approval";
    })) << (conversation(conv) ? conversation(conv)->state : "none");
    return "q-" + std::to_string(conv) + "-" + std::to_string(conversation(conv)->draft_version);
  }
  int replies_sent(std::int64_t conv) {
    auto v = json_of(get("/api/v1/conversations/" + std::to_string(conv)));
    int n = 0;
    for (const auto& m : v.at("messages").as_array())
      n += m.at("kind").as_string() == "reply" ? 1 : 0;
    return n;
  }
};

TEST_F(operator_test, approve_sends_exactly_one_reply_and_repeats_are_idempotent) {
  start();
  const std::string id = queued(501, 5001);
  auto item = json_of(get("/api/v1/queue/" + id));
  EXPECT_EQ(item.at("status").as_string(), "pending");
  EXPECT_FALSE(item.at("draft").as_string().empty());
  EXPECT_FALSE(item.at("sources").as_array().empty());
  EXPECT_EQ(item.at("context").at("messages").as_array().size(), 1u);
  const std::string body = R"({"draft_version":1,"grades":{"tone":5,"accuracy":5,"policy":4}})";
  auto r = post_json("/api/v1/queue/" + id + "/approve", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r).at("status").as_string(), "approved");
  EXPECT_EQ(json_of(r).at("operator_id").as_string(), "alice");
  auto again = post_json("/api/v1/queue/" + id + "/approve", body);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, r.body);
  auto other = post_json("/api/v1/queue/" + id + "/reject", R"({"draft_version":1,"reason":"no"})");
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(json_of(other).at("error").at("code").as_string(), "already_decided");
  EXPECT_EQ(replies_sent(501), 1);
  ASSERT_TRUE(eventually([&] {
    auto p = rt->store()->pending_outbox(50);
    return p && p->empty();
  }));
  // Graded after sending; the audit log has the decision.
  auto g = post_json("/api/v1/queue/" + id + "/grade", R"({"tone":4,"accuracy":5,"policy":5})");
  EXPECT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(conversation(501)->state, "graded");
  auto audit = json_of(get("/api/v1/audit", admin_token));
  bool found = false;
  for (const auto& a : audit.at("items").as_array()) {
    found |= a.at("action").as_string() == "approve" && a.at("actor").as_string() == "alice";
  }
  EXPECT_TRUE(found);
}

TEST_F(operator_test, edit_sends_the_edited_text) {
  start();
  const std::string id = queued(502, 5002);
  auto r = post_json(
      "/api/v1/queue/" + id + "/edit",
      R"({"draft_version":1,"text":"Standard shipping takes 3 to 5 business days.","notes":"shorter"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto conv = json_of(get("/api/v1/conversations/502"));
  std::string sent;
  for (const auto& m : conv.at("messages").as_array()) {
    if (m.at("kind").as_string() == "reply") sent = std::string(m.at("content").as_string());
  }
  EXPECT_EQ(sent, "Standard shipping takes 3 to 5 business days.");
  auto export_lines = get("/api/v1/learning/export", manager_token);
  ASSERT_EQ(export_lines.status, 200);
  EXPECT_NE(export_lines.body.find("Standard shipping takes 3 to 5 business days."),
            std::string::npos);
  auto line = boost::json::parse(export_lines.body.substr(0, export_lines.body.find('\n')));
  EXPECT_EQ(line.at("messages").as_array().size(), 3u);
  EXPECT_EQ(line.at("messages").as_array()[2].at("role").as_string(), "assistant");
  // What happened after the reply went out is followed later; at first it is pending.
  EXPECT_EQ(line.at("metadata").at("action").as_string(), "edit");
  EXPECT_EQ(line.at("metadata").at("outcome").as_string(), "pending");
}

TEST_F(operator_test, a_superseded_draft_answers_409_with_the_new_one) {
  start();
  const std::string id = queued(503, 5003);
  // The customer writes again: the first draft is superseded and a second one queued.
  ASSERT_EQ(webhook(customer_message(503, 5004, "Also, can I change the address?"), "s-2").status,
            200);
  ASSERT_TRUE(eventually([&] {
    auto c = conversation(503);
    return c && c->state == "awaiting_approval" && c->draft_version == 2;
  }));
  auto stale = post_json("/api/v1/queue/" + id + "/approve", R"({"draft_version":1})");
  ASSERT_EQ(stale.status, 409) << stale.body;
  auto v = json_of(stale);
  EXPECT_EQ(v.at("error").at("code").as_string(), "stale_draft_version");
  EXPECT_EQ(v.at("current_draft").at("draft_version").as_int64(), 2);
  EXPECT_EQ(json_of(get("/api/v1/queue/" + id)).at("status").as_string(), "superseded");
  EXPECT_EQ(replies_sent(503), 0);
}

TEST_F(operator_test, escalate_and_reject_hand_the_conversation_to_humans) {
  start();
  const std::string a = queued(504, 5005);
  auto e = post_json("/api/v1/queue/" + a + "/escalate",
                     R"({"draft_version":1,"assignee_id":7,"reason":"VIP"})");
  ASSERT_EQ(e.status, 200) << e.body;
  EXPECT_EQ(json_of(e).at("status").as_string(), "escalated");
  EXPECT_EQ(conversation(504)->escalation_reason.value_or(""), "operator");
  const std::string b = queued(505, 5006);
  auto r =
      post_json("/api/v1/queue/" + b + "/reject", R"({"draft_version":1,"reason":"wrong policy"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_of(r).at("status").as_string(), "rejected");
  EXPECT_EQ(conversation(505)->escalation_reason.value_or(""), "rejected");
}

TEST_F(operator_test, bad_requests_get_clear_errors_and_change_nothing) {
  settings.workflow.grade_required = true;
  start();
  const std::string id = queued(506, 5007);
  const std::string path = "/api/v1/queue/" + id + "/approve";
  struct c {
    std::string body;
    int status;
    std::string code;
  };
  for (const c& x : std::vector<c>{
           {"{", 400, "malformed_json"},
           {"[]", 400, "invalid_body"},
           {R"({"draft_version":"1"})", 400, "invalid_field"},
           {R"({})", 400, "invalid_field"},
           {R"({"draft_version":1,"grades":{"tone":9,"accuracy":5,"policy":5}})", 400,
            "invalid_field"},
           {R"({"draft_version":1})", 422, "grades_required"},
           {R"({"draft_version":0,"grades":{"tone":5,"accuracy":5,"policy":5}})", 422,
            "invalid_field"},
       }) {
    auto r = post_json(path, x.body);
    EXPECT_EQ(r.status, x.status) << x.body << " -> " << r.body;
    EXPECT_EQ(json_of(r).at("error").at("code").as_string(), x.code) << x.body;
  }
  io::header_list h{{"Content-Type", "text/plain"},
                    {"Authorization", std::string("Bearer ") + operator_token}};
  EXPECT_EQ(call(io::http_method::post, path, R"({"draft_version":1})", h).status, 415);
  EXPECT_EQ(post_json("/api/v1/queue/q-999-1/approve",
                      R"({"draft_version":1,"grades":{"tone":5,"accuracy":5,"policy":5}})")
                .status,
            404);
  EXPECT_EQ(get("/api/v1/queue?limit=0").status, 400);
  EXPECT_EQ(get("/api/v1/queue?status=nope").status, 400);
  EXPECT_EQ(get("/api/v1/queue?min_confidence=2").status, 400);
  EXPECT_EQ(get("/api/v1/queue?cursor=%00garbage").status, 400);
  EXPECT_EQ(get("/api/v1/conversations/abc").status, 404);
  EXPECT_EQ(get("/api/v1/conversations/424242").status, 404);
  EXPECT_EQ(json_of(get("/api/v1/queue/" + id)).at("status").as_string(), "pending");
  EXPECT_EQ(replies_sent(506), 0);
}

TEST_F(operator_test, tokens_and_roles_are_enforced) {
  start();
  EXPECT_EQ(get("/api/v1/queue", nullptr).status, 401);
  EXPECT_EQ(get("/api/v1/queue", "not-a-real-token-at-all").status, 401);
  EXPECT_EQ(json_of(get("/api/v1/queue", nullptr)).at("error").at("code").as_string(),
            "missing_token");
  EXPECT_EQ(get("/api/v1/metrics/quality").status, 403);
  EXPECT_EQ(get("/api/v1/learning/export").status, 403);
  EXPECT_EQ(get("/api/v1/audit", manager_token).status, 403);
  EXPECT_EQ(get("/api/v1/metrics/quality", manager_token).status, 200);
  EXPECT_EQ(get("/api/v1/audit", admin_token).status, 200);
  EXPECT_EQ(get("/api/v1/queue", admin_token).status, 200);
}

TEST_F(operator_test, queue_is_ordered_by_priority_then_age_and_pages) {
  start();
  queued(601, 6001, "How long does standard shipping take?");
  queued(602, 6002, "Can I return an item I bought last week?");
  queued(603, 6003, "How do I use a promo code at checkout?");
  auto page1 = json_of(get("/api/v1/queue?status=pending&limit=2"));
  auto& items = page1.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_LE(items[0].at("priority").as_string(), items[1].at("priority").as_string());
  if (items[0].at("priority") == items[1].at("priority")) {
    EXPECT_LE(items[0].at("created_at").as_string(), items[1].at("created_at").as_string());
  }
  ASSERT_TRUE(page1.at("next_cursor").is_string());
  auto page2 = json_of(get("/api/v1/queue?status=pending&limit=2&cursor=" +
                           std::string(page1.at("next_cursor").as_string())));
  ASSERT_EQ(page2.at("items").as_array().size(), 1u);
  EXPECT_TRUE(page2.at("next_cursor").is_null());
  auto p1 = json_of(get("/api/v1/queue?priority=P1"));
  for (const auto& i : p1.at("items").as_array()) EXPECT_EQ(i.at("priority").as_string(), "P1");
}

TEST_F(operator_test, the_trace_has_every_transition_and_a_chrome_form) {
  start();
  const std::string id = queued(701, 7001);
  ASSERT_EQ(post_json("/api/v1/queue/" + id + "/approve", R"({"draft_version":1})").status, 200);
  auto t = json_of(get("/api/v1/conversations/701/trace"));
  std::vector<std::string> to, at;
  for (const auto& x : t.at("transitions").as_array()) {
    to.emplace_back(x.at("to").as_string());
    at.emplace_back(x.at("at").as_string());
  }
  EXPECT_EQ(to, (std::vector<std::string>{"received", "triaged", "drafting", "awaiting_approval",
                                          "sent"}));
  // One slice per stay that lasted (RFC 3339 times of one format order as text), and the
  // current state's.
  std::vector<std::string> lasted;
  for (std::size_t i = 0; i < to.size(); ++i) {
    if (i + 1 == to.size() || at[i + 1] > at[i]) lasted.push_back(to[i]);
  }
  auto chrome = json_of(get("/api/v1/conversations/701/trace?format=chrome"));
  std::vector<std::string> slices;
  for (const auto& e : chrome.at("traceEvents").as_array()) {
    if (e.at("ph").as_string() == "X") slices.emplace_back(e.at("name").as_string());
  }
  EXPECT_EQ(slices, lasted);
  EXPECT_EQ(slices.back(), "sent");
  EXPECT_EQ(get("/api/v1/conversations/701/trace?format=xml").status, 400);
}

}  // namespace
}  // namespace frontdesk::app::testing
