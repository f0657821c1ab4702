#pragma once
// The channel a conversation arrives on; decides reply form (PRODUCT.md "Drafting").

#include <cstdint>
#include <string_view>

namespace frontdesk::domain {

enum class channel : std::uint8_t { email, web_widget, api, whatsapp, sms, web_form, other };

/// "email", "web_widget", "api", "whatsapp", "sms", "web_form", "other".
std::string_view to_string(channel c) noexcept;
/// Parses our own names (above) and Chatwoot's ("Channel::Email", "Channel::TwilioSms", ...).
channel parse_channel(std::string_view text) noexcept;

}  // namespace frontdesk::domain
