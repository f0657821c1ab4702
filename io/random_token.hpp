// Unguessable tokens and secrets (operator tokens, webhook secrets) from OpenSSL's generator.
#pragma once

#include <cstddef>
#include <string>

namespace frontdesk::io {

/// `bytes` random bytes as lower-case hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);

}  // namespace frontdesk::io
