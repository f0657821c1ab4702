#pragma once
// What the running server acknowledged to its clients across every life of one store: the
// promises the store must keep after any crash.

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace frontdesk::crash_testing {

/// One webhook delivery the test sent at least once (and may send again as a replay).
struct sent_delivery {
  std::int64_t conversation = 0;
  std::int64_t message = 0;
  std::string delivery;    // X-Chatwoot-Delivery of the first sending
  std::string dedupe_key;  // what the store deduplicates the message by
  std::string body;
};

/// Written by one workload thread at a time; read by the test once that thread is joined.
struct ledger {
  std::vector<sent_delivery> sent;
  /// Deliveries answered 200 {"accepted":true} (possibly as a duplicate), by index in `sent`.
  std::set<std::size_t> acknowledged;
  /// Delivery ids answered {"accepted":true} without "duplicate": stored under that id.
  std::set<std::string> stored_deliveries;
  /// (conversation, draft_version) answered 200 to an approve.
  std::set<std::pair<std::int64_t, std::int64_t>> approvals;
  /// The highest draft_version seen per conversation, in API answers or in the store.
  std::map<std::int64_t, std::int64_t> high_water;

  void observe_version(std::int64_t conversation, std::int64_t version) {
    auto& v = high_water[conversation];
    v = std::max(v, version);
  }
};

}  // namespace frontdesk::crash_testing
