#include "io/openai_draft.hpp"

#include <simdjson.h>

#include <array>
#include <boost/json.hpp>
#include <cmath>

namespace frontdesk::io {

namespace dom = simdjson::dom;

std::string_view to_string(draft_urgency u) noexcept {
  switch (u) {
    case draft_urgency::low:
      return "low";
    case draft_urgency::medium:
      return "medium";
    case draft_urgency::high:
      return "high";
  }
  return "low";
}

std::string_view to_string(draft_action a) noexcept {
  switch (a) {
    case draft_action::approve:
      return "approve";
    case draft_action::edit:
      return "edit";
    case draft_action::escalate:
      return "escalate";
    case draft_action::reject:
      return "reject";
  }
  return "escalate";
}

namespace {

using fail = frontdesk::unexpected<std::string>;

constexpr std::array<std::string_view, 7> keys = {
    "draft", "confidence", "tags", "sentiment", "urgency", "recommended_action", "sources"};

frontdesk::expected<std::vector<std::string>, std::string> string_list(dom::element v,
                                                                       std::string_view key) {
  dom::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS) {
    return fail{std::string(key) + " must be an array of strings"};
  }
  std::vector<std::string> out;
  for (auto item : arr) {
    std::string_view s;
    if (item.get_string().get(s) != simdjson::SUCCESS) {
      return fail{std::string(key) + " must contain only strings"};
    }
    if (s.size() > max_short_string_bytes) return fail{std::string(key) + " entry too long"};
    if (out.size() >= max_list_entries) return fail{std::string(key) + " has too many entries"};
    out.emplace_back(s);
  }
  return out;
}

}  // namespace

frontdesk::expected<draft_answer, std::string> validate_draft_answer(std::string_view json) {
  if (json.size() > max_draft_bytes + 64 * 1024) return fail{"answer too large"};
  dom::parser parser;
  dom::element root;
  if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS) {
    return fail{"answer is not valid JSON"};
  }
  dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return fail{"answer is not a JSON object"};

  std::array<bool, keys.size()> seen{};
  draft_answer out;
  for (auto [key, value] : obj) {
    std::size_t idx = keys.size();
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) idx = i;
    }
    if (idx == keys.size()) return fail{"unexpected key \"" + std::string(key) + "\""};
    if (seen[idx]) return fail{"duplicate key \"" + std::string(key) + "\""};
    seen[idx] = true;
    std::string_view s;
    switch (idx) {
      case 0:
        if (value.get_string().get(s) != simdjson::SUCCESS) return fail{"draft must be a string"};
        if (s.size() > max_draft_bytes) return fail{"draft too long"};
        out.draft = std::string(s);
        break;
      case 1: {
        double d = 0;
        if (!value.is_number() || value.get_double().get(d) != simdjson::SUCCESS) {
          return fail{"confidence must be a number"};
        }
        if (!std::isfinite(d) || d < 0.0 || d > 1.0) return fail{"confidence must be in [0, 1]"};
        out.confidence = d;
        break;
      }
      case 2: {
        auto l = string_list(value, "tags");
        if (!l) return fail{l.error()};
        out.tags = std::move(*l);
        break;
      }
      case 3:
        if (value.get_string().get(s) != simdjson::SUCCESS) {
          return fail{"sentiment must be a string"};
        }
        if (s.size() > max_short_string_bytes) return fail{"sentiment too long"};
        out.sentiment = std::string(s);
        break;
      case 4:
        if (value.get_string().get(s) != simdjson::SUCCESS) return fail{"urgency must be a string"};
        if (s == "low") {
          out.urgency = draft_urgency::low;
        } else if (s == "medium") {
          out.urgency = draft_urgency::medium;
        } else if (s == "high") {
          out.urgency = draft_urgency::high;
        } else {
          return fail{"urgency must be low, medium or high"};
        }
        break;
      case 5:
        if (value.get_string().get(s) != simdjson::SUCCESS) {
          return fail{"recommended_action must be a string"};
        }
        if (s == "approve") {
          out.recommended_action = draft_action::approve;
        } else if (s == "edit") {
          out.recommended_action = draft_action::edit;
        } else if (s == "escalate") {
          out.recommended_action = draft_action::escalate;
        } else if (s == "reject") {
          out.recommended_action = draft_action::reject;
        } else {
          return fail{"recommended_action must be approve, edit, escalate or reject"};
        }
        break;
      default: {
        auto l = string_list(value, "sources");
        if (!l) return fail{l.error()};
        out.sources = std::move(*l);
        break;
      }
    }
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!seen[i]) return fail{"missing key \"" + std::string(keys[i]) + "\""};
  }
  return out;
}

std::string draft_response_format_json() {
  namespace json = boost::json;
  auto str = [] { return json::object{{"type", "string"}}; };
  auto str_array = [&] { return json::object{{"type", "array"}, {"items", str()}}; };
  json::object props;
  props["draft"] = str();
  props["confidence"] =
      json::object{{"type", "number"}, {"description", "between 0 and 1 inclusive"}};
  props["tags"] = str_array();
  props["sentiment"] = str();
  props["urgency"] =
      json::object{{"type", "string"}, {"enum", json::array{"low", "medium", "high"}}};
  props["recommended_action"] = json::object{
      {"type", "string"}, {"enum", json::array{"approve", "edit", "escalate", "reject"}}};
  props["sources"] = str_array();
  json::array required;
  for (auto k : keys) required.emplace_back(k);
  json::object schema{{"type", "object"},
                      {"properties", std::move(props)},
                      {"required", std::move(required)},
                      {"additionalProperties", false}};
  json::object format{
      {"type", "json_schema"},
      {"json_schema",
       json::object{{"name", "frontdesk_draft"}, {"strict", true}, {"schema", std::move(schema)}}}};
  return json::serialize(format);
}

std::string to_json(const draft_answer& a) {
  namespace json = boost::json;
  json::array tags, sources;
  for (const auto& t : a.tags) tags.emplace_back(t);
  for (const auto& s : a.sources) sources.emplace_back(s);
  json::object o{{"draft", a.draft},
                 {"confidence", a.confidence},
                 {"tags", std::move(tags)},
                 {"sentiment", a.sentiment},
                 {"urgency", to_string(a.urgency)},
                 {"recommended_action", to_string(a.recommended_action)},
                 {"sources", std::move(sources)}};
  return json::serialize(o);
}

}  // namespace frontdesk::io
