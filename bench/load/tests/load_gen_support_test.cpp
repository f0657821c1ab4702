// The load generator's parts that decide what is sent and what is reported: the latency
// histogram, the target URL, and the webhook bodies (checked against the product's own parser
// and signature verifier).

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "bench/load/latency_histogram.hpp"
#include "bench/load/target_url.hpp"
#include "bench/load/webhook_body_template.hpp"
#include "io/chatwoot_event.hpp"
#include "io/webhook_signature.hpp"

namespace frontdesk::bench {
namespace {

std::string fixture_text() {
  std::ifstream in(FRONTDESK_SHARED_DIR
                   "/fixtures/chatwoot/message_created.web_widget.incoming.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LatencyHistogram, EveryValueFallsInsideItsBucketWithinTwoPercent) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t v = rng() >> (rng() % 64);
    const std::size_t b = latency_histogram::index_of(v);
    ASSERT_LT(b, latency_histogram::bucket_count);
    if (v >= (std::uint64_t{1} << latency_histogram::max_bits)) continue;  // clamped
    ASSERT_LE(latency_histogram::lower_bound_of(b), v);
    ASSERT_GE(latency_histogram::upper_bound_of(b), v);
    const double width = static_cast<double>(latency_histogram::upper_bound_of(b) -
                                             latency_histogram::lower_bound_of(b));
    ASSERT_LE(width, static_cast<double>(v) / 63.0);
  }
}

TEST(LatencyHistogram, BucketsAreContiguous) {
  for (std::size_t b = 0; b + 1 < latency_histogram::bucket_count; ++b)
    ASSERT_EQ(latency_histogram::upper_bound_of(b) + 1, latency_histogram::lower_bound_of(b + 1))
        << b;
}

TEST(LatencyHistogram, PercentilesOfAUniformSpreadAreClose) {
  latency_histogram h;
  for (std::int64_t us = 1; us <= 100000; ++us) h.record(us * 1000);
  EXPECT_EQ(h.count(), 100000u);
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    const double expected = p * 1000.0 * 1000.0;  // p percent of 100 ms, in ns
    EXPECT_NEAR(static_cast<double>(h.percentile(p)), expected, expected * 0.016) << p;
  }
  EXPECT_EQ(h.percentile(100), 100000u * 1000u);
  EXPECT_EQ(h.max(), 100000u * 1000u);
  EXPECT_NEAR(h.mean(), 50000.5 * 1000, 1);
}

TEST(LatencyHistogram, ATailIsNotAveragedAway) {
  latency_histogram h;
  for (int i = 0; i < 980; ++i) h.record(1'000'000);  // 1 ms
  for (int i = 0; i < 20; ++i) h.record(50'000'000);  // 50 ms
  EXPECT_LE(h.percentile(50), 1'016'000u);
  EXPECT_GE(h.percentile(99), 49'000'000u);
}

TEST(LatencyHistogram, EmptyNegativeHugeAndMerged) {
  latency_histogram h;
  EXPECT_EQ(h.percentile(99), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  h.record(-5);
  EXPECT_EQ(h.percentile(50), 0u);
  h.record(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(h.percentile(100),
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  latency_histogram other;
  other.record(3000);
  other.record(4000);
  h.merge(other);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_GE(h.percentile(50), 2900u);
  EXPECT_LE(h.percentile(50), 3100u);
}

TEST(TargetUrl, AcceptsPlainHttpWithPortAndPath) {
  auto u = parse_target_url("http://127.0.0.1:8080/webhooks/chatwoot?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/webhooks/chatwoot?x=1");
  auto bare = parse_target_url("http://localhost");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->port, 80);
  EXPECT_EQ(bare->target, "/");
}

TEST(TargetUrl, RefusesEverythingElse) {
  for (const char* bad :
       {"", "https://127.0.0.1/", "127.0.0.1:80/", "http://", "http:///x", "http://:80/",
        "http://h:0/", "http://h:65536/", "http://h:8o/", "http://h:/", "http://u@h/",
        "http://h/a b", "http://h/\x01", "http://[::1]:80/", "http://h:80:81/", "ftp://h/"}) {
    EXPECT_FALSE(parse_target_url(bad)) << bad;
  }
  EXPECT_FALSE(parse_target_url("http://h/" + std::string(5000, 'a')));
}

TEST(WebhookBodyTemplate, RendersBodiesTheServerParsesAsNewCustomerMessages) {
  auto t = webhook_body_template::from_fixture(fixture_text());
  ASSERT_TRUE(t) << t.error();
  const std::string a = t->render(1'000'001, 2'000'001, 2'000'001);
  const std::string b = t->render(1'000'002, 2'000'002, 2'000'002);
  auto ea = io::parse_chatwoot_event(a);
  auto eb = io::parse_chatwoot_event(b);
  ASSERT_TRUE(ea) << ea.error().message;
  ASSERT_TRUE(eb) << eb.error().message;
  EXPECT_EQ(ea->message_id, 1'000'001);
  ASSERT_TRUE(ea->conversation);
  EXPECT_EQ(ea->conversation->display_id, 2'000'001);
  EXPECT_EQ(ea->conversation->contact_id, 2'000'001);
  ASSERT_TRUE(ea->sender);
  EXPECT_EQ(ea->sender->id, 2'000'001);
  ASSERT_TRUE(ea->content);
  EXPECT_NE(ea->content->find("order"), std::string::npos);
  EXPECT_NE(ea->content->find("1000001"), std::string::npos);
  EXPECT_EQ(io::classify(*ea).kind, io::chatwoot_event_kind::customer_message);
  EXPECT_NE(ea->dedupe_key(), eb->dedupe_key());
  EXPECT_NE(*ea->content, *eb->content);
  // Nothing of the placeholders is left.
  EXPECT_EQ(a.find("98765432"), std::string::npos);
}

TEST(WebhookBodyTemplate, SignedBodiesPassTheServersVerifier) {
  auto t = webhook_body_template::from_fixture(fixture_text());
  ASSERT_TRUE(t);
  const std::string body = t->render(5, 6, 7);
  const std::int64_t now = 1'800'000'000;
  const std::string ts = std::to_string(now);
  const std::string sig = "sha256=" + io::hmac_sha256_hex("s3cret", ts + "." + body);
  io::chatwoot_signature_verifier v({{"s3cret"}}, [now] { return now; });
  EXPECT_TRUE(v.verify(sig, ts, body));
  io::chatwoot_signature_verifier other({{"other"}}, [now] { return now; });
  EXPECT_FALSE(other.verify(sig, ts, body));
}

TEST(WebhookBodyTemplate, RefusesFixturesItCannotVary) {
  for (const char* bad : {"", "not json", "[1,2]", "{\"id\":1}", "{\"id\":1,\"content\":\"x\"}",
                          "{\"id\":1,\"content\":\"x\",\"conversation\":{}}",
                          "{\"id\":1,\"content\":\"x\",\"conversation\":[1]}", "{\"id\":"}) {
    EXPECT_FALSE(webhook_body_template::from_fixture(bad)) << bad;
  }
  auto minimal = webhook_body_template::from_fixture(
      R"({"event":"message_created","id":1,"content":"hi","conversation":{"id":2}})");
  ASSERT_TRUE(minimal);
  const std::string expected =
      "{\"event\":\"message_created\",\"id\":10,\"content\":\"hi (ref 10)\","
      "\"conversation\":{\"id\":20}}";
  EXPECT_EQ(minimal->render(10, 20, 30), expected);
}

}  // namespace
}  // namespace frontdesk::bench
