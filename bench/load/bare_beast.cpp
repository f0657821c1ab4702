// The baseline for the health-check comparison: the smallest keep-alive Boost.Beast HTTP server
// answering every request with {"status":"ok"}, on as many threads as frontdesk uses by default.

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace frontdesk::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class session : public std::enable_shared_from_this<session> {
 public:
  explicit session(tcp::socket socket) : stream_(std::move(socket)) {}

  void start() { read(); }

 private:
  void read() {
    req_ = {};
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(stream_, buffer_, req_,
                     [self = shared_from_this()](error_code ec, std::size_t) { self->answer(ec); });
  }

  void answer(error_code ec) {
    if (ec) return close();
    res_ = {};
    res_.version(req_.version());
    res_.result(http::status::ok);
    res_.set(http::field::content_type, "application/json");
    res_.keep_alive(req_.keep_alive());
    res_.body() = R"({"status":"ok"})";
    res_.prepare_payload();
    http::async_write(stream_, res_, [self = shared_from_this()](error_code wec, std::size_t) {
      if (wec || !self->res_.keep_alive()) return self->close();
      self->read();
    });
  }

  void close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

void accept(tcp::acceptor& acceptor, asio::io_context& ioc) {
  acceptor.async_accept(asio::make_strand(ioc), [&acceptor, &ioc](error_code ec, tcp::socket s) {
    if (!ec) {
      s.set_option(tcp::no_delay(true), ec);
      std::make_shared<session>(std::move(s))->start();
    }
    if (acceptor.is_open()) accept(acceptor, ioc);
  });
}

int run(int argc, char** argv) {
  std::string host = "127.0.0.1";
  unsigned port = 0;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--listen" && i + 1 < argc) {
      const std::string v = argv[++i];
      const auto colon = v.rfind(':');
      const char* p = v.c_str() + colon + 1;
      if (colon == std::string::npos ||
          std::from_chars(p, v.c_str() + v.size(), port).ec != std::errc{} || port > 65535) {
        std::cerr << "bare_beast: --listen HOST:PORT\n";
        return 2;
      }
      host = v.substr(0, colon);
    } else if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
      if (threads < 1 || threads > 64) {
        std::cerr << "bare_beast: --threads 1..64\n";
        return 2;
      }
    } else {
      std::cerr << "usage: bare_beast [--listen HOST:PORT] [--threads N (2)]\n";
      return 2;
    }
  }
  asio::io_context ioc(threads);
  error_code ec;
  tcp::endpoint ep(asio::ip::make_address(host, ec), static_cast<unsigned short>(port));
  if (ec) {
    std::cerr << "bare_beast: bad address " << host << "\n";
    return 2;
  }
  tcp::acceptor acceptor(ioc);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::cerr << "bare_beast: cannot listen on " << host << ":" << port << ": " << ec.message()
              << "\n";
    return 1;
  }
  std::cerr << "bare_beast: serving on http://" << host << ":" << acceptor.local_endpoint().port()
            << "/ with " << threads << " threads\n";
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](error_code, int) {
    acceptor.close();
    ioc.stop();
  });
  accept(acceptor, ioc);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}

}  // namespace
}  // namespace frontdesk::bench

int main(int argc, char** argv) {
  return frontdesk::bench::run(argc, argv);
}
