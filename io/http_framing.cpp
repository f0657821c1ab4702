#include "io/http_framing.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "io/http_request.hpp"

namespace frontdesk::io {

namespace http = boost::beast::http;
namespace net = boost::asio;

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::optional<std::string> ambiguous_framing(const http::fields& header) {
  std::size_t cl = 0, te = 0;
  std::string_view te_value;
  for (const auto& f : header) {
    if (f.name() == http::field::content_length) {
      ++cl;
      if (f.value().find(',') != std::string_view::npos) return "duplicate Content-Length";
    } else if (f.name() == http::field::transfer_encoding) {
      ++te;
      te_value = trim(f.value());
    }
  }
  if (cl > 1) return "duplicate Content-Length";
  if (te > 1) return "duplicate Transfer-Encoding";
  if (te == 1 && cl == 1) return "both Content-Length and Transfer-Encoding";
  if (te == 1 && !iequals(te_value, "chunked")) return "unsupported Transfer-Encoding";
  return std::nullopt;
}

http_read_failure classify_read_error(boost::beast::error_code ec) {
  if (ec == http::error::end_of_stream || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::error::operation_aborted)
    return {0, "", "", true};
  if (ec == boost::beast::error::timeout)
    return {408, "request_timeout", "The request did not arrive in time."};
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
    return {431, "header_too_large", "The request header is too large."};
  if (ec == http::error::body_limit)
    return {413, "body_too_large", "The request body is too large."};
  return {400, "bad_request", "The request is not valid HTTP/1.1."};
}

http_parse_outcome parse_http_requests(std::string_view bytes, std::size_t max_header_bytes,
                                       std::uint64_t max_body_bytes) {
  http_parse_outcome out;
  while (!bytes.empty()) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(max_header_bytes));
    parser.body_limit(max_body_bytes);
    parser.eager(false);
    bool header_checked = false;
    while (!parser.is_done()) {
      boost::beast::error_code ec;
      auto used = parser.put(net::buffer(bytes.data(), bytes.size()), ec);
      bytes.remove_prefix(used);
      if (ec == http::error::need_more) {
        if (bytes.empty() || used == 0) {
          out.incomplete = true;
          return out;
        }
        continue;
      }
      if (ec) {
        auto f = classify_read_error(ec);
        out.error_status = f.status;
        out.error_code = f.code;
        return out;
      }
      if (parser.is_header_done() && !header_checked) {
        header_checked = true;
        if (ambiguous_framing(parser.get().base())) {
          out.error_status = 400;
          out.error_code = "bad_request";
          return out;
        }
        auto len = parser.content_length();
        if (len && *len > max_body_bytes) {
          out.error_status = 413;
          out.error_code = "body_too_large";
          return out;
        }
      }
      if (!parser.is_done() && bytes.empty()) {
        out.incomplete = true;
        return out;
      }
    }
    ++out.requests;
  }
  return out;
}

}  // namespace frontdesk::io
