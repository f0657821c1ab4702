#include "io/webhook_signature.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

namespace frontdesk::io {
namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(FRONTDESK_SHARED_DIR) + "/fixtures/chatwoot/" + name,
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct signed_delivery {
  std::string body = read_fixture("signed_delivery.body.json");
  std::string secret, signature, timestamp;
  signed_delivery() {
    auto h = boost::json::parse(read_fixture("signed_delivery.headers.json"));
    secret = std::string(h.at("secret").as_string());
    signature = std::string(h.at("headers").at("X-Chatwoot-Signature").as_string());
    timestamp = std::string(h.at("headers").at("X-Chatwoot-Timestamp").as_string());
  }
  std::int64_t ts() const { return std::stoll(timestamp); }
};

chatwoot_signature_verifier verifier_at(std::int64_t now, std::vector<std::string> secrets,
                                        chatwoot_signature_options o = {}) {
  o.secrets = std::move(secrets);
  return chatwoot_signature_verifier(o, [now] { return now; });
}

TEST(ChatwootSignature, FixturePairIsAccepted) {
  signed_delivery d;
  ASSERT_FALSE(d.body.empty());
  EXPECT_EQ(chatwoot_signature(d.secret, d.timestamp, d.body), d.signature);
  auto v = verifier_at(d.ts() + 10, {d.secret});
  auto r = v.verify(d.signature, d.timestamp, d.body);
  ASSERT_TRUE(r.has_value()) << to_string(r.error());
  EXPECT_EQ(*r, signature_scheme::timestamped);
}

TEST(ChatwootSignature, AnyChangedBodyByteIsRejected) {
  signed_delivery d;
  auto v = verifier_at(d.ts(), {d.secret});
  // Every position, flipped one bit: none may pass.
  for (std::size_t i = 0; i < d.body.size(); ++i) {
    std::string changed = d.body;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    auto r = v.verify(d.signature, d.timestamp, changed);
    ASSERT_FALSE(r.has_value()) << "byte " << i;
    ASSERT_EQ(r.error(), signature_error::bad_signature);
  }
  EXPECT_FALSE(v.verify(d.signature, d.timestamp, d.body + " ").has_value());
  EXPECT_FALSE(v.verify(d.signature, d.timestamp, d.body.substr(0, d.body.size() - 1)).has_value());
}

TEST(ChatwootSignature, ChangedTimestampSecretOrSignatureIsRejected) {
  signed_delivery d;
  auto v = verifier_at(d.ts(), {d.secret});
  auto other_ts = std::to_string(d.ts() + 1);
  EXPECT_EQ(v.verify(d.signature, other_ts, d.body).error(), signature_error::bad_signature);
  auto wrong = verifier_at(d.ts(), {d.secret + "x"});
  EXPECT_EQ(wrong.verify(d.signature, d.timestamp, d.body).error(), signature_error::bad_signature);
  std::string sig = d.signature;
  sig.back() = sig.back() == '0' ? '1' : '0';
  EXPECT_EQ(v.verify(sig, d.timestamp, d.body).error(), signature_error::bad_signature);
  // The body-only HMAC is not the timestamped one.
  EXPECT_EQ(v.verify("sha256=" + hmac_sha256_hex(d.secret, d.body), d.timestamp, d.body).error(),
            signature_error::bad_signature);
}

TEST(ChatwootSignature, TimestampWindow) {
  signed_delivery d;
  EXPECT_TRUE(
      verifier_at(d.ts() + 300, {d.secret}).verify(d.signature, d.timestamp, d.body).has_value());
  EXPECT_TRUE(
      verifier_at(d.ts() - 300, {d.secret}).verify(d.signature, d.timestamp, d.body).has_value());
  EXPECT_EQ(verifier_at(d.ts() + 301, {d.secret}).verify(d.signature, d.timestamp, d.body).error(),
            signature_error::stale_timestamp);
  EXPECT_EQ(verifier_at(d.ts() - 301, {d.secret}).verify(d.signature, d.timestamp, d.body).error(),
            signature_error::future_timestamp);
  chatwoot_signature_options wide;
  wide.window = std::chrono::hours(24 * 365 * 10);
  EXPECT_TRUE(verifier_at(d.ts() + 86400, {d.secret}, wide)
                  .verify(d.signature, d.timestamp, d.body)
                  .has_value());
}

TEST(ChatwootSignature, SeveralSecretsDuringRotation) {
  signed_delivery d;
  auto v = verifier_at(d.ts(), {"old-secret-aaaa", d.secret, "next-secret-bbbb"});
  EXPECT_TRUE(v.verify(d.signature, d.timestamp, d.body).has_value());
}

TEST(ChatwootSignature, MissingAndMalformedHeaders) {
  signed_delivery d;
  auto v = verifier_at(d.ts(), {d.secret});
  EXPECT_EQ(v.verify(std::nullopt, d.timestamp, d.body).error(),
            signature_error::missing_signature);
  EXPECT_EQ(v.verify("", d.timestamp, d.body).error(), signature_error::missing_signature);
  EXPECT_EQ(v.verify(d.signature, std::nullopt, d.body).error(),
            signature_error::missing_timestamp);
  EXPECT_EQ(v.verify("sha256=zz", d.timestamp, d.body).error(), signature_error::malformed_header);
  EXPECT_EQ(v.verify("sha256=" + std::string(63, 'a'), d.timestamp, d.body).error(),
            signature_error::malformed_header);
  EXPECT_EQ(v.verify("sha256=" + std::string(66, 'a'), d.timestamp, d.body).error(),
            signature_error::malformed_header);
  EXPECT_EQ(v.verify(d.signature, "12x", d.body).error(), signature_error::malformed_header);
  EXPECT_EQ(v.verify(d.signature, "-5", d.body).error(), signature_error::malformed_header);
  EXPECT_EQ(v.verify(d.signature, "99999999999999999999999", d.body).error(),
            signature_error::malformed_header);
  auto none = verifier_at(d.ts(), {});
  EXPECT_EQ(none.verify(d.signature, d.timestamp, d.body).error(),
            signature_error::no_secret_configured);
}

TEST(ChatwootSignature, UnsignedOnlyWhenExplicitlyAllowed) {
  signed_delivery d;
  EXPECT_FALSE(
      verifier_at(d.ts(), {d.secret}).verify(std::nullopt, std::nullopt, d.body).has_value());
  chatwoot_signature_options o;
  o.accept_unsigned = true;
  auto v = verifier_at(d.ts(), {d.secret}, o);
  auto r = v.verify(std::nullopt, std::nullopt, d.body);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, signature_scheme::unsigned_accepted);
  // A signature that is present is still checked.
  EXPECT_EQ(v.verify("sha256=" + std::string(64, '0'), d.timestamp, d.body).error(),
            signature_error::bad_signature);
}

TEST(ChatwootSignature, BodyOnlyHmacOnlyWhenEnabled) {
  signed_delivery d;
  auto body_only = hmac_sha256_hex(d.secret, d.body);
  EXPECT_FALSE(verifier_at(d.ts(), {d.secret}).verify(body_only, std::nullopt, d.body).has_value());
  chatwoot_signature_options o;
  o.accept_body_only_hmac = true;
  auto v = verifier_at(d.ts(), {d.secret}, o);
  auto r = v.verify(body_only, std::nullopt, d.body);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, signature_scheme::body_only);
  EXPECT_TRUE(v.verify("sha256=" + body_only, std::nullopt, d.body).has_value());
  EXPECT_EQ(v.verify(body_only, std::nullopt, d.body + "x").error(),
            signature_error::bad_signature);
  // The timestamped form still works next to it.
  EXPECT_EQ(*v.verify(d.signature, d.timestamp, d.body), signature_scheme::timestamped);
}

TEST(ChatwootSignature, ReadsHeadersFromRequestCaseInsensitively) {
  signed_delivery d;
  http_request req;
  req.headers.add("x-chatwoot-signature", d.signature);
  req.headers.add("X-CHATWOOT-TIMESTAMP", d.timestamp);
  req.body = d.body;
  EXPECT_TRUE(verifier_at(d.ts(), {d.secret}).verify(req).has_value());
}

TEST(HmacSha256, KnownVector) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(TwilioSignature, MatchesTwilioDocumentedExample) {
  // The example from Twilio's webhook security documentation.
  std::vector<std::pair<std::string, std::string>> params = {{"CallSid", "CA1234567890ABCDE"},
                                                             {"Caller", "+12349013030"},
                                                             {"Digits", "1234"},
                                                             {"From", "+12349013030"},
                                                             {"To", "+18005551212"}};
  const std::string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const std::string token = "12345";
  EXPECT_EQ(twilio_signature(token, url, params), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  EXPECT_TRUE(
      verify_twilio_signature({token}, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url, params).has_value());
  EXPECT_TRUE(verify_twilio_signature({"other", token}, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url, params)
                  .has_value());
  EXPECT_EQ(verify_twilio_signature({"other"}, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url, params).error(),
            signature_error::bad_signature);
  auto changed = params;
  changed[2].second = "1235";
  EXPECT_EQ(verify_twilio_signature({token}, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", url, changed).error(),
            signature_error::bad_signature);
  EXPECT_EQ(verify_twilio_signature({token}, std::nullopt, url, params).error(),
            signature_error::missing_signature);
  EXPECT_EQ(verify_twilio_signature({token}, "short", url, params).error(),
            signature_error::malformed_header);
}

TEST(TwilioSignature, FormBodyParsing) {
  auto p = parse_form("Body=Hello+there%21&From=whatsapp%3A%2B1555&Empty=&Flag");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"Body", "Hello there!"}));
  EXPECT_EQ(p[1].second, "whatsapp:+1555");
  EXPECT_EQ(p[2].second, "");
  EXPECT_EQ(p[3].first, "Flag");
}

}  // namespace
}  // namespace frontdesk::io
