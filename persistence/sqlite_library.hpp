#pragma once
// Process-wide SQLite settings, applied once before the first connection opens.

namespace frontdesk::persistence {

/// Turns off SQLite's memory statistics: with them on, every allocation SQLite makes takes one
/// process-wide mutex, which every connection (writer, readers, the knowledge index) shares.
/// Nothing here reads those statistics. Safe to call any number of times, from any thread.
void configure_sqlite_library();

}  // namespace frontdesk::persistence
