// Request framing rules shared by the server and the fuzzer: refused header combinations, error
// mapping.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/fields.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace frontdesk::io {

/// Why the header's framing could be read two ways (request smuggling), or nullopt when it is
/// clean.
std::optional<std::string> ambiguous_framing(const boost::beast::http::fields& header);

/// What the server answers for a failed read; silent means just close (the peer left).
struct http_read_failure {
  int status = 400;
  std::string code;
  std::string message;
  bool silent = false;
};
http_read_failure classify_read_error(boost::beast::error_code ec);

/// Parses bytes as pipelined requests with the server's limits and rules, without a socket.
struct http_parse_outcome {
  std::size_t requests = 0;  // complete, accepted requests
  int error_status = 0;      // 0 when every byte was consumed without error
  std::string error_code;
  bool incomplete = false;  // the bytes end in the middle of a request
};
http_parse_outcome parse_http_requests(std::string_view bytes, std::size_t max_header_bytes,
                                       std::uint64_t max_body_bytes);

}  // namespace frontdesk::io
