#pragma once
// The PostgreSQL store: a small pool of libpqxx connections with prepared statements for reads,
// pipelined libpq writers for batches, and reconnection after the server comes back.

#include <memory>
#include <string_view>

#include "persistence/store.hpp"

namespace frontdesk::persistence {

/// `uri` is a libpq URI ("postgresql://user@host:port/db"). Connections are opened on demand, so
/// this succeeds while the server is down; calls answer `unavailable` until it is back.
result<std::unique_ptr<store>> open_postgresql_store(std::string_view uri,
                                                     const store_options& options = {});

}  // namespace frontdesk::persistence
