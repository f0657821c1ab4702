// Builds the API's error body {"error":{"code":"...","message":"..."}} so every error looks the
// same.
#pragma once

#include <string>
#include <string_view>

namespace frontdesk::io {

/// Serialises the error JSON of the HTTP contract; code is snake_case, message a human sentence.
std::string json_error(std::string_view code, std::string_view message);

}  // namespace frontdesk::io
