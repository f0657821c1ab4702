#include "bench/harness/webhook_sender.hpp"

#include <boost/json.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/harness/blocking_http.hpp"
#include "bench/harness/message_templates.hpp"
#include "domain/private_note.hpp"
#include "io/webhook_signature.hpp"

namespace frontdesk::bench {
namespace json = boost::json;

namespace {

json::object* object_at(json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

void set_if_present(json::object* o, std::string_view key, json::value v) {
  if (o == nullptr) return;
  if (json::value* slot = o->if_contains(key)) *slot = std::move(v);
}

std::string iso_utc(std::int64_t unix_seconds) {
  return domain::format_rfc3339_utc(
      std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds)));
}

}  // namespace

expected<webhook_factory, std::string> webhook_factory::from_fixture(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return unexpected{std::string("fixture is not a JSON object")};
  const auto& top = doc.as_object();
  if (!top.contains("id") || !top.contains("content") || !top.contains("conversation") ||
      !top.at("conversation").is_object() || !top.at("conversation").as_object().contains("id")) {
    return unexpected{std::string("fixture lacks id, content or conversation.id")};
  }
  webhook_factory f;
  f.fixture_ = std::make_shared<const json::value>(std::move(doc));
  return f;
}

std::string webhook_factory::body(std::int64_t message_id, std::int64_t conversation_id,
                                  std::int64_t contact_id, std::string_view content,
                                  std::int64_t unix_seconds) const {
  // A copy of the parsed fixture in one arena: the sender makes thousands a second.
  json::monotonic_resource arena;
  json::value doc(*fixture_, &arena);
  json::object& top = doc.as_object();
  const std::string when = iso_utc(unix_seconds);
  std::string email = std::to_string(contact_id);
  email.insert(0, 1, 'c');
  email.append("@load.example");
  top["id"] = message_id;
  top["content"] = content;
  top["created_at"] = when;
  json::object* sender = object_at(top, "sender");
  set_if_present(sender, "id", contact_id);
  set_if_present(sender, "email", json::string(email));
  json::object& conv = top["conversation"].as_object();
  conv["id"] = conversation_id;
  set_if_present(object_at(conv, "contact_inbox"), "contact_id", contact_id);
  set_if_present(&conv, "created_at", unix_seconds);
  set_if_present(&conv, "last_activity_at", unix_seconds);
  set_if_present(&conv, "timestamp", unix_seconds);
  set_if_present(&conv, "custom_attributes", json::object{});
  if (json::object* meta = object_at(conv, "meta")) {
    json::object* ms = object_at(*meta, "sender");
    set_if_present(ms, "id", contact_id);
    set_if_present(ms, "email", json::string(email));
  }
  if (json::value* msgs = conv.if_contains("messages"); msgs != nullptr && msgs->is_array()) {
    for (json::value& m : msgs->as_array()) {
      if (!m.is_object()) continue;
      json::object& mo = m.as_object();
      set_if_present(&mo, "id", message_id);
      set_if_present(&mo, "conversation_id", conversation_id);
      set_if_present(&mo, "content", json::string(content));
      set_if_present(&mo, "processed_message_content", json::string(content));
      set_if_present(&mo, "sender_id", contact_id);
      set_if_present(&mo, "created_at", unix_seconds);
      set_if_present(object_at(mo, "sender"), "id", contact_id);
    }
  }
  return json::serialize(doc);
}

std::string classify_webhook_answer(int status, std::string_view body, std::string_view error) {
  if (status == 0) return "transport:" + std::string(error.empty() ? "unknown" : error);
  if (status != 200) return "http_" + std::to_string(status);
  boost::system::error_code ec;
  json::monotonic_resource arena;
  json::value v = json::parse(body, ec, &arena);
  if (ec || !v.is_object()) return "http_200_not_json";
  const auto& o = v.as_object();
  if (const auto* d = o.if_contains("duplicate"); d && d->is_bool() && d->as_bool())
    return "duplicate";
  const auto* accepted = o.if_contains("accepted");
  if (accepted && accepted->is_bool() && accepted->as_bool()) return "stored";
  std::string reason = "unknown";
  if (const auto* r = o.if_contains("reason"); r && r->is_string()) reason = r->as_string();
  return "not_accepted:" + reason;
}

sender_result send_traffic(const traffic_plan& plan, const sender_options& options,
                           const webhook_factory& factory, const webhook_target& target,
                           conversation_ledger& ledger, const std::atomic<bool>& abort) {
  sender_result result;
  std::mutex mutex;
  std::atomic<std::size_t> next{0};
  latency_histogram lateness_all;
  const auto start = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  const std::int64_t start_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(start.time_since_epoch()).count();
  std::atomic<std::int64_t> last_answer_ns{start_ns};
  const message_numbering numbering = number_messages(plan, ledger.size());
  std::vector<std::atomic<std::int64_t>> ids(numbering.total);
  auto id_of = [&](const planned_delivery& d) {
    std::atomic<std::int64_t>& slot = ids[numbering.first_of[d.conversation] + d.seq];
    std::int64_t id = slot.load();
    if (id != 0) return id;
    const std::int64_t fresh = ledger.allocate_message_id();
    return slot.compare_exchange_strong(id, fresh) ? fresh : id;
  };

  auto worker = [&] {
    blocking_http client(target.host, target.port, std::chrono::seconds(30));
    latency_histogram ack, lateness;
    std::map<std::string, std::uint64_t> outcomes;
    std::uint64_t sent = 0;
    for (;;) {
      if (abort.load()) break;
      const std::size_t i = next.fetch_add(1);
      if (i >= plan.deliveries.size()) break;
      const planned_delivery& d = plan.deliveries[i];
      const std::int64_t due_ns = start_ns + d.due_ns;
      const auto due = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due_ns));
      std::this_thread::sleep_until(due);
      const std::int64_t conversation_id = options.conversation_base + d.conversation;
      const std::int64_t message_id = id_of(d);
      const std::string content =
          render_message(d.intent, d.variant, conversation_id, static_cast<int>(d.seq));
      const std::int64_t unix_now = std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
      const std::string body =
          factory.body(message_id, conversation_id, conversation_id, content, unix_now);
      const std::string ts = std::to_string(unix_now);
      const header_list headers{
          {"Content-Type", "application/json"},
          {"X-Chatwoot-Timestamp", ts},
          {"X-Chatwoot-Signature", io::chatwoot_signature(target.secret, ts, body)},
          {"X-Chatwoot-Delivery", "bench-" + std::to_string(message_id)},
      };
      conversation_slot& slot = ledger.at(d.conversation);
      const std::int64_t sent_ns = mono_ns();
      lateness.record(sent_ns - due_ns);
      if (!d.duplicate) {
        ledger.message_sent(slot, sent_ns);
        if (all_intents()[d.intent].must_escalate) slot.legal.store(true);
      }
      const http_answer a = client.request("POST", "/webhooks/chatwoot", body, headers);
      const std::int64_t done_ns = mono_ns();
      ++sent;
      const std::string kind = classify_webhook_answer(a.status, a.body, a.error);
      ++outcomes[kind];
      if (a.status == 200) ack.record(done_ns - due_ns);
      if (kind == "stored") {
        ++slot.stored_acks;
      } else if (kind == "duplicate") {
        ++slot.duplicate_acks;
      } else {
        ++slot.failed_deliveries;
      }
      std::int64_t prev = last_answer_ns.load();
      while (done_ns > prev && !last_answer_ns.compare_exchange_weak(prev, done_ns)) {
      }
    }
    std::lock_guard lock(mutex);
    result.ack.merge(ack);
    lateness_all.merge(lateness);
    result.sent += sent;
    for (const auto& [k, v] : outcomes) result.outcomes[k] += v;
  };

  std::vector<std::thread> threads;
  const int n = std::max(1, options.connections);
  threads.reserve(static_cast<std::size_t>(n));
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  result.wall_s = static_cast<double>(last_answer_ns.load() - start_ns) / 1e9;
  result.late_p99_ms = static_cast<double>(lateness_all.percentile(99)) / 1e6;
  return result;
}

}  // namespace frontdesk::bench
