#pragma once
// Applies batches of change sets over one raw libpq connection in pipeline mode: every statement
// of a phase goes out in one round trip as an already prepared statement (no SQL parsing).

#include <memory>
#include <string>
#include <vector>

#include "persistence/change_set.hpp"
#include "persistence/store.hpp"

struct pg_conn;  // libpq's PGconn

namespace frontdesk::persistence {

class postgresql_batch_writer {
 public:
  /// Connects and prepares the write statements; unavailable when the server is unreachable,
  /// invalid when the schema is missing.
  static result<std::unique_ptr<postgresql_batch_writer>> connect(const std::string& uri);

  postgresql_batch_writer(const postgresql_batch_writer&) = delete;
  postgresql_batch_writer& operator=(const postgresql_batch_writer&) = delete;
  ~postgresql_batch_writer();

  /// One transaction for every set (see store::apply).
  result<std::vector<apply_result>> apply(const std::vector<change_set>& sets);
  /// False once the connection is unusable; the owner then drops it and connects again.
  bool usable() const;

 private:
  explicit postgresql_batch_writer(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_;
  bool broken_ = false;  // left in an unknown protocol state
};

}  // namespace frontdesk::persistence
