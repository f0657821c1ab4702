// Verifies webhook signatures: Chatwoot's timestamped HMAC-SHA256 and Twilio's HMAC-SHA1.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/expected.hpp"
#include "io/http_request.hpp"

namespace frontdesk::io {

enum class signature_error {
  missing_signature,
  missing_timestamp,
  malformed_header,
  bad_signature,
  stale_timestamp,
  future_timestamp,
  no_secret_configured,
};
std::string_view to_string(signature_error e);

/// How an accepted delivery was authenticated.
enum class signature_scheme { timestamped, body_only, unsigned_accepted };

/// Unix seconds now; injected so tests control freshness.
using unix_clock = std::function<std::int64_t()>;
std::int64_t system_unix_seconds();

struct chatwoot_signature_options {
  std::vector<std::string> secrets;    // several during a rotation; any one may match
  std::chrono::seconds window{300};    // accepted |now - timestamp|
  bool accept_unsigned = false;        // older Chatwoot sends no signature at all
  bool accept_body_only_hmac = false;  // legacy hex HMAC over the body alone
};

/// X-Chatwoot-Signature: sha256=<hex> = HMAC-SHA256(secret, timestamp + "." + raw body).
class chatwoot_signature_verifier {
 public:
  explicit chatwoot_signature_verifier(chatwoot_signature_options options,
                                       unix_clock now = system_unix_seconds);

  expected<signature_scheme, signature_error> verify(std::optional<std::string_view> signature,
                                                     std::optional<std::string_view> timestamp,
                                                     std::string_view raw_body) const;
  /// Reads X-Chatwoot-Signature and X-Chatwoot-Timestamp from the request.
  expected<signature_scheme, signature_error> verify(const http_request& req) const;

 private:
  chatwoot_signature_options options_;
  unix_clock now_;
};

/// Lower-case hex HMAC-SHA256.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
/// The value Chatwoot puts in X-Chatwoot-Signature for this timestamp and body.
std::string chatwoot_signature(std::string_view secret, std::string_view timestamp,
                               std::string_view body);

/// Twilio: base64(HMAC-SHA1(auth token, full URL + each POST param name and value, sorted by
/// name)).
std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             std::vector<std::pair<std::string, std::string>> params);
/// Checks X-Twilio-Signature against any of the auth tokens (rotation).
expected<void, signature_error> verify_twilio_signature(
    const std::vector<std::string>& auth_tokens, std::optional<std::string_view> header,
    std::string_view url, const std::vector<std::pair<std::string, std::string>>& params);
/// Form body "a=1&b=2" as ordered, decoded pairs (duplicates kept).
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body);

}  // namespace frontdesk::io
