#include "bench/harness/scenario.hpp"

#include <toml++/toml.h>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include "bench/harness/message_templates.hpp"

namespace frontdesk::bench {

std::string_view to_string(arrival_kind a) {
  switch (a) {
    case arrival_kind::constant:
      return "constant";
    case arrival_kind::poisson:
      return "poisson";
    case arrival_kind::replay:
      return "replay";
  }
  return "?";
}

namespace {

/// Reads the keys of one table, remembers which were read, and reports the first problem.
class table_reader {
 public:
  table_reader(const toml::table* t, std::string prefix, std::string& error)
      : table_(t), prefix_(std::move(prefix)), error_(error) {}

  std::string key_name(std::string_view key) const {
    return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
  }

  bool fail(std::string_view key, const std::string& why) {
    if (error_.empty()) error_ = "scenario key \"" + key_name(key) + "\": " + why;
    return false;
  }

  const toml::node* get(std::string_view key) {
    seen_.insert(std::string(key));
    return table_ == nullptr ? nullptr : table_->get(key);
  }

  void number(std::string_view key, double& out, double lo, double hi) {
    const toml::node* n = get(key);
    if (n == nullptr) return;
    double v = 0;
    if (auto i = n->value_exact<std::int64_t>()) {
      v = static_cast<double>(*i);
    } else if (auto d = n->value_exact<double>()) {
      v = *d;
    } else {
      fail(key, "expected a number");
      return;
    }
    if (!std::isfinite(v) || v < lo || v > hi) {
      std::ostringstream s;
      s << "must be between " << lo << " and " << hi;
      fail(key, s.str());
      return;
    }
    out = v;
  }

  template <class Int>
  void integer(std::string_view key, Int& out, std::int64_t lo, std::int64_t hi) {
    const toml::node* n = get(key);
    if (n == nullptr) return;
    auto i = n->value_exact<std::int64_t>();
    if (!i) {
      fail(key, "expected an integer");
      return;
    }
    if (*i < lo || *i > hi) {
      fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      return;
    }
    out = static_cast<Int>(*i);
  }

  void boolean(std::string_view key, bool& out) {
    const toml::node* n = get(key);
    if (n == nullptr) return;
    auto b = n->value_exact<bool>();
    if (!b) {
      fail(key, "expected true or false");
      return;
    }
    out = *b;
  }

  void text(std::string_view key, std::string& out, std::size_t max_len) {
    const toml::node* n = get(key);
    if (n == nullptr) return;
    auto s = n->value_exact<std::string>();
    if (!s) {
      fail(key, "expected a string");
      return;
    }
    if (s->size() > max_len) {
      fail(key, "longer than " + std::to_string(max_len) + " characters");
      return;
    }
    out = *s;
  }

  /// A sub-table (nullptr when absent; an error when present and not a table).
  const toml::table* table(std::string_view key) {
    const toml::node* n = get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      fail(key, "expected a table");
      return nullptr;
    }
    return n->as_table();
  }

  /// Reports the first key of the table that nothing read.
  void finish() {
    if (table_ == nullptr) return;
    for (const auto& [k, v] : *table_) {
      if (!seen_.count(std::string(k.str()))) {
        fail(k.str(), "unknown key");
        return;
      }
    }
  }

 private:
  const toml::table* table_;
  std::string prefix_;
  std::string& error_;
  std::set<std::string> seen_;
};

void read_dependency(const toml::table* t, const std::string& prefix, dependency_spec& d,
                     std::string& error) {
  table_reader r(t, prefix, error);
  r.number("latency_ms", d.latency_ms, 0, 600'000);
  r.number("jitter_ms", d.jitter_ms, 0, 600'000);
  r.number("error_rate", d.error_rate, 0, 1);
  r.number("rate_limit_rate", d.rate_limit_rate, 0, 1);
  r.boolean("enabled", d.enabled);
  r.finish();
  if (error.empty() && d.error_rate + d.rate_limit_rate > 1) {
    error = "scenario key \"" + prefix + "\": error_rate + rate_limit_rate exceed 1";
  }
}

void read_traffic(const toml::table* t, traffic_spec& s, std::string& error) {
  table_reader r(t, "traffic", error);
  r.integer("conversations", s.conversations, 1, 50'000'000);
  if (const toml::node* m = r.get("messages")) {
    if (auto one = m->value_exact<std::int64_t>()) {
      if (*one < 1 || *one > 1000) {
        r.fail("messages", "must be between 1 and 1000");
      } else {
        s.messages_min = s.messages_max = static_cast<int>(*one);
      }
    } else if (const toml::array* a = m->as_array(); a != nullptr && a->size() == 2) {
      auto lo = (*a)[0].value_exact<std::int64_t>();
      auto hi = (*a)[1].value_exact<std::int64_t>();
      if (!lo || !hi || *lo < 1 || *hi > 1000 || *lo > *hi) {
        r.fail("messages", "expected [min, max] with 1 <= min <= max <= 1000");
      } else {
        s.messages_min = static_cast<int>(*lo);
        s.messages_max = static_cast<int>(*hi);
      }
    } else {
      r.fail("messages", "expected an integer or [min, max]");
    }
  }
  std::string arrival;
  r.text("arrival", arrival, 32);
  if (!arrival.empty()) {
    if (arrival == "constant") {
      s.arrival = arrival_kind::constant;
    } else if (arrival == "poisson") {
      s.arrival = arrival_kind::poisson;
    } else if (arrival == "replay") {
      s.arrival = arrival_kind::replay;
    } else {
      r.fail("arrival", "expected constant, poisson or replay");
    }
  }
  r.number("rate", s.rate, 0.001, 1'000'000);
  r.number("message_gap_ms", s.message_gap_ms, 0, 86'400'000);
  r.number("day_s", s.day_s, 1, 86'400);
  r.number("duplicate_rate", s.duplicate_rate, 0, 1);
  r.number("out_of_order_rate", s.out_of_order_rate, 0, 1);
  r.integer("connections", s.connections, 1, 4096);
  r.integer("conversation_base", s.conversation_base, 1, std::int64_t{1} << 50);
  if (const toml::table* mix = r.table("mix")) {
    s.mix.clear();
    double total = 0;
    for (const auto& [k, v] : *mix) {
      const std::string name(k.str());
      if (!intent_index(name)) {
        r.fail("mix." + name, "unknown intent");
        break;
      }
      double w = -1;
      if (auto i = v.value_exact<std::int64_t>()) w = static_cast<double>(*i);
      if (auto d = v.value_exact<double>()) w = *d;
      if (!(w >= 0 && w <= 1e9)) {
        r.fail("mix." + name, "expected a weight >= 0");
        break;
      }
      s.mix[name] = w;
      total += w;
    }
    if (error.empty() && total <= 0) r.fail("mix", "the weights add up to 0");
  }
  r.finish();
}

void read_operators(const toml::table* t, operator_spec& o, std::string& error) {
  table_reader r(t, "operators", error);
  r.integer("count", o.count, 0, 1024);
  r.number("think_ms", o.think_ms, 0, 3'600'000);
  r.number("poll_ms", o.poll_ms, 1, 60'000);
  r.number("approve", o.approve, 0, 1e9);
  r.number("edit", o.edit, 0, 1e9);
  r.number("escalate", o.escalate, 0, 1e9);
  r.number("reject", o.reject, 0, 1e9);
  r.finish();
  if (error.empty() && o.count > 0 && o.approve + o.edit + o.escalate + o.reject <= 0) {
    error = "scenario key \"operators\": the action weights add up to 0";
  }
}

// Writes a sub-table for the server's config file (toml++ prints it as TOML).
std::string as_toml_text(const toml::table& t) {
  std::ostringstream out;
  out << toml::toml_formatter(t);
  return out.str();
}

/// Inserts `value` (already parsed) at the dotted `path`, creating tables on the way.
bool insert_at(toml::table& root, std::string_view path, const toml::node& value,
               std::string& error) {
  toml::table* t = &root;
  while (true) {
    const auto dot = path.find('.');
    const std::string part(path.substr(0, dot));
    if (part.empty()) {
      error = "override key has an empty part";
      return false;
    }
    if (dot == std::string_view::npos) {
      value.visit([&](const auto& concrete) { t->insert_or_assign(part, concrete); });
      return true;
    }
    toml::node* n = t->get(part);
    if (n == nullptr) {
      t->insert_or_assign(part, toml::table{});
      n = t->get(part);
    }
    if (!n->is_table()) {
      error = "override key \"" + std::string(path) + "\": \"" + part + "\" is not a table";
      return false;
    }
    t = n->as_table();
    path.remove_prefix(dot + 1);
  }
}

}  // namespace

expected<std::pair<std::string, std::string>, std::string> parse_override(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return unexpected{"expected key=value, got \"" + std::string(text) + "\""};
  }
  std::string key(text.substr(0, eq));
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok)
      return unexpected{"override key \"" + key + "\" has a character other than [A-Za-z0-9_.-]"};
  }
  return std::pair{std::move(key), std::string(text.substr(eq + 1))};
}

expected<scenario, std::string> parse_scenario(std::string_view toml_text,
                                               const scenario_overrides& overrides) {
  if (toml_text.size() > 1'000'000) return unexpected{std::string("scenario file over 1 MB")};
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    return unexpected{"scenario: " + std::string(e.description()) + " at line " +
                      std::to_string(e.source().begin.line)};
  }
  for (const auto& [key, value] : overrides) {
    std::string err;
    toml::table holder;
    try {
      holder = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
      holder = toml::table{};
      holder.insert("v", value);  // a bare word: a string
    }
    toml::node* v = holder.get("v");
    if (v == nullptr) return unexpected{"override " + key + ": no value"};
    if (!insert_at(root, key, *v, err)) return unexpected{err};
  }

  scenario s;
  s.traffic.mix = {{"order_status", 30}, {"shipping", 20}, {"returns", 15}, {"refunds", 10},
                   {"product_info", 10}, {"feedback", 5},  {"angry", 7},    {"legal", 3}};
  std::string error;
  table_reader r(&root, "", error);
  r.text("name", s.name, 200);
  r.text("description", s.description, 4000);
  std::int64_t seed = 1;
  r.integer("seed", seed, 0, std::numeric_limits<std::int64_t>::max());
  s.seed = static_cast<std::uint64_t>(seed);
  read_traffic(r.table("traffic"), s.traffic, error);
  read_operators(r.table("operators"), s.operators, error);
  if (const toml::table* sim = r.table("sim")) {
    table_reader sr(sim, "sim", error);
    read_dependency(sr.table("llm"), "sim.llm", s.sim.llm, error);
    read_dependency(sr.table("rag"), "sim.rag", s.sim.rag, error);
    read_dependency(sr.table("chatwoot"), "sim.chatwoot", s.sim.chatwoot, error);
    sr.integer("threads", s.sim.threads, 1, 64);
    sr.finish();
  }
  if (const toml::table* p = r.table("phases")) {
    table_reader pr(p, "phases", error);
    pr.number("settle_s", s.phases.settle_s, 0, 86'400);
    pr.number("hold_s", s.phases.hold_s, 0, 86'400);
    pr.number("sample_interval_s", s.phases.sample_interval_s, 0.05, 3'600);
    pr.boolean("restart", s.phases.restart);
    pr.number("startup_timeout_s", s.phases.startup_timeout_s, 1, 86'400);
    pr.finish();
  }
  if (const toml::table* c = r.table("checks")) {
    table_reader cr(c, "checks", error);
    cr.integer("sample", s.checks.sample, 0, 50'000'000);
    cr.boolean("legal_must_escalate", s.checks.legal_must_escalate);
    cr.finish();
  }
  if (const toml::table* f = r.table("frontdesk")) s.frontdesk_toml = as_toml_text(*f);
  r.finish();
  if (!error.empty()) return unexpected{error};
  if (s.name.empty()) return unexpected{std::string("scenario key \"name\": required")};
  return s;
}

}  // namespace frontdesk::bench
