// Parses the HTTP Retry-After header (delta-seconds or HTTP-date) into a wait duration.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace frontdesk::domain {

/// Largest wait we ever report; longer values saturate here.
inline constexpr std::chrono::seconds max_retry_after{86400 * 365};

/// `value` is the header's value; `now_unix_seconds` is the current time (injected).
/// Delta-seconds ("120") or an HTTP-date (IMF-fixdate, RFC 850 or asctime form).
/// A date in the past yields 0 s. Anything else (negative, fractional, garbage) is nullopt.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::int64_t now_unix_seconds) noexcept;

/// Unix seconds of an HTTP-date in any of the three RFC 9110 forms; nullopt if malformed.
std::optional<std::int64_t> parse_http_date(std::string_view value) noexcept;

}  // namespace frontdesk::domain
