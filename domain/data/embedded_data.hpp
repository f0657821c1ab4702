#pragma once
// Access to the data files of domain/data/ (lexicons, cue lists), compiled into the binary.

#include <string_view>

namespace frontdesk::domain::data {

/// Contents of domain/data/<name> as embedded at build time; empty when there is no such file.
std::string_view embedded_file(std::string_view name) noexcept;

}  // namespace frontdesk::domain::data
