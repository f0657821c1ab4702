#pragma once
// Masks personal data (emails, phone numbers, card numbers) before text reaches a log.

#include <string>
#include <string_view>

namespace frontdesk::domain {

/// Returns `text` with emails as `j***@example.com`, phone numbers keeping their last
/// two digits (`***-**12`), and card numbers (13-19 digits passing Luhn, spaces or
/// dashes allowed) as `****-****-****-1234`. Other text is left as it is.
std::string mask_pii(std::string_view text);

}  // namespace frontdesk::domain
