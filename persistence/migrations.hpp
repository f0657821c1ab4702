#pragma once
// Versioned schema migrations per backend, embedded at build time from migrations/*/NNNN_*.sql.

#include <string_view>
#include <vector>

namespace frontdesk::persistence {

struct migration {
  std::string_view backend;  // "sqlite" or "postgresql"
  int version = 0;
  std::string_view name;
  std::string_view sql;
};

/// Every embedded migration, all backends, by backend then version.
const std::vector<migration>& embedded_migrations();

/// The migrations of one backend in ascending version order.
std::vector<migration> migrations_for(std::string_view backend);

}  // namespace frontdesk::persistence
