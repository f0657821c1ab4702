#include "tests/http/test_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

namespace frontdesk::io::test {

namespace net = boost::asio;
namespace http = boost::beast::http;

test_connection::test_connection(std::uint16_t port, std::chrono::milliseconds timeout,
                                 int receive_buffer)
    : socket_(ioc_) {
  socket_.open(net::ip::tcp::v4());
  if (receive_buffer > 0) socket_.set_option(net::socket_base::receive_buffer_size(receive_buffer));
  timeval tv{};
  tv.tv_sec = static_cast<long>(timeout.count() / 1000);
  tv.tv_usec = static_cast<long>((timeout.count() % 1000) * 1000);
  ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  socket_.connect({net::ip::make_address("127.0.0.1"), port});
}

void test_connection::send(const std::string& bytes) {
  boost::system::error_code ec;
  net::write(socket_, net::buffer(bytes), ec);
}

std::optional<response> test_connection::read_response() {
  response res;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  boost::system::error_code ec;
  http::read(socket_, buffer_, parser, ec);
  if (ec) return std::nullopt;
  return parser.release();
}

std::string test_connection::read_until_close() {
  std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  buffer_.consume(buffer_.size());
  char chunk[4096];
  for (;;) {
    boost::system::error_code ec;
    auto n = socket_.read_some(net::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

std::string test_connection::read_some_bytes(std::size_t n) {
  std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  buffer_.consume(buffer_.size());
  char chunk[4096];
  while (out.size() < n) {
    boost::system::error_code ec;
    auto got = socket_.read_some(net::buffer(chunk), ec);
    out.append(chunk, got);
    if (ec) break;
  }
  return out;
}

bool test_connection::peer_closed() {
  char c;
  boost::system::error_code ec;
  socket_.read_some(net::buffer(&c, 1), ec);
  return ec == net::error::eof || ec == net::error::connection_reset;
}

void test_connection::close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

std::string make_request(const std::string& method, const std::string& target,
                         const std::string& body, const std::string& extra_headers) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers;
  if (!body.empty() || method == "POST")
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += "\r\n" + body;
  return r;
}

std::optional<response> request(std::uint16_t port, const std::string& method,
                                const std::string& target, const std::string& body,
                                const std::string& extra_headers) {
  test_connection c(port);
  c.send(make_request(method, target, body, extra_headers));
  return c.read_response();
}

}  // namespace frontdesk::io::test
