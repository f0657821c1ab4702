#include "bench/harness/operator_sim.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "bench/harness/blocking_http.hpp"
#include "bench/harness/dependency_latency.hpp"

namespace frontdesk::bench {
namespace json = boost::json;

std::vector<pending_item> parse_queue_items(std::string_view body) {
  std::vector<pending_item> out;
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return out;
  const auto* items = v.as_object().if_contains("items");
  if (items == nullptr || !items->is_array()) return out;
  for (const auto& it : items->as_array()) {
    if (!it.is_object()) continue;
    const auto& o = it.as_object();
    const auto* id = o.if_contains("id");
    const auto* conv = o.if_contains("conversation_id");
    const auto* ver = o.if_contains("draft_version");
    if (id == nullptr || conv == nullptr || ver == nullptr || !conv->is_int64() ||
        !ver->is_int64()) {
      continue;
    }
    pending_item p;
    if (id->is_string()) {
      p.id = id->as_string();
    } else if (id->is_int64()) {
      p.id = std::to_string(id->as_int64());
    } else {
      continue;
    }
    if (p.id.empty() || p.id.size() > 200) continue;
    p.conversation_id = conv->as_int64();
    p.draft_version = ver->as_int64();
    out.push_back(std::move(p));
  }
  return out;
}

operator_pool::operator_pool(const operator_spec& spec, std::uint64_t seed, std::string host,
                             std::uint16_t port, std::string token, conversation_ledger& ledger)
    : spec_(spec),
      seed_(seed),
      host_(std::move(host)),
      port_(port),
      token_(std::move(token)),
      ledger_(ledger) {}

operator_pool::~operator_pool() {
  stop();
}

void operator_pool::start() {
  for (int i = 0; i < spec_.count; ++i) threads_.emplace_back([this, i] { run(i); });
}

operator_result operator_pool::stop() {
  stopping_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
  std::lock_guard lock(mutex_);
  return result_;
}

void operator_pool::run(int index) {
  blocking_http client(host_, port_, std::chrono::seconds(30));
  const header_list auth{{"Authorization", "Bearer " + token_},
                         {"Content-Type", "application/json"}};
  std::uint64_t draw = 0;
  auto uniform = [&] {
    return dependency_latency::unit(dependency_latency::mix(
        seed_ * 7919 + static_cast<std::uint64_t>(index) * 1'000'003 + draw++));
  };
  // Sleeps in small steps so a stop is noticed quickly.
  auto nap = [&](double ms) {
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::microseconds(static_cast<std::int64_t>(ms * 1000));
    while (!stopping_ && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          std::chrono::milliseconds(20), until - std::chrono::steady_clock::now()));
    }
  };
  const double total = spec_.approve + spec_.edit + spec_.escalate + spec_.reject;
  operator_result mine;
  while (!stopping_) {
    const http_answer q = client.get("/api/v1/queue?status=pending&limit=100", auth);
    ++mine.polls;
    if (q.status != 200) {
      ++mine.outcomes[q.status == 0 ? "poll_transport" : "poll_http_" + std::to_string(q.status)];
      nap(spec_.poll_ms);
      continue;
    }
    std::vector<pending_item> share;
    for (auto& item : parse_queue_items(q.body)) {
      if (std::hash<std::string>{}(item.id) % static_cast<std::size_t>(spec_.count) ==
          static_cast<std::size_t>(index)) {
        share.push_back(std::move(item));
      }
    }
    if (share.empty()) {
      nap(spec_.poll_ms);
      continue;
    }
    const pending_item& item =
        share[static_cast<std::size_t>(uniform() * static_cast<double>(share.size())) %
              share.size()];
    nap(-spec_.think_ms * std::log1p(-uniform()));
    if (stopping_) break;
    const double pick = uniform() * total;
    std::string action;
    json::object body{{"draft_version", item.draft_version}};
    if (pick < spec_.approve) {
      action = "approve";
    } else if (pick < spec_.approve + spec_.edit) {
      action = "edit";
      body["text"] = "Hi, thanks for your patience: your order ships today. — Acme Support";
      body["notes"] = "shortened";
    } else if (pick < spec_.approve + spec_.edit + spec_.escalate) {
      action = "escalate";
      body["assignee_id"] = 7;
      body["reason"] = "needs a specialist";
    } else {
      action = "reject";
      body["reason"] = "wrong facts";
    }
    conversation_slot* slot = ledger_.find(item.conversation_id);
    const bool sends = action == "approve" || action == "edit";
    const std::int64_t t0 = mono_ns();
    if (sends && slot != nullptr) slot->approve_sent_ns.store(t0);
    const http_answer a = client.request("POST", "/api/v1/queue/" + item.id + "/" + action,
                                         json::serialize(body), auth);
    if (a.status == 200) {
      mine.action_latency.record(mono_ns() - t0);
      ++mine.outcomes[action];
      if (sends && slot != nullptr) ++slot->approvals;
    } else {
      if (sends && slot != nullptr) slot->approve_sent_ns.store(0);
      ++mine.outcomes[a.status == 409 ? std::string("conflict_409")
                      : a.status == 0 ? "action_transport"
                                      : "action_http_" + std::to_string(a.status)];
    }
  }
  std::lock_guard lock(mutex_);
  for (const auto& [k, v] : mine.outcomes) result_.outcomes[k] += v;
  result_.action_latency.merge(mine.action_latency);
  result_.polls += mine.polls;
}

}  // namespace frontdesk::bench
