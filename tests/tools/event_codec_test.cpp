#include "fsm/event_codec.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace frontdesk::fsm {
namespace {

/// One event of every alternative, with non-default values in every field.
std::vector<event> every_alternative() {
  return {
      ev::customer_message{4521},
      ev::triaged{domain::priority::p1, true, "keyword:lawyer"},
      ev::draft_ready{7, 0.8125},
      ev::draft_failed{8, "circuit_open"},
      ev::approve{3, "alice", "fp-approve-3"},
      ev::edit{4, "bob", "fp-edit-\"quoted\"\n"},
      ev::escalate{5, "carol", "fp-esc", 17},
      ev::reject{6, "dave", "fp-rej"},
      ev::grade{"erin", "fp-grade"},
      ev::human_replied{-12},
      ev::timer_fired{timer_name::approval_manager, 99},
      ev::resolved{},
      ev::hand_back{"frank \u00e9\u4e2d"},
  };
}

TEST(event_codec, every_alternative_is_covered_by_the_round_trip_set) {
  std::set<std::size_t> seen;
  for (const event& e : every_alternative()) seen.insert(e.index());
  EXPECT_EQ(seen.size(), std::variant_size_v<event>);
}

TEST(event_codec, round_trips_every_alternative) {
  for (const event& e : every_alternative()) {
    const std::string text = encode_event(e);
    auto back = decode_event(text);
    ASSERT_TRUE(back) << text << ": " << back.error();
    EXPECT_EQ(back->index(), e.index()) << text;
    EXPECT_EQ(kind_of(*back), kind_of(e)) << text;
    EXPECT_EQ(encode_event(*back), text);
  }
}

TEST(event_codec, decoded_fields_equal_the_originals) {
  auto t = decode_event(encode_event(ev::triaged{domain::priority::p0, true, "p0"}));
  ASSERT_TRUE(t);
  const auto& tr = std::get<ev::triaged>(*t);
  EXPECT_EQ(tr.priority, domain::priority::p0);
  EXPECT_TRUE(tr.route_to_human);
  EXPECT_EQ(tr.reason, "p0");

  auto d = decode_event(
      encode_event(ev::draft_ready{std::numeric_limits<std::uint64_t>::max(), 0.1 + 0.2}));
  ASSERT_TRUE(d);
  EXPECT_EQ(std::get<ev::draft_ready>(*d).request_id, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(std::get<ev::draft_ready>(*d).confidence, 0.1 + 0.2);  // exact, not approximate

  auto esc = decode_event(encode_event(ev::escalate{2, "op", "fp", std::nullopt}));
  ASSERT_TRUE(esc);
  EXPECT_FALSE(std::get<ev::escalate>(*esc).assignee_id.has_value());
  auto esc2 = decode_event(encode_event(ev::escalate{2, "op", "fp", 7}));
  ASSERT_TRUE(esc2);
  EXPECT_EQ(std::get<ev::escalate>(*esc2).assignee_id, 7);

  auto tf = decode_event(encode_event(ev::timer_fired{timer_name::resolution_breach, 3}));
  ASSERT_TRUE(tf);
  EXPECT_EQ(std::get<ev::timer_fired>(*tf).name, timer_name::resolution_breach);
  EXPECT_EQ(std::get<ev::timer_fired>(*tf).epoch, 3u);

  auto m =
      decode_event(encode_event(ev::customer_message{std::numeric_limits<std::int64_t>::min()}));
  ASSERT_TRUE(m);
  EXPECT_EQ(std::get<ev::customer_message>(*m).message_id,
            std::numeric_limits<std::int64_t>::min());
}

TEST(event_codec, encoding_names_the_type) {
  EXPECT_EQ(encode_event(ev::customer_message{42}),
            R"({"type":"customer_message","message_id":42})");
  EXPECT_EQ(encode_event(ev::resolved{}), R"({"type":"resolved"})");
}

TEST(event_codec, accepts_integral_confidence_and_any_key_order) {
  auto e = decode_event(R"({"confidence":1,"request_id":3,"type":"draft_ready"})");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(std::get<ev::draft_ready>(*e).confidence, 1.0);
  EXPECT_EQ(std::get<ev::draft_ready>(*e).request_id, 3u);
}

struct bad_case {
  std::string text;
  std::string expect_in_message;
};

TEST(event_codec, refuses_malformed_and_hostile_input_with_a_reason) {
  const std::vector<bad_case> cases = {
      {"", "not JSON"},
      {"{", "not JSON"},
      {"nul", "not JSON"},
      {R"({"type":"resolved"} trailing)", "not JSON"},
      {"[]", "not a JSON object"},
      {"42", "not a JSON object"},
      {R"("customer_message")", "not a JSON object"},
      {"{}", "\"type\""},
      {R"({"type":7})", "\"type\""},
      {R"({"type":"teleport"})", "unknown event type"},
      {R"({"type":"Customer_Message","message_id":1})", "unknown event type"},
      {R"({"type":"customer_message"})", "missing field \"message_id\""},
      {R"({"type":"customer_message","message_id":"1"})", "must be an integer"},
      {R"({"type":"customer_message","message_id":1.5})", "must be an integer"},
      {R"({"type":"customer_message","message_id":null})", "must be an integer"},
      {R"({"type":"customer_message","message_id":18446744073709551615})", "out of range"},
      {R"({"type":"draft_ready","request_id":-1,"confidence":0.9})", "out of range"},
      {R"({"type":"draft_ready","request_id":1,"confidence":"high"})", "must be a number"},
      {R"({"type":"draft_ready","request_id":1,"confidence":true})", "must be a number"},
      {R"({"type":"triaged","priority":"P9","route_to_human":false,"reason":""})", "not P0..P3"},
      {R"({"type":"triaged","priority":"P1","route_to_human":"yes","reason":""})", "true or false"},
      {R"({"type":"triaged","priority":"P1","route_to_human":false,"reason":3})",
       "must be a string"},
      {R"({"type":"timer_fired","name":"alarm_clock","epoch":1})", "not a timer name"},
      {R"({"type":"resolved","extra":1})", "unknown field \"extra\""},
      {R"({"type":"escalate","draft_version":1,"operator_id":"a","fingerprint":"f",)"
       R"("assignee_id":"7"})",
       "must be an integer"},
      {R"({"type":"hand_back","operator_id":{"nested":["x"]}})", "must be a string"},
  };
  for (const bad_case& c : cases) {
    auto r = decode_event(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_NE(r.error().find(c.expect_in_message), std::string::npos)
        << c.text << " -> " << r.error();
  }
}

TEST(event_codec, refuses_invalid_utf8_and_huge_numbers) {
  auto r = decode_event("{\"type\":\"hand_back\",\"operator_id\":\"\xff\xfe\"}");
  EXPECT_FALSE(r);
  auto big = decode_event(R"({"type":"draft_ready","request_id":1,"confidence":1e999})");
  EXPECT_FALSE(big);
  auto nul = decode_event(std::string("{\"type\":\"resolved\"}\0", 20));
  EXPECT_FALSE(nul);
}

TEST(event_codec, refuses_deep_nesting_and_oversized_input) {
  std::string deep = R"({"type":"hand_back","operator_id":)";
  deep += std::string(1000, '[');
  auto r = decode_event(deep);
  ASSERT_FALSE(r);

  std::string huge = R"({"type":"hand_back","operator_id":")";
  huge += std::string(max_encoded_event_bytes, 'x');
  huge += "\"}";
  auto h = decode_event(huge);
  ASSERT_FALSE(h);
  EXPECT_NE(h.error().find("larger"), std::string::npos) << h.error();

  // Just under the limit is fine.
  std::string fits = R"({"type":"hand_back","operator_id":")";
  fits += std::string(max_encoded_event_bytes - fits.size() - 2, 'x');
  fits += "\"}";
  EXPECT_TRUE(decode_event(fits));
}

TEST(event_codec, mutated_encodings_never_crash_and_valid_ones_round_trip) {
  std::mt19937 rng(12345);
  const auto events = every_alternative();
  int accepted = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text = encode_event(events[round % events.size()]);
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !text.empty(); ++k) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          text.erase(at, 1);
          break;
        default:
          text.insert(at, 1, static_cast<char>(rng() % 256));
          break;
      }
    }
    auto r = decode_event(text);
    if (r) {
      ++accepted;
      // Whatever is accepted re-encodes to something that decodes to the same encoding.
      const std::string again = encode_event(*r);
      auto back = decode_event(again);
      ASSERT_TRUE(back) << again;
      EXPECT_EQ(encode_event(*back), again);
    }
  }
  EXPECT_LT(accepted, 4000);
}

}  // namespace
}  // namespace frontdesk::fsm
