#pragma once
// Structured logging: one line per event, key=value or JSON, every value PII-masked.
//   log::info("webhook_accepted", {{"req", id}, {"conv", 42}, {"content", text}});

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "config/settings.hpp"

namespace frontdesk::log {

enum class level : std::uint8_t { trace, debug, info, warn, error };

struct field {
  std::string_view key;
  std::string value;
  field(std::string_view k, std::string_view v) : key(k), value(v) {}
  field(std::string_view k, const std::string& v) : key(k), value(v) {}
  field(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  field(std::string_view k, std::int64_t v) : key(k), value(std::to_string(v)) {}
  field(std::string_view k, std::uint64_t v) : key(k), value(std::to_string(v)) {}
  field(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
  field(std::string_view k, double v) : key(k), value(std::to_string(v)) {}
};

/// Sets format and level for the process (stderr). Safe to call again.
void init(const config::log_settings& s);
/// Sends lines to `out` instead of stderr (tests); nullptr restores stderr.
void capture(std::string* out);

bool enabled(level l);
void write(level l, std::string_view event, std::initializer_list<field> fields);

/// The line `write` would emit, without the timestamp (pure; for tests).
std::string format_line(bool json, level l, std::string_view event,
                        std::initializer_list<field> fields);

inline void debug(std::string_view e, std::initializer_list<field> f = {}) {
  write(level::debug, e, f);
}
inline void info(std::string_view e, std::initializer_list<field> f = {}) {
  write(level::info, e, f);
}
inline void warn(std::string_view e, std::initializer_list<field> f = {}) {
  write(level::warn, e, f);
}
inline void error(std::string_view e, std::initializer_list<field> f = {}) {
  write(level::error, e, f);
}

}  // namespace frontdesk::log
