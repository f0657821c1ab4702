#include "io/http_server.hpp"

#include <pthread.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include "io/http_framing.hpp"
#include "io/json_error.hpp"

namespace frontdesk::io {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class connection;

/// Shared by the server and every connection; owns the io_context so sockets never outlive it.
struct server_state {
  http_server_options options;
  http_handler handler;
  net::io_context ioc;
  std::atomic<std::size_t> active{0};
  std::atomic<std::uint64_t> next_request{0};
  std::atomic<bool> stopping{false};

  std::mutex registry_mu;
  std::unordered_map<std::uint64_t, std::weak_ptr<connection>> registry;
  std::uint64_t next_connection = 0;
  std::condition_variable drained;

  // Posting onto a strand after the threads stopped would leave work in a dead queue.
  std::mutex post_mu;
  bool accepting_posts = true;

  server_state(http_server_options o, http_handler h)
      : options(std::move(o)), handler(std::move(h)), ioc(static_cast<int>(options.threads)) {}

  template <class Executor, class F>
  bool post(const Executor& ex, F&& f) {
    std::lock_guard lock(post_mu);
    if (!accepting_posts) return false;
    net::post(ex, std::forward<F>(f));
    return true;
  }
};

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

/// Pending bytes of one event stream, shared between pushing threads and the connection's strand.
class stream_buffer {
 public:
  explicit stream_buffer(std::size_t max_bytes) : max_(max_bytes) {}

  enum class push_result { queued_first, queued, closed, overflow };

  push_result push(std::string_view bytes) {
    std::lock_guard lock(mu_);
    if (!open_) return push_result::closed;
    if (pending_.size() + bytes.size() > max_) {
      open_ = false;
      abort_ = true;
      return push_result::overflow;
    }
    pending_.append(bytes);
    bool first = !scheduled_;
    scheduled_ = true;
    return first ? push_result::queued_first : push_result::queued;
  }

  struct taken {
    std::string bytes;
    bool open;
    bool abort;
  };
  taken take() {
    std::lock_guard lock(mu_);
    scheduled_ = false;
    taken t{std::move(pending_), open_, abort_};
    pending_.clear();
    return t;
  }

  /// Marks the stream closed by the application; returns false if it already was.
  bool close() {
    std::lock_guard lock(mu_);
    if (!open_) return false;
    open_ = false;
    return true;
  }

  bool is_open() const {
    std::lock_guard lock(mu_);
    return open_;
  }

  /// The client fell behind (a push overflowed): the stream is to be dropped.
  bool aborted() const {
    std::lock_guard lock(mu_);
    return abort_;
  }

  /// Final: records that the connection is gone; returns the close callback to run (once).
  std::function<void()> finish() {
    std::lock_guard lock(mu_);
    open_ = false;
    finished_ = true;
    return std::exchange(on_close_, nullptr);
  }

  /// Stores the callback, or hands it back when the stream already finished.
  std::function<void()> set_on_close(std::function<void()> cb) {
    std::lock_guard lock(mu_);
    if (finished_) return cb;
    on_close_ = std::move(cb);
    return nullptr;
  }

 private:
  mutable std::mutex mu_;
  std::string pending_;
  std::size_t max_;
  bool open_ = true;
  bool abort_ = false;
  bool scheduled_ = false;
  bool finished_ = false;
  std::function<void()> on_close_;
};

class connection_stream;

class connection : public detail::response_sink, public std::enable_shared_from_this<connection> {
 public:
  connection(std::shared_ptr<server_state> srv, tcp::socket socket, std::uint64_t id)
      : srv_(std::move(srv)),
        stream_(std::move(socket)),
        buffer_(srv_->options.max_header_bytes + 64 * 1024),
        id_(id),
        heartbeat_(stream_.get_executor()) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  ~connection() override = default;

  std::uint64_t id() const { return id_; }

  void start() {
    net::dispatch(stream_.get_executor(),
                  [self = shared_from_this()] { self->wait_for_request(); });
  }

  /// Graceful stop: idle connections close now, busy ones after their answer.
  void request_stop() {
    srv_->post(stream_.get_executor(), [self = shared_from_this()] {
      self->stop_requested_ = true;
      if (self->idle_ || self->streaming_ || self->lingering_) self->close();
    });
  }

  void force_close() {
    srv_->post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
  }

  void deliver(http_response r) override {
    srv_->post(stream_.get_executor(), [self = shared_from_this(), r = std::move(r)]() mutable {
      self->write_response(std::move(r));
    });
  }

  std::shared_ptr<sse_stream> open_stream(const sse_options& options) override;

  /// Strand: schedules a write of whatever the event stream has pending.
  void schedule_pump() {
    srv_->post(stream_.get_executor(), [self = shared_from_this()] { self->pump_stream(); });
  }

 private:
  friend class connection_stream;

  // ---- request cycle (all on the strand) ----

  void wait_for_request() {
    if (closed_) return;
    if (stop_requested_) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(srv_->options.max_header_bytes));
    parser_->body_limit(srv_->options.max_body_bytes);
    if (buffer_.size() > 0) return read_header();
    idle_ = true;
    stream_.expires_after(served_ == 0 ? srv_->options.header_timeout : srv_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->idle_ = false;
                              if (ec) return self->close();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    idle_ = false;
    if (stop_requested_ && served_ > 0) return close();
    stream_.expires_after(srv_->options.header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_read_error(beast::error_code ec) {
    auto f = classify_read_error(ec);
    if (f.silent) return close();
    write_error(f.status, f.code, f.message);
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    if (auto why = ambiguous_framing(parser_->get().base()))
      return write_error(400, "bad_request", "Ambiguous framing: " + *why + ".");
    auto len = parser_->content_length();
    if (len && *len > srv_->options.max_body_bytes)
      return write_error(413, "body_too_large", "The request body is too large.");
    if (parser_->is_done()) return on_request();
    const auto& h = parser_->get();
    auto expect = h[http::field::expect];
    if (!expect.empty() && iequals(trim(expect), "100-continue")) {
      static const std::string continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(srv_->options.write_timeout);
      net::async_write(stream_, net::buffer(continue_line),
                       [self = shared_from_this()](beast::error_code wec, std::size_t) {
                         if (wec) return self->close();
                         self->read_body();
                       });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(srv_->options.body_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->on_read_error(ec);
                       self->on_request();
                     });
  }

  void on_request() {
    auto msg = parser_->release();
    parser_.reset();
    auto req = std::make_shared<http_request>();
    req->method = std::string(msg.method_string());
    req->target = std::string(msg.target());
    split_target(*req);
    for (const auto& f : msg)
      req->headers.add(std::string(f.name_string()), std::string(f.value()));
    req->body = std::move(msg.body());
    req->remote_address = remote_;
    char rid[32];
    std::snprintf(rid, sizeof rid, "r-%06llu",
                  static_cast<unsigned long long>(srv_->next_request.fetch_add(1) + 1));
    req->request_id = rid;
    req->keep_alive = msg.keep_alive();
    keep_alive_ = msg.keep_alive();
    head_ = msg.method() == http::verb::head;
    request_id_ = req->request_id;
    ++served_;
    stream_.expires_never();
    responder r(shared_from_this());
    try {
      srv_->handler(std::move(req), r);
    } catch (const std::exception&) {
      r(http_response::error(500, "internal_error", "The request handler failed."));
    } catch (...) {
      r(http_response::error(500, "internal_error", "The request handler failed."));
    }
  }

  void write_error(int status, std::string_view code, std::string message) {
    auto r = http_response::error(status, code, message);
    r.close = true;
    write_response(std::move(r));
  }

  void write_response(http_response r) {
    if (closed_ || streaming_) return;
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "frontdesk");
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    if (!request_id_.empty()) res->set("X-Request-Id", request_id_);
    for (auto& [k, v] : r.headers) res->insert(k, v);
    res->body() = std::move(r.body);
    res->prepare_payload();
    if (head_) res->body().clear();  // Content-Length stays that of the full answer
    bool keep = keep_alive_ && !r.close && !stop_requested_ && !srv_->stopping.load();
    res->keep_alive(keep);
    request_id_.clear();
    head_ = false;
    stream_.expires_after(srv_->options.write_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res, keep](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        if (!keep) return self->linger_close();
                        self->wait_for_request();
                      });
  }

  /// Closing with unread request bytes would reset the connection and could destroy the answer
  /// on its way (e.g. a 413 while the client is still sending): half-close, drain a bounded
  /// amount for a short time, then close.
  void linger_close() {
    if (closed_) return;
    lingering_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(srv_->stopping.load() ? std::chrono::milliseconds(100)
                                                : std::chrono::milliseconds(2000));
    drain(0);
  }

  void drain(std::size_t drained) {
    stream_.async_read_some(net::buffer(discard_), [self = shared_from_this(), drained](
                                                       beast::error_code ec, std::size_t n) {
      if (ec || drained + n > 4 * 1024 * 1024) return self->close();
      self->drain(drained + n);
    });
  }

  // ---- event streams (strand) ----

  void start_stream(std::shared_ptr<stream_buffer> buf, sse_options options);
  void pump_stream();
  void watch_client();
  void arm_heartbeat();

  void close();

  std::shared_ptr<server_state> srv_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string remote_;
  std::string request_id_;
  std::uint64_t id_;
  std::uint64_t served_ = 0;
  bool keep_alive_ = true;
  bool head_ = false;
  bool idle_ = false;
  bool closed_ = false;
  bool stop_requested_ = false;
  bool lingering_ = false;

  // event stream
  bool streaming_ = false;
  bool writing_ = false;
  std::shared_ptr<stream_buffer> sse_;
  sse_options sse_options_;
  std::string out_;
  std::array<char, 512> discard_{};
  net::steady_timer heartbeat_;
};

/// The handle given to handlers; safe from any thread, keeps the connection alive only weakly.
class connection_stream : public sse_stream {
 public:
  connection_stream(std::weak_ptr<connection> conn, std::shared_ptr<stream_buffer> buf)
      : conn_(std::move(conn)), buf_(std::move(buf)) {}

  bool send(const sse_event& e) override { return push(format_sse_event(e)); }
  bool send_comment(std::string_view text) override { return push(format_sse_comment(text)); }

  void close() override {
    if (!buf_->close()) return;
    if (auto c = conn_.lock()) c->schedule_pump();
  }

  bool is_open() const override { return buf_->is_open(); }

  void on_close(std::function<void()> callback) override {
    if (auto run_now = buf_->set_on_close(std::move(callback))) run_now();
  }

  bool push(std::string_view bytes) {
    auto r = buf_->push(bytes);
    if (r == stream_buffer::push_result::closed) return false;
    if (r == stream_buffer::push_result::queued) return true;
    if (auto c = conn_.lock()) c->schedule_pump();
    return r != stream_buffer::push_result::overflow;
  }

 private:
  std::weak_ptr<connection> conn_;
  std::shared_ptr<stream_buffer> buf_;
};

std::shared_ptr<sse_stream> connection::open_stream(const sse_options& options) {
  auto buf = std::make_shared<stream_buffer>(options.max_buffered_bytes);
  auto handle = std::make_shared<connection_stream>(weak_from_this(), buf);
  bool posted = srv_->post(stream_.get_executor(), [self = shared_from_this(), buf, options] {
    self->start_stream(buf, options);
  });
  if (!posted) {
    if (auto cb = buf->finish()) cb();
  }
  return handle;
}

void connection::start_stream(std::shared_ptr<stream_buffer> buf, sse_options options) {
  if (closed_) {
    if (auto cb = buf->finish()) cb();
    return;
  }
  streaming_ = true;
  sse_ = std::move(buf);
  sse_options_ = options;
  http::response<http::empty_body> head;
  head.version(11);
  head.result(http::status::ok);
  head.set(http::field::server, "frontdesk");
  head.set(http::field::content_type, "text/event-stream");
  head.set(http::field::cache_control, "no-cache");
  head.set("X-Accel-Buffering", "no");
  if (!request_id_.empty()) head.set("X-Request-Id", request_id_);
  head.keep_alive(false);  // the body runs until the connection closes
  std::ostringstream os;
  os << head.base();
  out_ = os.str();
  if (options.retry_ms) out_ += "retry: " + std::to_string(*options.retry_ms) + "\n\n";
  writing_ = true;
  stream_.expires_after(options.write_timeout);
  net::async_write(stream_, net::buffer(out_),
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->writing_ = false;
                     if (ec) return self->close();
                     self->pump_stream();
                   });
  watch_client();
  arm_heartbeat();
}

void connection::pump_stream() {
  if (closed_ || !sse_) return;
  if (writing_) {
    // A client that fell behind is dropped now, not once its stuck write times out.
    if (sse_->aborted()) close();
    return;
  }
  auto t = sse_->take();
  if (t.abort) return close();  // the client fell behind: drop it rather than buffer without bound
  if (t.bytes.empty()) {
    if (!t.open) close();
    return;
  }
  out_ = std::move(t.bytes);
  writing_ = true;
  stream_.expires_after(sse_options_.write_timeout);
  net::async_write(stream_, net::buffer(out_),
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->writing_ = false;
                     if (ec) return self->close();
                     self->pump_stream();
                   });
}

void connection::watch_client() {
  // Anything the client sends on an event stream is ignored; an error or EOF means it left.
  stream_.socket().async_read_some(net::buffer(discard_),
                                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (ec) return self->close();
                                     if (!self->closed_) self->watch_client();
                                   });
}

void connection::arm_heartbeat() {
  if (sse_options_.heartbeat.count() <= 0) return;
  heartbeat_.expires_after(sse_options_.heartbeat);
  heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closed_ || !self->sse_) return;
    auto r = self->sse_->push(format_sse_comment("heartbeat"));
    if (r == stream_buffer::push_result::closed) return;
    self->pump_stream();
    self->arm_heartbeat();
  });
}

void connection::close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
  heartbeat_.cancel();
  if (sse_) {
    if (auto cb = sse_->finish()) cb();
  }
  {
    std::lock_guard lock(srv_->registry_mu);
    srv_->registry.erase(id_);
    srv_->active.fetch_sub(1);
  }
  srv_->drained.notify_all();
}

/// Answers 503 on a connection over the cap, then closes it.
void reject_connection(const std::shared_ptr<server_state>& srv, tcp::socket socket) {
  struct rejected {
    beast::tcp_stream stream;
    http::response<http::string_body> res;
  };
  auto r = std::make_shared<rejected>(rejected{beast::tcp_stream(std::move(socket)), {}});
  r->res.version(11);
  r->res.result(http::status::service_unavailable);
  r->res.set(http::field::content_type, "application/json");
  r->res.set(http::field::retry_after, "1");
  r->res.body() = json_error("too_many_connections", "The server has too many open connections.");
  r->res.keep_alive(false);
  r->res.prepare_payload();
  r->stream.expires_after(srv->options.write_timeout);
  http::async_write(r->stream, r->res, [r](beast::error_code, std::size_t) {
    beast::error_code ec;
    r->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    r->stream.close();
  });
}

}  // namespace

struct http_server::impl {
  std::shared_ptr<server_state> srv;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::strand<net::io_context::executor_type>> accept_strand;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  bool running = false;
  std::mutex stop_mu;

  void accept() {
    acceptor->async_accept(net::make_strand(srv->ioc),
                           [this](beast::error_code ec, tcp::socket socket) {
                             if (ec == net::error::operation_aborted || !acceptor->is_open())
                               return;
                             if (!ec) on_accept(std::move(socket));
                             accept();
                           });
  }

  void on_accept(tcp::socket socket) {
    if (srv->stopping.load()) return;
    std::shared_ptr<connection> conn;
    {
      std::lock_guard lock(srv->registry_mu);
      if (srv->active.load() >= srv->options.max_connections) {
        reject_connection(srv, std::move(socket));
        return;
      }
      auto id = ++srv->next_connection;
      conn = std::make_shared<connection>(srv, std::move(socket), id);
      srv->registry.emplace(id, conn);
      srv->active.fetch_add(1);
    }
    conn->start();
  }

  std::vector<std::shared_ptr<connection>> live() {
    std::vector<std::shared_ptr<connection>> out;
    std::lock_guard lock(srv->registry_mu);
    for (auto& [id, weak] : srv->registry)
      if (auto c = weak.lock()) out.push_back(std::move(c));
    return out;
  }
};

http_server::http_server(http_server_options options, http_handler handler)
    : impl_(std::make_unique<impl>()) {
  if (options.threads == 0) options.threads = 1;
  impl_->srv = std::make_shared<server_state>(std::move(options), std::move(handler));
}

http_server::~http_server() {
  stop(std::chrono::milliseconds(0));
}

expected<void, std::string> http_server::start() {
  auto& s = *impl_;
  if (s.running) return unexpected{std::string("server already started")};
  beast::error_code ec;
  auto address = net::ip::make_address(s.srv->options.address, ec);
  if (ec) return unexpected{"bad listen address '" + s.srv->options.address + "': " + ec.message()};
  tcp::endpoint ep{address, s.srv->options.port};
  s.accept_strand.emplace(net::make_strand(s.srv->ioc));
  s.acceptor.emplace(*s.accept_strand);
  s.acceptor->open(ep.protocol(), ec);
  if (!ec) s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(ep, ec);
  if (!ec) s.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    s.acceptor.reset();
    return unexpected{"cannot listen on " + s.srv->options.address + ":" +
                      std::to_string(s.srv->options.port) + ": " + ec.message()};
  }
  s.port = s.acceptor->local_endpoint().port();
  s.running = true;
  net::dispatch(*s.accept_strand, [&s] { s.accept(); });
  for (std::size_t i = 0; i < s.srv->options.threads; ++i)
    s.threads.emplace_back([srv = s.srv] {
      ::pthread_setname_np(::pthread_self(), "fd-http-server");
      srv->ioc.run();
    });
  return {};
}

std::uint16_t http_server::port() const {
  return impl_->port;
}

std::size_t http_server::active_connections() const {
  return impl_->srv->active.load();
}

void http_server::stop(std::chrono::milliseconds deadline) {
  auto& s = *impl_;
  std::lock_guard stop_lock(s.stop_mu);
  if (!s.running) return;
  s.running = false;
  auto srv = s.srv;
  srv->stopping.store(true);

  // 1. No new connections.
  {
    std::promise<void> closed;
    auto done = closed.get_future();
    net::dispatch(*s.accept_strand, [&s, &closed] {
      beast::error_code ec;
      s.acceptor->close(ec);
      closed.set_value();
    });
    done.wait();
  }
  // 2. Idle connections close now; busy ones after their answer.
  for (auto& c : s.live()) c->request_stop();
  {
    std::unique_lock lock(srv->registry_mu);
    srv->drained.wait_for(lock, deadline, [&] { return srv->active.load() == 0; });
  }
  // 3. Whatever is still open at the deadline is closed.
  for (auto& c : s.live()) c->force_close();
  {
    std::unique_lock lock(srv->registry_mu);
    srv->drained.wait_for(lock, std::chrono::seconds(2), [&] { return srv->active.load() == 0; });
  }
  {
    std::lock_guard lock(srv->post_mu);
    srv->accepting_posts = false;
  }
  srv->ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  // Drain what was queued so no handler holding a connection stays in the queue.
  srv->ioc.restart();
  srv->ioc.poll();
  s.acceptor.reset();
}

}  // namespace frontdesk::io
