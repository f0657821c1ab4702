#include "io/webhook_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace frontdesk::io {

namespace {

using digest = std::vector<unsigned char>;

digest hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return digest(out.begin(), out.begin() + len);
}

std::string to_hex(const digest& d) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(d.size() * 2);
  for (unsigned char c : d) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<digest> from_hex(std::string_view s) {
  if (s.size() % 2 != 0) return std::nullopt;
  digest out(s.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

bool same(const digest& a, const digest& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string base64(const digest& d) {
  std::string out(4 * ((d.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), d.data(),
                          static_cast<int>(d.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

std::string_view to_string(signature_error e) {
  switch (e) {
    case signature_error::missing_signature:
      return "missing_signature";
    case signature_error::missing_timestamp:
      return "missing_timestamp";
    case signature_error::malformed_header:
      return "malformed_header";
    case signature_error::bad_signature:
      return "bad_signature";
    case signature_error::stale_timestamp:
      return "stale_timestamp";
    case signature_error::future_timestamp:
      return "future_timestamp";
    case signature_error::no_secret_configured:
      return "no_secret_configured";
  }
  return "unknown";
}

std::int64_t system_unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  return to_hex(hmac(EVP_sha256(), key, data));
}

std::string chatwoot_signature(std::string_view secret, std::string_view timestamp,
                               std::string_view body) {
  std::string signed_bytes;
  signed_bytes.reserve(timestamp.size() + 1 + body.size());
  signed_bytes.append(timestamp).append(".").append(body);
  return "sha256=" + hmac_sha256_hex(secret, signed_bytes);
}

chatwoot_signature_verifier::chatwoot_signature_verifier(chatwoot_signature_options options,
                                                         unix_clock now)
    : options_(std::move(options)), now_(std::move(now)) {}

expected<signature_scheme, signature_error> chatwoot_signature_verifier::verify(
    std::optional<std::string_view> signature, std::optional<std::string_view> timestamp,
    std::string_view raw_body) const {
  if (!signature || trim(*signature).empty()) {
    if (options_.accept_unsigned) return signature_scheme::unsigned_accepted;
    return unexpected{signature_error::missing_signature};
  }
  if (options_.secrets.empty()) return unexpected{signature_error::no_secret_configured};
  std::string_view sig = trim(*signature);
  if (sig.size() > 7 && std::equal(sig.begin(), sig.begin() + 7, "sha256=")) sig.remove_prefix(7);
  auto given = from_hex(sig);
  if (!given || given->size() != 32) return unexpected{signature_error::malformed_header};

  bool has_timestamp = timestamp && !trim(*timestamp).empty();
  if (has_timestamp) {
    std::string_view ts = trim(*timestamp);
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), seconds);
    if (ec != std::errc{} || end != ts.data() + ts.size() || seconds < 0)
      return unexpected{signature_error::malformed_header};
    std::string signed_bytes;
    signed_bytes.reserve(ts.size() + 1 + raw_body.size());
    signed_bytes.append(ts).append(".").append(raw_body);
    bool match = false;
    for (const auto& secret : options_.secrets)
      match |= same(hmac(EVP_sha256(), secret, signed_bytes), *given);  // no early exit
    if (match) {
      std::int64_t now = now_();
      std::int64_t window = options_.window.count();
      if (seconds < now - window) return unexpected{signature_error::stale_timestamp};
      if (seconds > now + window) return unexpected{signature_error::future_timestamp};
      return signature_scheme::timestamped;
    }
  }
  if (options_.accept_body_only_hmac) {
    bool match = false;
    for (const auto& secret : options_.secrets)
      match |= same(hmac(EVP_sha256(), secret, raw_body), *given);
    if (match) return signature_scheme::body_only;
  }
  if (!has_timestamp && !options_.accept_body_only_hmac)
    return unexpected{signature_error::missing_timestamp};
  return unexpected{signature_error::bad_signature};
}

expected<signature_scheme, signature_error> chatwoot_signature_verifier::verify(
    const http_request& req) const {
  return verify(req.header("X-Chatwoot-Signature"), req.header("X-Chatwoot-Timestamp"), req.body);
}

std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             std::vector<std::pair<std::string, std::string>> params) {
  std::sort(params.begin(), params.end());
  std::string data(url);
  for (const auto& [k, v] : params) data.append(k).append(v);
  return base64(hmac(EVP_sha1(), auth_token, data));
}

expected<void, signature_error> verify_twilio_signature(
    const std::vector<std::string>& auth_tokens, std::optional<std::string_view> header,
    std::string_view url, const std::vector<std::pair<std::string, std::string>>& params) {
  if (!header || trim(*header).empty()) return unexpected{signature_error::missing_signature};
  if (auth_tokens.empty()) return unexpected{signature_error::no_secret_configured};
  std::string_view given = trim(*header);
  if (given.size() != 28)
    return unexpected{signature_error::malformed_header};  // base64 of 20 bytes
  bool match = false;
  for (const auto& token : auth_tokens) {
    auto expected_sig = twilio_signature(token, url, params);
    match |= expected_sig.size() == given.size() &&
             CRYPTO_memcmp(expected_sig.data(), given.data(), given.size()) == 0;
  }
  if (!match) return unexpected{signature_error::bad_signature};
  return {};
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos)
      out.emplace_back(url_decode(part), "");
    else
      out.emplace_back(url_decode(part.substr(0, eq)), url_decode(part.substr(eq + 1)));
  }
  return out;
}

}  // namespace frontdesk::io
