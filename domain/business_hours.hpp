#pragma once
// Parses the weekly opening hours operators write in the configuration, e.g.
// "Mon-Fri 09:00-17:00" or "Mon-Fri 09:00-17:00; Sat 10:00-14:00".

#include <string>
#include <string_view>

#include "domain/expected.hpp"
#include "domain/sla_calendar.hpp"

namespace frontdesk::domain {

/// The week of an sla_calendar_config; days not named are closed. Errors say what is wrong.
expected<decltype(sla_calendar_config::week), std::string> parse_business_hours(
    std::string_view text);

}  // namespace frontdesk::domain
