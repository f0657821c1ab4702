// Fuzzes signature header parsing: arbitrary signature, timestamp and body must never crash or
// pass.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/webhook_signature.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace frontdesk::io;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto first = in.find('\n');
  auto second = first == std::string_view::npos ? first : in.find('\n', first + 1);
  if (second == std::string_view::npos) return 0;
  auto sig = in.substr(0, first);
  auto ts = in.substr(first + 1, second - first - 1);
  auto body = in.substr(second + 1);
  chatwoot_signature_options o;
  o.secrets = {"fuzz-secret"};
  o.accept_body_only_hmac = true;
  chatwoot_signature_verifier v(o, [] { return std::int64_t{1778062533}; });
  auto r = v.verify(sig, ts, body);
  // A random input passing means the check is broken (2^-256 otherwise).
  if (r.has_value() && sig != chatwoot_signature("fuzz-secret", ts, body) &&
      sig != hmac_sha256_hex("fuzz-secret", body) &&
      sig != "sha256=" + hmac_sha256_hex("fuzz-secret", body))
    __builtin_trap();
  (void)verify_twilio_signature({"token"}, sig, ts, parse_form(body)).has_value();
  return 0;
}
