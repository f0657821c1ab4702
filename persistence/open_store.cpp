#include "persistence/postgresql_store.hpp"
#include "persistence/sqlite_store.hpp"
#include "persistence/store.hpp"

namespace frontdesk::persistence {

result<std::unique_ptr<store>> open_store(std::string_view uri, const store_options& options) {
  constexpr std::string_view sqlite_prefix = "sqlite:";
  if (uri.starts_with(sqlite_prefix)) {
    std::string_view path = uri.substr(sqlite_prefix.size());
    if (path.starts_with("//")) path.remove_prefix(2);  // "sqlite:///abs/path" or "sqlite://rel"
    return open_sqlite_store(path, options);
  }
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    return open_postgresql_store(uri, options);
  }
  return frontdesk::unexpected{store_error{
      store_error_code::invalid,
      "unsupported store URI (expected sqlite:PATH, sqlite::memory: or postgresql://...)"}};
}

}  // namespace frontdesk::persistence
