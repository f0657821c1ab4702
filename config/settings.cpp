#include "config/settings.hpp"

#include <toml++/toml.h>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace frontdesk::config {
namespace {

using problem = std::optional<std::string>;
using setter = std::function<problem(std::string_view, settings&)>;

struct key {
  std::string toml_key;
  std::string env_name;
  setter set;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

setter integer_key(long long lo, long long hi, std::function<void(settings&, long long)> assign) {
  return [lo, hi, assign](std::string_view text, settings& s) -> problem {
    text = trim(text);
    long long v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) {
      return "expected an integer, got \"" + std::string(text) + "\"";
    }
    if (v < lo || v > hi) {
      return "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " +
             std::to_string(v);
    }
    assign(s, v);
    return std::nullopt;
  };
}

setter number_key(double lo, double hi, std::function<void(settings&, double)> assign) {
  return [lo, hi, assign](std::string_view text, settings& s) -> problem {
    const std::string t(trim(text));
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (t.empty() || end != t.c_str() + t.size()) return "expected a number, got \"" + t + "\"";
    if (!(v >= lo && v <= hi)) {
      return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
    }
    assign(s, v);
    return std::nullopt;
  };
}

setter bool_key(std::function<void(settings&, bool)> assign) {
  return [assign](std::string_view text, settings& s) -> problem {
    const std::string t(trim(text));
    if (t == "true" || t == "1" || t == "yes" || t == "on") {
      assign(s, true);
    } else if (t == "false" || t == "0" || t == "no" || t == "off") {
      assign(s, false);
    } else {
      return "expected true or false, got \"" + t + "\"";
    }
    return std::nullopt;
  };
}

setter string_key(std::function<void(settings&, std::string)> assign) {
  return [assign](std::string_view text, settings& s) -> problem {
    assign(s, std::string(trim(text)));
    return std::nullopt;
  };
}

problem check_url(std::string_view u) {
  if (u.empty()) return std::nullopt;
  if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
    return "expected an http:// or https:// URL, got \"" + std::string(u) + "\"";
  }
  if (u.size() <= 8 || u.find(' ') != std::string_view::npos) {
    return "not a valid URL: \"" + std::string(u) + "\"";
  }
  return std::nullopt;
}

setter url_key(std::function<void(settings&, std::string)> assign) {
  return [assign](std::string_view text, settings& s) -> problem {
    std::string u(trim(text));
    while (!u.empty() && u.back() == '/') u.pop_back();
    if (auto p = check_url(u)) return p;
    assign(s, u);
    return std::nullopt;
  };
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string_view part = trim(text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

problem parse_listen(std::string_view text, settings& s) {
  text = trim(text);
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return "expected host:port, got \"" + std::string(text) + "\"";
  }
  const std::string_view port = text.substr(colon + 1);
  unsigned v = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (ec != std::errc() || p != port.data() + port.size() || v > 65535) {
    return "port must be a number from 0 to 65535, got \"" + std::string(port) + "\"";
  }
  s.server.host = std::string(text.substr(0, colon));
  s.server.port = static_cast<std::uint16_t>(v);
  return std::nullopt;
}

problem parse_db(std::string_view text, settings& s) {
  text = trim(text);
  if (text.rfind("sqlite:", 0) == 0 && text.size() > 7) {
    s.store.db = std::string(text);
    return std::nullopt;
  }
  if (text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0) {
    s.store.db = std::string(text);
    return std::nullopt;
  }
  return "expected sqlite:PATH or a postgresql:// URI, got \"" + std::string(text) + "\"";
}

problem parse_tokens(std::string_view text, settings& s) {
  for (const std::string& entry : split_list(text)) {
    const std::size_t a = entry.find(':');
    const std::size_t b = a == std::string::npos ? a : entry.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos || a == 0 || b == a + 1) {
      return "each entry must be token:operator_id:role (an entry is malformed)";
    }
    const std::string role = entry.substr(b + 1);
    if (role != "operator" && role != "manager" && role != "admin") {
      return "role must be operator, manager or admin, got \"" + role + "\"";
    }
    if (a < 16) return "tokens must be at least 16 characters long";
  }
  s.operator_tokens = std::string(trim(text));
  return std::nullopt;
}

problem parse_secrets(std::string_view text, settings& s) {
  s.chatwoot.webhook_secrets = split_list(text);
  return std::nullopt;
}

problem parse_hours(std::string_view text, settings& s) {
  // "Mon-Fri 09:00-17:00" (checked in depth by the SLA calendar; shape checked here).
  text = trim(text);
  if (text.size() < 11 || text.find(' ') == std::string_view::npos ||
      text.find(':') == std::string_view::npos) {
    return "expected like \"Mon-Fri 09:00-17:00\", got \"" + std::string(text) + "\"";
  }
  s.sla.business_hours = std::string(text);
  return std::nullopt;
}

const std::vector<key>& registry() {
  static const std::vector<key> keys = {
      {"server.listen", "FRONTDESK_LISTEN", parse_listen},
      {"server.threads", "FRONTDESK_HTTP_THREADS",
       integer_key(1, 64, [](settings& s, long long v) { s.server.threads = int(v); })},
      {"server.max_body_bytes", "",
       integer_key(1024, 64ll << 20, [](settings& s, long long v) { s.server.max_body_bytes = std::size_t(v); })},
      {"server.max_connections", "",
       integer_key(1, 100000, [](settings& s, long long v) { s.server.max_connections = int(v); })},
      {"server.read_timeout_ms", "",
       integer_key(100, 600000, [](settings& s, long long v) { s.server.read_timeout_ms = int(v); })},
      {"server.idle_timeout_ms", "",
       integer_key(100, 3600000, [](settings& s, long long v) { s.server.idle_timeout_ms = int(v); })},
      {"store.db", "FRONTDESK_DB", parse_db},
      {"store.batch_max", "",
       integer_key(1, 100000, [](settings& s, long long v) { s.store.batch_max = int(v); })},
      {"store.batch_delay_us", "",
       integer_key(0, 1000000, [](settings& s, long long v) { s.store.batch_delay_us = int(v); })},
      {"auth.operator_tokens", "FRONTDESK_OPERATOR_TOKENS", parse_tokens},
      {"chatwoot.base_url", "CHATWOOT_BASE_URL",
       url_key([](settings& s, std::string v) { s.chatwoot.base_url = std::move(v); })},
      {"chatwoot.api_token", "CHATWOOT_API_TOKEN",
       string_key([](settings& s, std::string v) { s.chatwoot.api_token = std::move(v); })},
      {"chatwoot.account_id", "CHATWOOT_ACCOUNT_ID",
       integer_key(0, 1ll << 40, [](settings& s, long long v) { s.chatwoot.account_id = v; })},
      {"chatwoot.webhook_secret", "CHATWOOT_WEBHOOK_SECRET", parse_secrets},
      {"chatwoot.accept_unsigned", "",
       bool_key([](settings& s, bool v) { s.chatwoot.accept_unsigned = v; })},
      {"chatwoot.accept_body_hmac", "",
       bool_key([](settings& s, bool v) { s.chatwoot.accept_body_hmac = v; })},
      {"chatwoot.timestamp_window_s", "",
       integer_key(1, 86400, [](settings& s, long long v) { s.chatwoot.timestamp_window_s = int(v); })},
      {"chatwoot.own_user_id", "CHATWOOT_OWN_USER_ID",
       integer_key(0, 1ll << 40, [](settings& s, long long v) { s.chatwoot.own_user_id = v; })},
      {"chatwoot.reconcile_interval_s", "",
       integer_key(10, 86400, [](settings& s, long long v) { s.chatwoot.reconcile_interval_s = int(v); })},
      {"chatwoot.max_in_flight", "",
       integer_key(1, 4096, [](settings& s, long long v) { s.chatwoot.max_in_flight = int(v); })},
      {"llm.base_url", "LLM_BASE_URL",
       url_key([](settings& s, std::string v) { s.llm.base_url = std::move(v); })},
      {"llm.api_key", "LLM_API_KEY",
       string_key([](settings& s, std::string v) { s.llm.api_key = std::move(v); })},
      {"llm.model", "LLM_MODEL",
       string_key([](settings& s, std::string v) { s.llm.model = std::move(v); })},
      {"llm.timeout_ms", "",
       integer_key(100, 600000, [](settings& s, long long v) { s.llm.timeout_ms = int(v); })},
      {"knowledge.kb_dir", "FRONTDESK_KB_DIR",
       string_key([](settings& s, std::string v) { s.knowledge.kb_dir = std::move(v); })},
      {"knowledge.rag_service_url", "RAG_SERVICE_URL",
       url_key([](settings& s, std::string v) { s.knowledge.rag_service_url = std::move(v); })},
      {"knowledge.top_k", "",
       integer_key(1, 50, [](settings& s, long long v) { s.knowledge.top_k = int(v); })},
      {"knowledge.min_relevance", "",
       number_key(0, 1, [](settings& s, double v) { s.knowledge.min_relevance = v; })},
      {"workflow.ai_drafts_enabled", "AI_DRAFTS_ENABLED",
       bool_key([](settings& s, bool v) { s.workflow.ai_drafts_enabled = v; })},
      {"workflow.confidence_threshold", "",
       number_key(0, 1, [](settings& s, double v) { s.workflow.confidence_threshold = v; })},
      {"workflow.grade_required", "",
       bool_key([](settings& s, bool v) { s.workflow.grade_required = v; })},
      {"workflow.draft_timeout_s", "",
       integer_key(1, 3600, [](settings& s, long long v) { s.workflow.draft_timeout_s = int(v); })},
      {"workflow.approval_notify_after_min", "",
       integer_key(1, 1440, [](settings& s, long long v) { s.workflow.approval_notify_after_min = int(v); })},
      {"workflow.approval_manager_after_min", "",
       integer_key(1, 2880, [](settings& s, long long v) { s.workflow.approval_manager_after_min = int(v); })},
      {"workflow.rate_limit_per_minute", "",
       integer_key(1, 100000, [](settings& s, long long v) { s.workflow.rate_limit_per_minute = int(v); })},
      {"sla.timezone", "FRONTDESK_TIMEZONE",
       string_key([](settings& s, std::string v) { s.sla.timezone = std::move(v); })},
      {"sla.business_hours", "", parse_hours},
      {"sla.holidays", "",
       [](std::string_view text, settings& s) -> problem {
         s.sla.holidays = split_list(text);
         for (const std::string& d : s.sla.holidays) {
           if (d.size() != 10 || d[4] != '-' || d[7] != '-') return "holiday \"" + d + "\" is not YYYY-MM-DD";
         }
         return std::nullopt;
       }},
      {"sla.warning_fraction", "",
       number_key(0.05, 1, [](settings& s, double v) { s.sla.warning_fraction = v; })},
      {"actors.workers", "",
       integer_key(1, 64, [](settings& s, long long v) { s.actors.workers = int(v); })},
      {"actors.max_throughput", "",
       integer_key(1, 100000, [](settings& s, long long v) { s.actors.max_throughput = int(v); })},
      {"actors.passivate_after_s", "",
       integer_key(1, 86400 * 7, [](settings& s, long long v) { s.actors.passivate_after_s = int(v); })},
      {"actors.timer_horizon_s", "",
       integer_key(4, 86400 * 7, [](settings& s, long long v) { s.actors.timer_horizon_s = int(v); })},
      {"log.format", "FRONTDESK_LOG_FORMAT",
       [](std::string_view text, settings& s) -> problem {
         const std::string t(trim(text));
         if (t != "kv" && t != "json") return "expected kv or json, got \"" + t + "\"";
         s.log.format = t;
         return std::nullopt;
       }},
      {"log.level", "FRONTDESK_LOG_LEVEL",
       [](std::string_view text, settings& s) -> problem {
         const std::string t(trim(text));
         for (const char* l : {"trace", "debug", "info", "warn", "error", "off"}) {
           if (t == l) {
             s.log.level = t;
             return std::nullopt;
           }
         }
         return "expected trace, debug, info, warn, error or off, got \"" + t + "\"";
       }},
  };
  return keys;
}

const key* find_key(std::string_view toml_key) {
  for (const key& k : registry()) {
    if (k.toml_key == toml_key) return &k;
  }
  return nullptr;
}

std::optional<std::string> node_text(const toml::node& n) {
  if (auto v = n.value<std::string>()) return *v;
  if (auto v = n.as_boolean()) return v->get() ? "true" : "false";
  if (auto v = n.as_integer()) return std::to_string(v->get());
  if (auto v = n.as_floating_point()) {
    std::ostringstream o;
    o << v->get();
    return o.str();
  }
  if (auto a = n.as_array()) {
    std::string joined;
    for (const toml::node& e : *a) {
      auto t = node_text(e);
      if (!t) return std::nullopt;
      if (!joined.empty()) joined += ',';
      joined += *t;
    }
    return joined;
  }
  return std::nullopt;
}

problem apply_toml(const toml::table& root, settings& s) {
  for (const auto& [section, node] : root) {
    const toml::table* t = node.as_table();
    if (!t) return "config key \"" + std::string(section.str()) + "\": expected a [section]";
    for (const auto& [name, value] : *t) {
      const std::string full = std::string(section.str()) + "." + std::string(name.str());
      const key* k = find_key(full);
      if (!k) return "config key \"" + full + "\": unknown key";
      const auto text = node_text(value);
      if (!text) return "config key \"" + full + "\": unsupported value type";
      if (auto p = k->set(*text, s)) return "config key \"" + full + "\": " + *p;
    }
  }
  return std::nullopt;
}

expected<settings, std::string> finish(settings s, const env_lookup& env) {
  for (const key& k : registry()) {
    if (k.env_name.empty()) continue;
    if (auto v = env(k.env_name)) {
      if (auto p = k.set(*v, s)) return unexpected{k.env_name + ": " + *p};
    }
  }
  return s;
}

}  // namespace

env_lookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

expected<settings, std::string> load_settings_from_text(std::string_view text,
                                                        const env_lookup& env) {
  settings s;
  toml::table parsed;
  try {
    parsed = toml::parse(text);
  } catch (const toml::parse_error& err) {
    return unexpected{"config: " + std::string(err.description()) + " at line " +
                      std::to_string(err.source().begin.line)};
  }
  if (auto p = apply_toml(parsed, s)) return unexpected{*p};
  return finish(std::move(s), env);
}

expected<settings, std::string> load_settings(const std::optional<std::string>& toml_path,
                                              const env_lookup& env) {
  if (!toml_path) return finish(settings{}, env);
  std::ifstream in(*toml_path, std::ios::binary);
  if (!in) return unexpected{"config file " + *toml_path + " cannot be read"};
  std::stringstream buf;
  buf << in.rdbuf();
  auto r = load_settings_from_text(buf.str(), env);
  if (!r) return unexpected{*toml_path + ": " + r.error()};
  return r;
}

std::vector<key_info> known_keys() {
  std::vector<key_info> out;
  for (const key& k : registry()) out.push_back({k.toml_key, k.env_name});
  return out;
}

}  // namespace frontdesk::config
