#pragma once
// Reads the store file of a dead server and lists every broken durability promise: lost
// acknowledged messages, lost or repeated approvals, conversations that went back, outbox
// entries lost, duplicated or left pending, gaps in the trace.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/crash/ledger.hpp"

namespace frontdesk::crash_testing {

struct audit_totals {
  std::int64_t conversations = 0;
  std::int64_t customer_messages = 0;
  std::int64_t replies = 0;
  std::int64_t outbox_rows = 0;
  std::int64_t outbox_pending = 0;
  std::int64_t trace_rows = 0;
};

struct audit_report {
  std::vector<std::string> violations;
  audit_totals totals;
};

/// Never call it while a server has the file open. `settled`: the server ran long enough
/// with nothing in flight, so no conversation may be mid-draft and no outbox entry pending.
/// Raises `book.high_water` to what the store holds.
audit_report audit_store(const std::filesystem::path& db, ledger& book,
                         const std::vector<std::int64_t>& conversations, bool settled);

}  // namespace frontdesk::crash_testing
