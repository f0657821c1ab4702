#pragma once
// The one error type every store operation returns, classified for the caller's reaction.

#include <cstdint>
#include <string>
#include <string_view>

namespace frontdesk::persistence {

enum class store_error_code : std::uint8_t {
  unavailable,  // cannot reach / lock / write the database now; retry later
  conflict,     // a constraint was violated; retrying the same change will fail again
  corrupt,      // the database file is damaged or is not a database
  too_new,      // the schema is newer than this binary understands
  invalid,      // bad argument (unknown id, malformed cursor, bad URI)
};

struct store_error {
  store_error_code code = store_error_code::invalid;
  std::string message;
};

std::string_view to_string(store_error_code code) noexcept;

}  // namespace frontdesk::persistence
