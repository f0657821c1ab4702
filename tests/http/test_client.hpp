// A small blocking HTTP client over real sockets for the server tests.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace frontdesk::io::test {

using response = boost::beast::http::response<boost::beast::http::string_body>;

/// One TCP connection to 127.0.0.1:port; every read gives up after the receive timeout.
class test_connection {
 public:
  explicit test_connection(std::uint16_t port,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10),
                           int receive_buffer = 0);
  void send(const std::string& bytes);
  /// Reads one response; nullopt on close, timeout or parse error.
  std::optional<response> read_response();
  /// Reads raw bytes until the peer closes or the timeout; returns what came.
  std::string read_until_close();
  /// Reads at least n raw bytes (or until close/timeout).
  std::string read_some_bytes(std::size_t n);
  /// True when the peer closed the connection (reads EOF/reset before the timeout).
  bool peer_closed();
  void close();

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

/// GET/POST one request on a fresh connection.
std::optional<response> request(std::uint16_t port, const std::string& method,
                                const std::string& target, const std::string& body = "",
                                const std::string& extra_headers = "");
std::string make_request(const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& extra_headers = "");

}  // namespace frontdesk::io::test
