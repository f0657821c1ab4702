// Sends a traffic plan to frontdesk as signed Chatwoot message_created webhooks, open loop (each
// delivery is due at its planned time; latency counts from that time), and classifies answers.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "bench/harness/conversation_ledger.hpp"
#include "bench/harness/traffic_model.hpp"
#include "bench/load/latency_histogram.hpp"
#include "domain/expected.hpp"

namespace boost::json {
class value;
}

namespace frontdesk::bench {

/// The message_created fixture with the fields a load run varies.
class webhook_factory {
 public:
  static expected<webhook_factory, std::string> from_fixture(std::string_view json);
  std::string body(std::int64_t message_id, std::int64_t conversation_id, std::int64_t contact_id,
                   std::string_view content, std::int64_t unix_seconds) const;

 private:
  std::shared_ptr<const boost::json::value> fixture_;  ///< parsed once, copied per message
};

/// How a webhook answer is counted: "stored", "duplicate", "not_accepted:<reason>",
/// "http_<status>", or "transport:<error>".
std::string classify_webhook_answer(int status, std::string_view body, std::string_view error);

struct webhook_target {
  std::string host;
  std::uint16_t port = 0;
  std::string secret;
};

struct sender_result {
  latency_histogram ack;  // 200 answers, from the due time
  std::map<std::string, std::uint64_t> outcomes;
  std::uint64_t sent = 0;
  double wall_s = 0;       // first due time to last answer
  double late_p99_ms = 0;  // how late senders started deliveries (client saturation)
};

struct sender_options {
  int connections = 16;
  std::int64_t conversation_base = 0;
};

/// Blocks until every delivery is answered (or `abort` is set). A message gets its id from the
/// ledger's sequence when its first delivery leaves; a repeat reuses it.
sender_result send_traffic(const traffic_plan& plan, const sender_options& options,
                           const webhook_factory& factory, const webhook_target& target,
                           conversation_ledger& ledger, const std::atomic<bool>& abort);

}  // namespace frontdesk::bench
