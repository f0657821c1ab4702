// Checks "Authorization: Bearer <token>" against configured operator tokens and required roles.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/expected.hpp"

namespace frontdesk::io {

/// Ordered: each role may do what the ones before it may.
enum class operator_role { operator_ = 0, manager = 1, admin = 2 };
std::string_view to_string(operator_role r);
std::optional<operator_role> parse_role(std::string_view s);

struct operator_identity {
  std::string operator_id;
  operator_role role = operator_role::operator_;
};

struct auth_error {
  int status = 401;  // 401 missing or bad credentials, 403 role too low
  std::string code;  // missing_token, bad_token, forbidden
  std::string message;
};

class bearer_auth {
 public:
  /// "token:operator_id:role,token2:id2:role2"; error text names the bad entry.
  static expected<bearer_auth, std::string> from_config(std::string_view config);

  void add(std::string token, operator_identity who);
  /// Checks the Authorization header value (may be absent) and the role needed.
  expected<operator_identity, auth_error> authorize(std::optional<std::string_view> authorization,
                                                    operator_role needed) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    std::string token;
    operator_identity who;
  };
  std::vector<entry> entries_;
};

}  // namespace frontdesk::io
