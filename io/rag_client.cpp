#include "io/rag_client.hpp"

#include <simdjson.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "domain/retry_after.hpp"
#include "io/url.hpp"

namespace frontdesk::io {

namespace dom = simdjson::dom;

std::string_view to_string(rag_error_kind k) noexcept {
  switch (k) {
    case rag_error_kind::transport:
      return "transport";
    case rag_error_kind::rate_limited:
      return "rate_limited";
    case rag_error_kind::server_error:
      return "server_error";
    case rag_error_kind::client_error:
      return "client_error";
    case rag_error_kind::bad_response:
      return "bad_response";
  }
  return "transport";
}

domain::call_outcome rag_error::outcome() const {
  domain::call_outcome o;
  switch (kind) {
    case rag_error_kind::transport:
      o.transport_failure = true;
      break;
    case rag_error_kind::bad_response:
      o.status = 502;
      break;
    default:
      o.status = status;
  }
  o.ambiguous = false;  // a query changes nothing on the service
  if (retry_after)
    o.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after);
  return o;
}

client_request build_rag_request(const rag_client_options& options, const rag_query& query) {
  namespace json = boost::json;
  json::object body{
      {"query", query.query},
      {"top_k", query.top_k},
      {"min_relevance", std::isfinite(query.min_relevance) ? query.min_relevance : 0.0}};
  client_request r;
  r.method = http_method::post;
  r.url = join_url(options.base_url, "/api/llamaindex/query");
  if (!options.api_key.empty())
    r.headers.emplace_back("Authorization", "Bearer " + options.api_key);
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Accept", "application/json");
  r.body = json::serialize(body);
  r.timeout = options.timeout;
  return r;
}

namespace {

using parse_error = std::string;

/// An optional string member: absent or null is fine, anything but a string is an error.
frontdesk::expected<std::string, parse_error> optional_string(dom::object obj, std::string_view key,
                                                              std::size_t max_bytes,
                                                              std::string_view where) {
  dom::element v;
  if (obj[key].get(v) != simdjson::SUCCESS || v.is_null()) return std::string{};
  std::string_view s;
  if (v.get(s) != simdjson::SUCCESS) {
    return frontdesk::unexpected{std::string(where) + "." + std::string(key) + " is not a string"};
  }
  if (s.size() > max_bytes) {
    return frontdesk::unexpected{std::string(where) + "." + std::string(key) + " is too long"};
  }
  return std::string(s);
}

/// Version: an integer 1..1000000, or (metadata only) a string of digits. Absent: 1.
frontdesk::expected<int, parse_error> read_version(dom::object obj, bool allow_string,
                                                   std::string_view where) {
  dom::element v;
  if (obj["version"].get(v) != simdjson::SUCCESS || v.is_null()) return 1;
  std::int64_t n = 0;
  if (v.is_int64()) {
    n = v.get_int64().value_unsafe();
  } else if (v.is_uint64()) {
    n = -1;  // far too large
  } else if (allow_string && v.is_string()) {
    const std::string_view s = v.get_string().value_unsafe();
    if (s.empty() || s.size() > 7 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return frontdesk::unexpected{std::string(where) + ".version is not a version number"};
    }
    n = std::stoll(std::string(s));
  } else {
    return frontdesk::unexpected{std::string(where) + ".version is not an integer"};
  }
  if (n < 1 || n > 1000000) {
    return frontdesk::unexpected{std::string(where) + ".version is out of range"};
  }
  return static_cast<int>(n);
}

/// A score: a number (clamped to 0..1) or, when `allow_null`, null (0). Required.
frontdesk::expected<double, parse_error> read_score(dom::object obj, bool allow_null,
                                                    std::string_view where) {
  dom::element v;
  if (obj["score"].get(v) != simdjson::SUCCESS) {
    if (allow_null) return 0.0;
    return frontdesk::unexpected{std::string(where) + ".score is missing"};
  }
  if (v.is_null()) {
    if (allow_null) return 0.0;
    return frontdesk::unexpected{std::string(where) + ".score is null"};
  }
  double d = 0;
  if (v.get_double().get(d) != simdjson::SUCCESS || !std::isfinite(d)) {
    return frontdesk::unexpected{std::string(where) + ".score is not a number"};
  }
  return std::clamp(d, 0.0, 1.0);
}

frontdesk::expected<std::string, parse_error> required_text(dom::object obj,
                                                            std::string_view where) {
  std::string_view s;
  if (obj["text"].get(s) != simdjson::SUCCESS) {
    return frontdesk::unexpected{std::string(where) + ".text is missing or not a string"};
  }
  if (s.size() > max_rag_text_bytes) {
    return frontdesk::unexpected{std::string(where) + ".text is too long"};
  }
  return std::string(s);
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > max_rag_id_bytes) return false;
  return std::none_of(id.begin(), id.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

frontdesk::expected<domain::knowledge_passage, parse_error> parse_result_entry(dom::element e,
                                                                               std::size_t i) {
  const std::string where = "results[" + std::to_string(i) + "]";
  dom::object obj;
  if (e.get(obj) != simdjson::SUCCESS) {
    return frontdesk::unexpected{where + " is not an object"};
  }
  domain::knowledge_passage p;
  std::string_view id;
  if (obj["id"].get(id) != simdjson::SUCCESS) {
    return frontdesk::unexpected{where + ".id is missing or not a string"};
  }
  if (!valid_id(id)) return frontdesk::unexpected{where + ".id is empty, too long or has controls"};
  p.article_id = std::string(id);
  auto title = optional_string(obj, "title", max_rag_title_bytes, where);
  if (!title) return frontdesk::unexpected{title.error()};
  auto section = optional_string(obj, "section", max_rag_title_bytes, where);
  if (!section) return frontdesk::unexpected{section.error()};
  auto version = read_version(obj, false, where);
  if (!version) return frontdesk::unexpected{version.error()};
  auto text = required_text(obj, where);
  if (!text) return frontdesk::unexpected{text.error()};
  auto score = read_score(obj, false, where);
  if (!score) return frontdesk::unexpected{score.error()};
  p.title = title->empty() ? p.article_id : std::move(*title);
  p.section = std::move(*section);
  p.version = *version;
  p.text = std::move(*text);
  p.relevance = *score;
  return p;
}

std::string stem_of(std::string_view file_name) {
  if (const auto slash = file_name.find_last_of("/\\"); slash != std::string_view::npos) {
    file_name.remove_prefix(slash + 1);
  }
  if (const auto dot = file_name.rfind('.'); dot != std::string_view::npos && dot > 0) {
    file_name = file_name.substr(0, dot);
  }
  return std::string(file_name);
}

frontdesk::expected<domain::knowledge_passage, parse_error> parse_source_node(dom::element e,
                                                                              std::size_t i) {
  const std::string where = "source_nodes[" + std::to_string(i) + "]";
  dom::object outer;
  if (e.get(outer) != simdjson::SUCCESS) return frontdesk::unexpected{where + " is not an object"};
  dom::object node;
  if (outer["node"].get(node) != simdjson::SUCCESS) {
    return frontdesk::unexpected{where + ".node is missing or not an object"};
  }
  const std::string node_where = where + ".node";
  auto text = required_text(node, node_where);
  if (!text) return frontdesk::unexpected{text.error()};
  auto score = read_score(outer, true, where);
  if (!score) return frontdesk::unexpected{score.error()};

  dom::object meta;
  bool has_meta = false;
  if (dom::element m; node["metadata"].get(m) == simdjson::SUCCESS && !m.is_null()) {
    if (m.get(meta) != simdjson::SUCCESS) {
      return frontdesk::unexpected{node_where + ".metadata is not an object"};
    }
    has_meta = true;
  }
  const std::string meta_where = node_where + ".metadata";
  std::string id;
  if (has_meta) {
    for (std::string_view key : {"article_id", "id", "doc_id"}) {
      auto v = optional_string(meta, key, max_rag_id_bytes, meta_where);
      if (!v) return frontdesk::unexpected{v.error()};
      if (!v->empty()) {
        id = std::move(*v);
        break;
      }
    }
    if (id.empty()) {
      auto f = optional_string(meta, "file_name", 4096, meta_where);
      if (!f) return frontdesk::unexpected{f.error()};
      id = stem_of(*f);
    }
  }
  for (std::string_view key : {"ref_doc_id", "id_"}) {
    if (!id.empty()) break;
    auto v = optional_string(node, key, max_rag_id_bytes, node_where);
    if (!v) return frontdesk::unexpected{v.error()};
    id = std::move(*v);
  }
  if (!valid_id(id)) {
    return frontdesk::unexpected{where + " has no usable article id"};
  }
  domain::knowledge_passage p;
  p.article_id = std::move(id);
  if (has_meta) {
    auto title = optional_string(meta, "title", max_rag_title_bytes, meta_where);
    if (!title) return frontdesk::unexpected{title.error()};
    auto section = optional_string(meta, "section", max_rag_title_bytes, meta_where);
    if (!section) return frontdesk::unexpected{section.error()};
    auto version = read_version(meta, true, meta_where);
    if (!version) return frontdesk::unexpected{version.error()};
    p.title = std::move(*title);
    p.section = std::move(*section);
    p.version = *version;
  }
  if (p.title.empty()) p.title = p.article_id;
  p.text = std::move(*text);
  p.relevance = *score;
  return p;
}

rag_error make_error(rag_error_kind kind, int status, std::string message) {
  rag_error e;
  e.kind = kind;
  e.status = status;
  e.message = std::move(message);
  return e;
}

}  // namespace

frontdesk::expected<rag_passages, std::string> parse_rag_body(std::string_view body,
                                                              const rag_query& query,
                                                              std::size_t max_bytes) {
  if (body.size() > max_bytes) {
    return frontdesk::unexpected{"answer is larger than " + std::to_string(max_bytes) + " bytes"};
  }
  dom::parser parser;
  dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
    return frontdesk::unexpected{std::string("answer is not valid JSON")};
  }
  dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS) {
    return frontdesk::unexpected{std::string("answer is not a JSON object")};
  }
  dom::element list;
  bool llama_shape = false;
  if (obj["results"].get(list) != simdjson::SUCCESS) {
    if (obj["source_nodes"].get(list) != simdjson::SUCCESS) {
      return frontdesk::unexpected{std::string("answer has neither results nor source_nodes")};
    }
    llama_shape = true;
  }
  dom::array entries;
  if (list.get(entries) != simdjson::SUCCESS) {
    return frontdesk::unexpected{std::string(llama_shape ? "source_nodes" : "results") +
                                 " is not an array"};
  }
  if (entries.size() > max_rag_entries) {
    return frontdesk::unexpected{"answer has more than " + std::to_string(max_rag_entries) +
                                 " entries"};
  }
  rag_passages out;
  std::size_t i = 0;
  for (dom::element e : entries) {
    auto p = llama_shape ? parse_source_node(e, i) : parse_result_entry(e, i);
    if (!p) return frontdesk::unexpected{p.error()};
    ++i;
    if (p->relevance < query.min_relevance) continue;
    out.push_back(std::move(*p));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.relevance > b.relevance; });
  const auto keep = static_cast<std::size_t>(std::max(0, query.top_k));
  if (out.size() > keep) out.resize(keep);
  return out;
}

rag_result parse_rag_response(const http_result& res, const rag_query& query,
                              std::size_t max_bytes) {
  const int s = res.status;
  if (s >= 200 && s <= 299) {
    auto parsed = parse_rag_body(res.body, query, max_bytes);
    if (!parsed)
      return frontdesk::unexpected{make_error(rag_error_kind::bad_response, s, parsed.error())};
    return std::move(*parsed);
  }
  rag_error_kind kind = rag_error_kind::bad_response;
  if (s == 429) {
    kind = rag_error_kind::rate_limited;
  } else if (s >= 500 && s <= 599) {
    kind = rag_error_kind::server_error;
  } else if (s >= 400 && s <= 499) {
    kind = rag_error_kind::client_error;
  }
  std::string snippet = res.body.substr(0, 200);
  auto e =
      make_error(kind, s, "HTTP " + std::to_string(s) + (snippet.empty() ? "" : ": ") + snippet);
  if (s == 429 || s == 503) {
    if (auto ra = res.header("Retry-After")) {
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      e.retry_after = domain::parse_retry_after(*ra, now);
    }
  }
  return frontdesk::unexpected{std::move(e)};
}

rag_client::rag_client(http_client& http, rag_client_options options)
    : http_(http), options_(std::move(options)) {}

void rag_client::query(const rag_query& q, callback cb) {
  http_.request(build_rag_request(options_, q), [q, max = options_.max_response_bytes,
                                                 cb = std::move(cb)](client_outcome out) {
    if (!out) {
      rag_error e;
      e.kind = rag_error_kind::transport;
      e.transport = out.error().kind;
      e.message = std::string(to_string(out.error().kind)) + ": " + out.error().message;
      return cb(frontdesk::unexpected{std::move(e)});
    }
    cb(parse_rag_response(*out, q, max));
  });
}

}  // namespace frontdesk::io
