#include "tests/support/test_http_server.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace frontdesk::test_support {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

std::optional<std::string> recorded_request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(k[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return v;
  }
  return std::nullopt;
}

namespace {

std::string decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> split_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    const auto amp = q.find('&');
    auto part = q.substr(0, amp);
    const auto eq = part.find('=');
    if (!part.empty()) {
      out[decode(part.substr(0, eq))] =
          eq == std::string_view::npos ? std::string{} : decode(part.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace

struct test_http_server::impl : std::enable_shared_from_this<test_http_server::impl> {
  struct session;

  impl(handler h, std::optional<tls_identity> tls_id)
      : handle(std::move(h)),
        tls(std::move(tls_id)),
        ssl_ctx(ssl::context::tls_server),
        acceptor(ioc) {
    if (tls) {
      ssl_ctx.use_certificate_chain(net::buffer(tls->cert_pem.data(), tls->cert_pem.size()));
      ssl_ctx.use_private_key(net::buffer(tls->key_pem.data(), tls->key_pem.size()),
                              ssl::context::pem);
    }
  }

  void accept();
  std::optional<fault_kind> take_fault(fault& out) {
    std::lock_guard lock(mutex);
    if (faults.empty()) return std::nullopt;
    out = faults.front();
    if (--faults.front().count <= 0) faults.pop_front();
    return out.kind;
  }

  handler handle;
  std::optional<tls_identity> tls;
  net::io_context ioc;
  ssl::context ssl_ctx;
  tcp::acceptor acceptor;
  std::thread thread;
  std::uint16_t bound_port = 0;
  bool running = false;
  mutable std::mutex mutex;
  std::deque<fault> faults;
  std::vector<recorded_request> log;
  std::atomic<std::size_t> accepted{0};
  std::unordered_map<session*, std::weak_ptr<session>> sessions;  // io thread only
};

struct test_http_server::impl::session : std::enable_shared_from_this<session> {
  session(std::shared_ptr<impl> o, tcp::socket sock, std::uint64_t id)
      : owner(std::move(o)), timer(owner->ioc), conn_id(id) {
    if (owner->tls) {
      tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(sock), owner->ssl_ctx);
    } else {
      plain = std::make_unique<beast::tcp_stream>(std::move(sock));
    }
  }

  std::shared_ptr<impl> owner;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::optional<http::request_parser<http::string_body>> parser;
  http::response<http::string_body> res;
  net::steady_timer timer;
  std::uint64_t conn_id;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  template <class F>
  void with_stream(F&& f) {
    if (tls) {
      f(*tls);
    } else {
      f(*plain);
    }
  }

  void run() {
    owner->sessions[this] = weak_from_this();
    if (!tls) return read();
    auto self = shared_from_this();
    lowest().expires_after(std::chrono::seconds(10));
    tls->async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
      if (ec) return self->close();
      self->read();
    });
  }

  void read() {
    parser.emplace();
    parser->body_limit(16 * 1024 * 1024);
    lowest().expires_never();
    auto self = shared_from_this();
    with_stream([&](auto& s) {
      http::async_read(s, buffer, *parser,
                       [self](beast::error_code ec, std::size_t) { self->on_read(ec); });
    });
  }

  void reset() {
    beast::error_code ec;
    auto& sock = lowest().socket();
    sock.set_option(net::socket_base::linger(true, 0), ec);
    sock.close(ec);
    finish();
  }

  void close() {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().socket().close(ec);
    finish();
  }

  void finish() { owner->sessions.erase(this); }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof) return close();
    if (ec) {
      if (ec == net::error::operation_aborted || !lowest().socket().is_open()) return finish();
      res = {};
      res.result(http::status::bad_request);
      res.version(11);
      res.body() = "bad request";
      res.keep_alive(false);
      res.prepare_payload();
      return write(false);
    }
    auto req = parser->release();
    recorded_request rec;
    rec.method = std::string(req.method_string());
    rec.target = std::string(req.target());
    const auto q = rec.target.find('?');
    rec.path = decode(std::string_view(rec.target).substr(0, q));
    if (q != std::string::npos) rec.query = split_query(std::string_view(rec.target).substr(q + 1));
    for (const auto& f : req)
      rec.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    rec.body = req.body();
    rec.connection_id = conn_id;
    rec.received_at = std::chrono::steady_clock::now();
    const bool keep_alive = req.keep_alive();
    {
      std::lock_guard lock(owner->mutex);
      owner->log.push_back(rec);
    }

    fault f;
    const auto kind = owner->take_fault(f);
    canned_response out;
    std::chrono::milliseconds delay{0};
    if (kind == fault_kind::reset_before_processing) return reset();
    if (kind == fault_kind::status_500) {
      out = canned_response{500, "application/json", R"({"error":"Internal Server Error"})", {}};
    } else if (kind == fault_kind::status_503) {
      out = canned_response{
          503, "text/plain", "Service Unavailable\n", {{"Retry-After", f.retry_after}}};
    } else if (kind == fault_kind::rate_limit_429) {
      out = canned_response{429, "text/plain", "Retry later\n", {{"Retry-After", f.retry_after}}};
    } else {
      out = owner->handle(rec);
      if (kind == fault_kind::reset_after_processing) return reset();
      if (kind == fault_kind::invalid_json) {
        out.content_type = "application/json";
        out.body = out.body.size() > 2 ? out.body.substr(0, out.body.size() / 2) : "{\"id\": ";
      }
      if (kind == fault_kind::delay) delay = f.delay;
    }
    res = {};
    res.result(static_cast<unsigned>(out.status));
    res.version(11);
    if (!out.content_type.empty()) res.set(http::field::content_type, out.content_type);
    for (const auto& [k, v] : out.headers) res.set(k, v);
    res.body() = std::move(out.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    if (delay.count() > 0) {
      auto self = shared_from_this();
      timer.expires_after(delay);
      timer.async_wait([self, keep_alive](beast::error_code e) {
        if (e) return self->finish();
        self->write(keep_alive);
      });
      return;
    }
    write(keep_alive);
  }

  void write(bool keep_alive) {
    auto self = shared_from_this();
    lowest().expires_after(std::chrono::seconds(30));
    with_stream([&](auto& s) {
      http::async_write(s, res, [self, keep_alive](beast::error_code ec, std::size_t) {
        if (ec) return self->close();
        if (!keep_alive) return self->close();
        self->read();
      });
    });
  }

  void cancel() {
    timer.cancel();
    beast::error_code ec;
    lowest().socket().close(ec);
  }
};

void test_http_server::impl::accept() {
  auto self = shared_from_this();
  acceptor.async_accept([self](beast::error_code ec, tcp::socket sock) {
    if (ec) return;  // acceptor closed
    const auto id = ++self->accepted;
    std::make_shared<session>(self, std::move(sock), id)->run();
    self->accept();
  });
}

test_http_server::test_http_server(handler h, std::optional<tls_identity> tls)
    : impl_(std::make_shared<impl>(std::move(h), std::move(tls))) {}

test_http_server::~test_http_server() {
  stop();
}

void test_http_server::start() {
  if (impl_->running) return;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->running = true;
  auto i = impl_;
  impl_->thread = std::thread([i] { i->ioc.run(); });
}

void test_http_server::stop() {
  if (!impl_->running) return;
  impl_->running = false;
  auto i = impl_;
  net::post(impl_->ioc, [i] {
    beast::error_code ec;
    i->acceptor.close(ec);
    auto all = i->sessions;
    for (auto& [p, w] : all) {
      if (auto s = w.lock()) s->cancel();
    }
    i->sessions.clear();
  });
  impl_->thread.join();
}

std::uint16_t test_http_server::port() const {
  return impl_->bound_port;
}

std::string test_http_server::base_url() const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

void test_http_server::inject(fault f) {
  std::lock_guard lock(impl_->mutex);
  if (f.count > 0) impl_->faults.push_back(std::move(f));
}

void test_http_server::clear_faults() {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.clear();
}

std::vector<recorded_request> test_http_server::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

void test_http_server::clear_requests() {
  std::lock_guard lock(impl_->mutex);
  impl_->log.clear();
}

std::size_t test_http_server::accepted_connections() const {
  return impl_->accepted.load();
}

}  // namespace frontdesk::test_support
