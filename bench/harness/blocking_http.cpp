#include "bench/harness/blocking_http.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <optional>

namespace frontdesk::bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct blocking_http::impl {
  impl(std::string h, std::uint16_t p, std::chrono::milliseconds t)
      : host(std::move(h)), port(p), timeout(t) {}

  std::string host;
  std::uint16_t port;
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  std::optional<tcp::socket> socket;
  beast::flat_buffer buffer;

  bool connect(std::string& error) {
    beast::error_code ec;
    socket.emplace(ioc);
    const tcp::endpoint ep(net::ip::make_address(host, ec), port);
    if (ec) {
      error = "bad_address";
      return false;
    }
    socket->connect(ep, ec);
    if (ec) {
      error = "connect";
      socket.reset();
      return false;
    }
    socket->set_option(tcp::no_delay(true), ec);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(socket->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket->native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    buffer.clear();
    return true;
  }
};

blocking_http::blocking_http(std::string host, std::uint16_t port,
                             std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(std::move(host), port, timeout)) {}
blocking_http::~blocking_http() = default;
blocking_http::blocking_http(blocking_http&&) noexcept = default;
blocking_http& blocking_http::operator=(blocking_http&&) noexcept = default;

void blocking_http::close() {
  if (impl_->socket) {
    beast::error_code ec;
    impl_->socket->shutdown(tcp::socket::shutdown_both, ec);
    impl_->socket->close(ec);
    impl_->socket.reset();
  }
}

http_answer blocking_http::request(std::string_view method, std::string_view target,
                                   std::string_view body, const header_list& headers) {
  http_answer out;
  // One retry on a kept-alive connection the server closed meanwhile (nothing was processed:
  // the write or the first read fails at once).
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = impl_->socket.has_value();
    if (!impl_->socket && !impl_->connect(out.error)) return out;
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));
    req.set(http::field::user_agent, "frontdesk-bench");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST") {
      req.body() = std::string(body);
      req.prepare_payload();
    }
    req.keep_alive(true);
    beast::error_code ec;
    http::write(*impl_->socket, req, ec);
    if (ec) {
      close();
      if (reused) continue;
      out.error = "write";
      return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(*impl_->socket, impl_->buffer, parser, ec);
    if (ec) {
      close();
      if (reused && (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
                     ec == net::error::eof)) {
        // POSTs are retried only when nothing at all came back; the harness's POSTs are
        // idempotent (webhooks dedupe, operator actions are idempotent).
        continue;
      }
      out.error = (ec == net::error::would_block || ec == net::error::try_again ||
                   ec == net::error::timed_out)
                      ? "timeout"
                      : "read:" + ec.message();
      return out;
    }
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    if (auto it = res.find(http::field::retry_after); it != res.end())
      out.retry_after = std::string(it->value());
    out.error.clear();
    if (!res.keep_alive()) close();
    return out;
  }
  out.error = "reset";
  return out;
}

bool split_http_base(std::string_view url, std::string& host, std::uint16_t& port) {
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme) return false;
  url.remove_prefix(scheme.size());
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  const auto colon = url.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  unsigned v = 0;
  const auto p = url.substr(colon + 1);
  const auto r = std::from_chars(p.data(), p.data() + p.size(), v);
  if (r.ec != std::errc{} || r.ptr != p.data() + p.size() || v == 0 || v > 65535) return false;
  host = std::string(url.substr(0, colon));
  port = static_cast<std::uint16_t>(v);
  return host.find('/') == std::string::npos;
}

}  // namespace frontdesk::bench
