#include "bench/harness/sim_http_server.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace frontdesk::bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> sim_request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (same_name(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string> sim_request::query(std::string_view name) const {
  const auto q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(target).substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto part = rest.substr(0, amp);
    const auto eq = part.find('=');
    if (part.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string{} : std::string(part.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

struct sim_http_server::impl : std::enable_shared_from_this<sim_http_server::impl> {
  struct session;

  impl(handler h, int n) : handle(std::move(h)), threads_wanted(std::max(1, n)), acceptor(ioc) {}

  void accept();

  void forget(const std::shared_ptr<session>& s) {
    std::lock_guard lock(mutex);
    sessions.erase(s);
  }

  handler handle;
  int threads_wanted;
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
  bool running = false;
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::int64_t> in_flight_peak{0};
  std::mutex mutex;
  std::unordered_set<std::shared_ptr<session>> sessions;
};

struct sim_http_server::impl::session : std::enable_shared_from_this<session> {
  session(std::shared_ptr<impl> o, tcp::socket s)
      : owner(std::move(o)), stream(std::move(s)), timer(stream.get_executor()) {}

  std::shared_ptr<impl> owner;
  beast::tcp_stream stream;
  net::steady_timer timer;
  beast::flat_buffer buffer;
  std::optional<http::request_parser<http::string_body>> parser;
  http::response<http::string_body> res;

  void read() {
    parser.emplace();
    parser->body_limit(8 * 1024 * 1024);
    stream.expires_after(std::chrono::minutes(5));
    auto self = shared_from_this();
    http::async_read(stream, buffer, *parser,
                     [self](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void close() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.socket().close(ec);
    owner->forget(shared_from_this());
  }

  void on_read(beast::error_code ec) {
    if (ec) return close();
    auto req = parser->release();
    sim_request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.path = r.target.substr(0, r.target.find('?'));
    for (const auto& f : req)
      r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.body = std::move(req.body());
    const bool keep_alive = req.keep_alive();
    ++owner->requests;
    const auto now_in = ++owner->in_flight;
    auto peak = owner->in_flight_peak.load();
    while (now_in > peak && !owner->in_flight_peak.compare_exchange_weak(peak, now_in)) {
    }
    sim_response out = owner->handle(r);
    res = {};
    res.result(static_cast<unsigned>(out.status));
    res.version(11);
    if (!out.content_type.empty()) res.set(http::field::content_type, out.content_type);
    for (const auto& [k, v] : out.headers) res.set(k, v);
    res.body() = std::move(out.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    if (out.delay.count() > 0) {
      auto self = shared_from_this();
      timer.expires_after(out.delay);
      timer.async_wait([self, keep_alive](beast::error_code e) {
        if (e) {
          --self->owner->in_flight;
          return self->close();
        }
        self->write(keep_alive);
      });
      return;
    }
    write(keep_alive);
  }

  void write(bool keep_alive) {
    auto self = shared_from_this();
    stream.expires_after(std::chrono::seconds(30));
    http::async_write(stream, res, [self, keep_alive](beast::error_code ec, std::size_t) {
      --self->owner->in_flight;
      if (ec || !keep_alive) return self->close();
      self->read();
    });
  }

  void cancel() {
    net::post(stream.get_executor(), [self = shared_from_this()] {
      self->timer.cancel();
      beast::error_code ec;
      self->stream.socket().close(ec);
    });
  }
};

void sim_http_server::impl::accept() {
  auto self = shared_from_this();
  acceptor.async_accept(net::make_strand(ioc), [self](beast::error_code ec, tcp::socket s) {
    if (ec) return;
    ++self->connections;
    auto sess = std::make_shared<session>(self, std::move(s));
    {
      std::lock_guard lock(self->mutex);
      self->sessions.insert(sess);
    }
    sess->read();
    self->accept();
  });
}

sim_http_server::sim_http_server(handler h, int threads)
    : impl_(std::make_shared<impl>(std::move(h), threads)) {}

sim_http_server::~sim_http_server() {
  stop();
}

expected<void, std::string> sim_http_server::start() {
  if (impl_->running) return {};
  beast::error_code ec;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return unexpected{"simulated server cannot listen: " + ec.message()};
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->running = true;
  for (int i = 0; i < impl_->threads_wanted; ++i) {
    impl_->threads.emplace_back([i = impl_] { i->ioc.run(); });
  }
  return {};
}

void sim_http_server::stop() {
  if (!impl_->running) return;
  impl_->running = false;
  auto i = impl_;
  net::post(impl_->ioc, [i] {
    beast::error_code ec;
    i->acceptor.close(ec);
    std::vector<std::shared_ptr<impl::session>> all;
    {
      std::lock_guard lock(i->mutex);
      all.assign(i->sessions.begin(), i->sessions.end());
    }
    for (auto& s : all) s->cancel();
  });
  // Sessions end as their sockets close; the context then runs out of work.
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  std::lock_guard lock(impl_->mutex);
  impl_->sessions.clear();
}

std::uint16_t sim_http_server::port() const {
  return impl_->bound_port;
}

std::string sim_http_server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

sim_server_stats sim_http_server::stats() const {
  return {impl_->requests.load(), impl_->connections.load(), impl_->in_flight_peak.load()};
}

}  // namespace frontdesk::bench
