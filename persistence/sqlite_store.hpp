#pragma once
// The SQLite store: WAL, one writer connection, a pool of reader connections.

#include <memory>
#include <string_view>

#include "persistence/store.hpp"

namespace frontdesk::persistence {

/// `path` is a file name or ":memory:" (then reads share the writer connection). The file is
/// created when missing; a file that is not a SQLite database answers `corrupt`.
result<std::unique_ptr<store>> open_sqlite_store(std::string_view path,
                                                 const store_options& options = {});

}  // namespace frontdesk::persistence
