#include "io/bearer_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

#include "io/http_request.hpp"

namespace frontdesk::io {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Tokens are compared through their SHA-256 so the comparison time depends on neither length nor
/// content.
std::array<unsigned char, 32> digest(std::string_view s) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}
}  // namespace

std::string_view to_string(operator_role r) {
  switch (r) {
    case operator_role::operator_:
      return "operator";
    case operator_role::manager:
      return "manager";
    case operator_role::admin:
      return "admin";
  }
  return "operator";
}

std::optional<operator_role> parse_role(std::string_view s) {
  if (s == "operator") return operator_role::operator_;
  if (s == "manager") return operator_role::manager;
  if (s == "admin") return operator_role::admin;
  return std::nullopt;
}

expected<bearer_auth, std::string> bearer_auth::from_config(std::string_view config) {
  bearer_auth auth;
  std::size_t index = 0;
  while (!config.empty()) {
    auto comma = config.find(',');
    auto item = trim(config.substr(0, comma));
    config = comma == std::string_view::npos ? std::string_view{} : config.substr(comma + 1);
    ++index;
    if (item.empty()) continue;
    auto c1 = item.find(':');
    auto c2 = c1 == std::string_view::npos ? c1 : item.find(':', c1 + 1);
    if (c2 == std::string_view::npos || item.find(':', c2 + 1) != std::string_view::npos)
      return unexpected{"token entry " + std::to_string(index) + " is not token:operator_id:role"};
    auto token = trim(item.substr(0, c1));
    auto id = trim(item.substr(c1 + 1, c2 - c1 - 1));
    auto role = parse_role(trim(item.substr(c2 + 1)));
    if (token.size() < 8)
      return unexpected{"token entry " + std::to_string(index) + " has a token shorter than 8"};
    if (id.empty())
      return unexpected{"token entry " + std::to_string(index) + " has no operator id"};
    if (!role)
      return unexpected{"token entry " + std::to_string(index) +
                        " has an unknown role (operator|manager|admin)"};
    auth.add(std::string(token), operator_identity{std::string(id), *role});
  }
  return auth;
}

void bearer_auth::add(std::string token, operator_identity who) {
  entries_.push_back(entry{std::move(token), std::move(who)});
}

expected<operator_identity, auth_error> bearer_auth::authorize(
    std::optional<std::string_view> authorization, operator_role needed) const {
  if (!authorization || trim(*authorization).empty())
    return unexpected{
        auth_error{401, "missing_token", "An Authorization: Bearer token is required."}};
  auto value = trim(*authorization);
  if (value.size() < 7 || !iequals(value.substr(0, 7), "Bearer "))
    return unexpected{
        auth_error{401, "bad_token", "The Authorization header must be 'Bearer <token>'."}};
  auto given = digest(trim(value.substr(7)));
  const entry* found = nullptr;
  for (const auto& e : entries_) {  // every entry is compared: no early exit
    auto known = digest(e.token);
    if (CRYPTO_memcmp(known.data(), given.data(), given.size()) == 0) found = &e;
  }
  if (!found) return unexpected{auth_error{401, "bad_token", "The token is not valid."}};
  if (static_cast<int>(found->who.role) < static_cast<int>(needed))
    return unexpected{auth_error{
        403, "forbidden", "This action needs the " + std::string(to_string(needed)) + " role."}};
  return found->who;
}

}  // namespace frontdesk::io
