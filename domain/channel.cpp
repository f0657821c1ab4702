#include "domain/channel.hpp"

#include <array>
#include <utility>

namespace frontdesk::domain {

std::string_view to_string(channel c) noexcept {
  switch (c) {
    case channel::email:
      return "email";
    case channel::web_widget:
      return "web_widget";
    case channel::api:
      return "api";
    case channel::whatsapp:
      return "whatsapp";
    case channel::sms:
      return "sms";
    case channel::web_form:
      return "web_form";
    case channel::other:
      return "other";
  }
  return "other";
}

channel parse_channel(std::string_view text) noexcept {
  static constexpr std::array<std::pair<std::string_view, channel>, 14> names{{
      {"email", channel::email},
      {"Channel::Email", channel::email},
      {"web_widget", channel::web_widget},
      {"Channel::WebWidget", channel::web_widget},
      {"api", channel::api},
      {"Channel::Api", channel::api},
      {"whatsapp", channel::whatsapp},
      {"Channel::Whatsapp", channel::whatsapp},
      {"sms", channel::sms},
      {"Channel::TwilioSms", channel::sms},
      {"Channel::Sms", channel::sms},
      {"web_form", channel::web_form},
      {"other", channel::other},
      {"Channel::Telegram", channel::other},
  }};
  for (const auto& [name, c] : names) {
    if (name == text) return c;
  }
  return channel::other;
}

}  // namespace frontdesk::domain
