#include "tests/support/rag_server.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <mutex>
#include <optional>
#include <set>

namespace frontdesk::test_support {

namespace json = boost::json;

struct rag_server::state {
  rag_server_options options;
  mutable std::mutex mutex;
  std::vector<rag_document> docs;
  std::optional<std::string> raw_body;

  canned_response handle(const recorded_request& req);
};

namespace {

canned_response error(int status, std::string_view message) {
  return canned_response{
      status, "application/json", json::serialize(json::object{{"detail", message}}), {}};
}

std::set<std::string> words(std::string_view text) {
  std::set<std::string> out;
  std::string w;
  auto flush = [&] {
    if (w.size() >= 3) out.insert(w);
    w.clear();
  };
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      w += static_cast<char>(std::tolower(u));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

}  // namespace

canned_response rag_server::state::handle(const recorded_request& req) {
  if (req.path != "/api/llamaindex/query") return error(404, "Not Found");
  if (req.method != "POST") return error(405, "Method Not Allowed");
  if (!options.api_key.empty() && req.header("Authorization") != "Bearer " + options.api_key) {
    return error(401, "unauthorized");
  }
  boost::system::error_code ec;
  auto body = json::parse(req.body, ec);
  if (ec || !body.is_object()) return error(422, "body must be a JSON object");
  const auto& o = body.as_object();
  const auto* q = o.if_contains("query");
  const auto* k = o.if_contains("top_k");
  const auto* m = o.if_contains("min_relevance");
  if (!q || !q->is_string() || !k || !k->is_int64() || !m || !m->is_number()) {
    return error(422, "query, top_k and min_relevance are required");
  }
  const auto top_k = static_cast<std::size_t>(std::max<std::int64_t>(0, k->as_int64()));
  const double min_relevance = m->to_number<double>();

  std::lock_guard lock(mutex);
  if (raw_body) return canned_response{200, "application/json", *raw_body, {}};
  const auto query_words = words(q->as_string());
  std::vector<std::pair<double, const rag_document*>> scored;
  for (const auto& d : docs) {
    if (query_words.empty()) break;
    const auto dw = words(d.title + " " + d.section + " " + d.text);
    std::size_t hits = 0;
    for (const auto& w : query_words) hits += dw.contains(w) ? 1 : 0;
    const double score = static_cast<double>(hits) / static_cast<double>(query_words.size());
    if (score >= min_relevance && hits > 0) scored.emplace_back(score, &d);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  if (scored.size() > top_k) scored.resize(top_k);
  json::array list;
  for (const auto& [score, d] : scored) {
    if (options.shape == rag_shape::results) {
      list.push_back(json::object{{"id", d->id},
                                  {"title", d->title},
                                  {"version", d->version},
                                  {"section", d->section},
                                  {"text", d->text},
                                  {"score", score}});
    } else {
      json::object meta{{"article_id", d->id},
                        {"title", d->title},
                        {"version", std::to_string(d->version)},
                        {"section", d->section},
                        {"file_name", d->id + ".md"}};
      json::object node{{"id_", "node-" + d->id}, {"text", d->text}, {"metadata", meta}};
      list.push_back(json::object{{"node", node}, {"score", score}});
    }
  }
  json::object out;
  if (options.shape == rag_shape::results) {
    out["results"] = std::move(list);
  } else {
    out["response"] = "Empty Response";
    out["source_nodes"] = std::move(list);
    out["metadata"] = json::object{};
  }
  return canned_response{200, "application/json", json::serialize(out), {}};
}

rag_server::rag_server(rag_server_options options) : state_(std::make_shared<state>()) {
  state_->options = std::move(options);
  auto st = state_;
  server_ =
      std::make_unique<test_http_server>([st](const recorded_request& r) { return st->handle(r); });
}

rag_server::~rag_server() {
  stop();
}
void rag_server::start() {
  server_->start();
}
void rag_server::stop() {
  server_->stop();
}
std::uint16_t rag_server::port() const {
  return server_->port();
}
std::string rag_server::base_url() const {
  return server_->base_url();
}

void rag_server::set_documents(std::vector<rag_document> docs) {
  std::lock_guard lock(state_->mutex);
  state_->docs = std::move(docs);
}

void rag_server::set_shape(rag_shape shape) {
  std::lock_guard lock(state_->mutex);
  state_->options.shape = shape;
}

void rag_server::set_raw_body(std::string body) {
  std::lock_guard lock(state_->mutex);
  state_->raw_body = std::move(body);
}

void rag_server::clear_raw_body() {
  std::lock_guard lock(state_->mutex);
  state_->raw_body.reset();
}

void rag_server::inject(fault f) {
  server_->inject(std::move(f));
}

std::vector<recorded_request> rag_server::requests() const {
  return server_->requests();
}

}  // namespace frontdesk::test_support
