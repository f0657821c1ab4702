#include "persistence/sqlite_library.hpp"

#include <sqlite3.h>

#include <mutex>

namespace frontdesk::persistence {

void configure_sqlite_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SQLITE_MISUSE when the library was already initialised (settings then stay as they are).
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

}  // namespace frontdesk::persistence
