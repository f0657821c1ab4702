#include "tests/crash/workload.hpp"

#include <boost/json.hpp>
#include <thread>

namespace frontdesk::crash_testing {
namespace {

/// Questions the built-in drafter answers with confidence, so drafts reach the queue.
const std::vector<std::string>& questions() {
  static const std::vector<std::string> q{
      "How long does standard shipping take?",
      "Also, can I change the address?",
      "How long does standard shipping take to Canada?",
      "Can I change the shipping address of my order?",
  };
  return q;
}

std::optional<boost::json::object> object_of(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

std::optional<std::int64_t> int_of(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

}  // namespace

workload::workload(frontdesk_api& api, ledger& book, std::vector<std::int64_t> conversations,
                   std::uint64_t seed, std::int64_t& next_message)
    : api_(api),
      book_(book),
      conversations_(std::move(conversations)),
      rng_(seed),
      next_message_(next_message) {}

void workload::run(const std::atomic<bool>& stop) {
  std::uniform_int_distribution<int> action(0, 99);
  std::uniform_int_distribution<int> pause_ms(1, 6);
  while (!stop.load()) {
    const int a = action(rng_);
    std::uniform_int_distribution<std::size_t> pick(0, conversations_.size() - 1);
    const std::int64_t conv = conversations_[pick(rng_)];
    if (a < 25) {
      send_message(conv);
    } else if (a < 35 && !book_.sent.empty()) {
      std::uniform_int_distribution<std::size_t> which(0, book_.sent.size() - 1);
      replay(which(rng_));
    } else if (a < 80) {
      approve_some();
    } else {
      look(conv);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng_)));
  }
}

void workload::send_message(std::int64_t conversation) {
  const std::int64_t msg = next_message_++;
  std::uniform_int_distribution<std::size_t> q(0, questions().size() - 1);
  sent_delivery d;
  d.conversation = conversation;
  d.message = msg;
  d.delivery = "delivery-" + std::to_string(msg);
  d.dedupe_key = "message_created:" + std::to_string(msg);
  d.body = customer_message_body(conversation, msg, questions()[q(rng_)]);
  book_.sent.push_back(std::move(d));
  ++counts_.messages_sent;
  deliver(book_.sent.size() - 1, book_.sent.back().delivery, false);
}

void workload::replay(std::size_t index) {
  ++counts_.replays_sent;
  const sent_delivery& d = book_.sent[index];
  const bool same = std::uniform_int_distribution<int>(0, 1)(rng_) == 0;
  deliver(index, same ? d.delivery : d.delivery + "-again-" + std::to_string(++redeliveries_),
          true);
}

void workload::deliver(std::size_t index, const std::string& delivery, bool is_replay) {
  const sent_delivery& d = book_.sent[index];
  auto r = api_.webhook(d.body, delivery);
  if (!r) {
    ++counts_.no_answer;
    return;
  }
  if (r->status == 503) return;  // not stored; the sender retries later
  const auto o = object_of(r->body);
  const bool accepted = r->status == 200 && o && o->if_contains("accepted") &&
                        o->at("accepted").is_bool() && o->at("accepted").as_bool();
  if (!accepted) {
    counts_.unexpected.push_back("webhook " + delivery + " answered " + std::to_string(r->status) +
                                 " " + r->body.substr(0, 200));
    return;
  }
  const bool duplicate =
      o->if_contains("duplicate") && o->at("duplicate").is_bool() && o->at("duplicate").as_bool();
  if (duplicate) {
    ++counts_.duplicates;
  } else {
    book_.stored_deliveries.insert(delivery);
  }
  book_.acknowledged.insert(index);
  if (!is_replay) {
    ++counts_.messages_acknowledged;
    if (hook_) hook_();
  }
}

void workload::approve_some() {
  auto q = api_.get("/api/v1/queue?status=pending&limit=500");
  if (!q) {
    ++counts_.no_answer;
    return;
  }
  if (q->status != 200) {
    if (q->status != 503) {
      counts_.unexpected.push_back("queue answered " + std::to_string(q->status) + " " +
                                   q->body.substr(0, 200));
    }
    return;
  }
  const auto page = object_of(q->body);
  if (!page || !page->if_contains("items") || !page->at("items").is_array()) {
    counts_.unexpected.push_back("queue answer is not a page: " + q->body.substr(0, 200));
    return;
  }
  const auto& items = page->at("items").as_array();
  if (items.empty()) return;
  for (const auto& it : items) {
    if (!it.is_object()) continue;
    const auto c = int_of(it.as_object(), "conversation_id");
    const auto v = int_of(it.as_object(), "draft_version");
    if (c && v) book_.observe_version(*c, *v);
  }
  std::uniform_int_distribution<std::size_t> which(0, items.size() - 1);
  const auto& chosen = items[which(rng_)];
  const auto* item = chosen.if_object();
  const auto* id_value = item ? item->if_contains("id") : nullptr;
  const auto c = item ? int_of(*item, "conversation_id") : std::nullopt;
  const auto v = item ? int_of(*item, "draft_version") : std::nullopt;
  if (!id_value || !id_value->is_string() || !c || !v) {
    counts_.unexpected.push_back("queue item without id, conversation_id or draft_version: " +
                                 boost::json::serialize(chosen).substr(0, 200));
    return;
  }
  const std::string id(id_value->as_string());
  const std::int64_t conv = *c;
  const std::int64_t version = *v;
  // Sometimes the operator clicks twice: the second click must not send a second reply.
  const int clicks = std::uniform_int_distribution<int>(0, 4)(rng_) == 0 ? 2 : 1;
  for (int i = 0; i < clicks; ++i) {
    ++counts_.approvals_sent;
    auto r = api_.post("/api/v1/queue/" + id + "/approve",
                       "{\"draft_version\":" + std::to_string(version) + "}");
    if (!r) {
      ++counts_.no_answer;
      return;
    }
    if (r->status == 409) {
      ++counts_.approvals_conflicted;
      continue;
    }
    if (r->status == 503) continue;
    const auto o = object_of(r->body);
    const bool approved = r->status == 200 && o && o->if_contains("status") &&
                          o->at("status").is_string() && o->at("status").as_string() == "approved";
    if (!approved) {
      counts_.unexpected.push_back("approve " + id + " answered " + std::to_string(r->status) +
                                   " " + r->body.substr(0, 200));
      return;
    }
    ++counts_.approvals_acknowledged;
    book_.approvals.insert({conv, version});
    book_.observe_version(conv, version);
    if (hook_) hook_();
  }
}

void workload::look(std::int64_t conversation) {
  auto r = api_.get("/api/v1/conversations/" + std::to_string(conversation));
  if (!r) {
    ++counts_.no_answer;
    return;
  }
  if (r->status == 404 || r->status == 503) return;
  const auto o = object_of(r->body);
  if (r->status != 200 || !o) {
    counts_.unexpected.push_back("conversation " + std::to_string(conversation) + " answered " +
                                 std::to_string(r->status) + " " + r->body.substr(0, 200));
    return;
  }
  if (const auto v = int_of(*o, "draft_version")) book_.observe_version(conversation, *v);
}

}  // namespace frontdesk::crash_testing
