#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/channel.hpp"
#include "domain/triage.hpp"

namespace frontdesk {
namespace {
namespace json = boost::json;

struct demo_conversation {
  std::int64_t id = 0;
  std::string channel;
  std::map<std::string, std::string> custom_attributes;
  std::vector<std::string> labels;
  std::vector<std::string> messages;
};

/// Attribute values as the webhook parser hands them to triage: scalars as text.
std::string scalar_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_double()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v.get_double());
    return buf;
  }
  return json::serialize(v);
}

/// Parses demo/conversations.jsonl strictly; any problem fails the test with the line number.
std::vector<demo_conversation> load_demo() {
  std::ifstream in(std::string(FRONTDESK_SOURCE_DIR) + "/demo/conversations.jsonl");
  EXPECT_TRUE(in) << "demo/conversations.jsonl is missing";
  std::vector<demo_conversation> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    boost::system::error_code ec;
    const json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) {
      ADD_FAILURE() << "line " << n << " is not a JSON object";
      continue;
    }
    const json::object& o = v.as_object();
    demo_conversation c;
    try {
      c.id = o.at("conversation_id").as_int64();
      c.channel = o.at("channel").as_string();
      const json::object& contact = o.at("contact").as_object();
      EXPECT_TRUE(contact.at("id").is_int64()) << "line " << n;
      EXPECT_FALSE(contact.at("name").as_string().empty()) << "line " << n;
      EXPECT_NE(contact.at("email").as_string().find('@'), json::string::npos) << "line " << n;
      for (const auto& kv : o.at("custom_attributes").as_object()) {
        c.custom_attributes[std::string(kv.key())] = scalar_text(kv.value());
      }
      for (const auto& l : o.at("labels").as_array()) c.labels.emplace_back(l.as_string());
      for (const auto& m : o.at("messages").as_array()) c.messages.emplace_back(m.as_string());
    } catch (const std::exception& e) {
      ADD_FAILURE() << "line " << n << ": " << e.what();
      continue;
    }
    EXPECT_FALSE(c.messages.empty()) << "line " << n;
    for (const auto& m : c.messages) EXPECT_FALSE(m.empty()) << "line " << n;
    out.push_back(std::move(c));
  }
  return out;
}

domain::triage_result triage_first_message(const demo_conversation& c) {
  domain::triage_input in;
  in.text = c.messages.front();
  in.channel = domain::parse_channel(c.channel);
  in.labels = c.labels;
  in.custom_attributes = c.custom_attributes;
  return domain::triage(in, domain::triage_config{});
}

TEST(demo_conversations, parse_and_are_at_least_thirty_with_unique_ids) {
  const auto demo = load_demo();
  EXPECT_GE(demo.size(), 30u);
  std::set<std::int64_t> ids;
  for (const auto& c : demo) {
    EXPECT_GT(c.id, 0);
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate id " << c.id;
  }
}

TEST(demo_conversations, cover_every_channel_they_use_and_all_main_ones) {
  const auto demo = load_demo();
  std::set<domain::channel> channels;
  for (const auto& c : demo) {
    const domain::channel ch = domain::parse_channel(c.channel);
    EXPECT_NE(ch, domain::channel::other) << c.channel << " (conversation " << c.id << ")";
    channels.insert(ch);
  }
  for (auto ch : {domain::channel::email, domain::channel::web_widget, domain::channel::whatsapp,
                  domain::channel::api, domain::channel::sms}) {
    EXPECT_TRUE(channels.contains(ch)) << domain::to_string(ch);
  }
}

TEST(demo_conversations, triage_routes_enough_to_humans_and_to_ai_drafts) {
  const auto demo = load_demo();
  int human = 0, ai = 0;
  std::set<domain::priority> priorities;
  std::set<std::string> reasons;
  for (const auto& c : demo) {
    const auto t = triage_first_message(c);
    priorities.insert(t.priority);
    if (t.route == domain::triage_route::human) {
      ++human;
      reasons.insert(t.escalation_reason);
    } else {
      ++ai;
    }
  }
  RecordProperty("human_routes", human);
  RecordProperty("ai_routes", ai);
  EXPECT_GE(human, 5);
  EXPECT_GE(ai, 15);
  for (auto p :
       {domain::priority::p0, domain::priority::p1, domain::priority::p2, domain::priority::p3}) {
    EXPECT_TRUE(priorities.contains(p)) << domain::to_string(p);
  }
  // The escalations the product promises, each shown by at least one conversation.
  for (const char* r :
       {"p0", "keyword:lawyer", "keyword:fraud", "refund_amount", "order_value", "high_anger"}) {
    EXPECT_TRUE(reasons.contains(r)) << r;
  }
}

}  // namespace
}  // namespace frontdesk
