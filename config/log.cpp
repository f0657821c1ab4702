#include "config/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <chrono>
#include <mutex>

#include "domain/pii_mask.hpp"

namespace frontdesk::log {
namespace {

std::atomic<bool> json_format{false};
std::atomic<int> min_level{static_cast<int>(level::info)};
std::mutex capture_mutex;
std::string* captured = nullptr;

std::shared_ptr<spdlog::logger> logger() {
  static std::shared_ptr<spdlog::logger> l = [] {
    auto lg = std::make_shared<spdlog::logger>("frontdesk",
                                               std::make_shared<spdlog::sinks::stderr_sink_mt>());
    lg->set_pattern("%v");
    lg->set_level(spdlog::level::trace);
    return lg;
  }();
  return l;
}

std::string_view level_name(level l) {
  switch (l) {
    case level::trace:
      return "trace";
    case level::debug:
      return "debug";
    case level::info:
      return "info";
    case level::warn:
      return "warn";
    case level::error:
      return "error";
  }
  return "info";
}

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      return true;
  }
  return false;
}

void append_kv_value(std::string& out, std::string_view v) {
  if (!needs_quotes(v)) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string json_string(std::string_view v) {
  return boost::json::serialize(boost::json::string(v));
}

std::string timestamp() {
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];  // room for any int the format could print (-Wformat-truncation)
  const auto ms = now.time_since_epoch().count() % 1000;
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms));
  return buf;
}

}  // namespace

void init(const config::log_settings& s) {
  json_format = s.format == "json";
  int l = static_cast<int>(level::info);
  if (s.level == "trace") l = 0;
  if (s.level == "debug") l = 1;
  if (s.level == "warn") l = 3;
  if (s.level == "error") l = 4;
  if (s.level == "off") l = 5;
  min_level = l;
}

void capture(std::string* out) {
  std::lock_guard<std::mutex> lock(capture_mutex);
  captured = out;
}

bool enabled(level l) {
  return static_cast<int>(l) >= min_level.load();
}

std::string format_line(bool json, level l, std::string_view event,
                        std::initializer_list<field> fields) {
  std::string line;
  if (json) {
    line += "{\"level\":";
    line += json_string(level_name(l));
    line += ",\"event\":";
    line += json_string(event);
    for (const field& f : fields) {
      line += ',';
      line += json_string(f.key);
      line += ':';
      line += json_string(domain::mask_pii(f.value));
    }
    line += '}';
    return line;
  }
  line += "level=";
  line += level_name(l);
  line += " event=";
  append_kv_value(line, event);
  for (const field& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    append_kv_value(line, domain::mask_pii(f.value));
  }
  return line;
}

void write(level l, std::string_view event, std::initializer_list<field> fields) {
  if (!enabled(l)) return;
  const bool json = json_format.load();
  std::string body = format_line(json, l, event, fields);
  std::string line;
  if (json) {
    line = "{\"ts\":\"" + timestamp() + "\"," + body.substr(1);
  } else {
    line = "ts=" + timestamp() + " " + body;
  }
  {
    std::lock_guard<std::mutex> lock(capture_mutex);
    if (captured) {
      *captured += line;
      *captured += '\n';
      return;
    }
  }
  logger()->info(line);
}

}  // namespace frontdesk::log
