#include "io/http_client.hpp"

#include <pthread.h>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <cerrno>
#include <deque>
#include <future>
#include <thread>
#include <unordered_map>

#include "io/url.hpp"

namespace frontdesk::io {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;

std::string_view to_string(http_method m) noexcept {
  switch (m) {
    case http_method::get:
      return "GET";
    case http_method::post:
      return "POST";
    case http_method::put:
      return "PUT";
    case http_method::patch:
      return "PATCH";
    case http_method::delete_:
      return "DELETE";
    case http_method::head:
      return "HEAD";
  }
  return "GET";
}

std::string_view to_string(client_error_kind k) noexcept {
  switch (k) {
    case client_error_kind::invalid_request:
      return "invalid_request";
    case client_error_kind::connect_failed:
      return "connect_failed";
    case client_error_kind::tls_failed:
      return "tls_failed";
    case client_error_kind::timeout:
      return "timeout";
    case client_error_kind::reset_before_response:
      return "reset_before_response";
    case client_error_kind::bad_response:
      return "bad_response";
    case client_error_kind::shutting_down:
      return "shutting_down";
  }
  return "connect_failed";
}

std::optional<std::string_view> find_header(const header_list& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(k[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return std::string_view{v};
  }
  return std::nullopt;
}

namespace {

http::verb to_verb(http_method m) {
  switch (m) {
    case http_method::get:
      return http::verb::get;
    case http_method::post:
      return http::verb::post;
    case http_method::put:
      return http::verb::put;
    case http_method::patch:
      return http::verb::patch;
    case http_method::delete_:
      return http::verb::delete_;
    case http_method::head:
      return http::verb::head;
  }
  return http::verb::get;
}

bool idempotent(http_method m) {
  return m != http_method::post && m != http_method::patch;
}

// A transport connection, plain or TLS, plus its read buffer.
struct connection {
  std::string key;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  steady::time_point idle_since{};

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  void close() {
    beast::error_code ec;
    lowest().socket().close(ec);
  }
  // A pooled connection the peer has closed (or that holds unexpected bytes) is unusable.
  bool looks_alive() {
    auto& sock = lowest().socket();
    if (!sock.is_open()) return false;
    char c = 0;
    const auto n = ::recv(sock.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return false;
    if (n > 0) return tls != nullptr;  // TLS may carry session tickets; plain HTTP must not
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
};

bool connection_dropped(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::connection_aborted || ec == ssl::error::stream_truncated;
}

}  // namespace

struct http_client::impl : std::enable_shared_from_this<http_client::impl> {
  struct operation;

  explicit impl(http_client_options o)
      : options(std::move(o)), ssl_ctx(ssl::context::tls_client), work(net::make_work_guard(ioc)) {
    beast::error_code ec;
    ssl_ctx.set_default_verify_paths(ec);
    if (!options.extra_ca_file.empty()) {
      ssl_ctx.load_verify_file(options.extra_ca_file, ec);
      if (ec) ca_error = "cannot load CA file " + options.extra_ca_file + ": " + ec.message();
    }
    if (!options.extra_ca_pem.empty()) {
      ssl_ctx.add_certificate_authority(
          net::buffer(options.extra_ca_pem.data(), options.extra_ca_pem.size()), ec);
      if (ec) ca_error = "cannot load CA PEM: " + ec.message();
    }
    ssl_ctx.set_verify_mode(options.verify_peer ? ssl::verify_peer : ssl::verify_none);
    thread = std::thread([this] {
      ::pthread_setname_np(::pthread_self(), "fd-http-client");
      ioc.run();
    });
  }

  void start(client_request req, callback cb);
  void shutdown();
  std::shared_ptr<connection> take_idle(const std::string& key);
  // Connection slots per origin: held by an operation (with or without a socket yet) or by an
  // idle pooled connection. Returning or freeing one serves the oldest waiting operation.
  bool try_reserve(const std::string& key);
  void release(const std::string& key);
  void give_back(std::shared_ptr<connection> conn);
  std::shared_ptr<operation> next_waiter(const std::string& key);

  http_client_options options;
  net::io_context ioc;
  ssl::context ssl_ctx;
  net::executor_work_guard<net::io_context::executor_type> work;
  std::thread thread;
  std::string ca_error;
  bool stopping = false;  // io thread only
  std::unordered_map<std::string, std::vector<std::shared_ptr<connection>>> idle;
  std::unordered_map<operation*, std::weak_ptr<operation>> active;
  std::unordered_map<std::string, std::size_t> open_count;
  std::unordered_map<std::string, std::deque<std::shared_ptr<operation>>> waiting;
  std::atomic<std::uint64_t> n_requests{0}, n_opened{0}, n_reused{0}, n_failures{0};
};

struct http_client::impl::operation : std::enable_shared_from_this<operation> {
  operation(std::shared_ptr<impl> o, client_request r, parsed_url u, callback c)
      : owner(std::move(o)),
        in(std::move(r)),
        url(std::move(u)),
        cb(std::move(c)),
        deadline(steady::now() + in.timeout),
        resolver(owner->ioc) {}

  std::shared_ptr<impl> owner;
  client_request in;
  parsed_url url;
  callback cb;
  steady::time_point deadline;
  tcp::resolver resolver;
  http::request<http::string_body> req;
  std::optional<http::response_parser<http::string_body>> parser;
  std::shared_ptr<connection> conn;
  std::string key;
  std::optional<net::steady_timer> queue_timer;
  bool holds_slot = false;
  bool queued = false;
  bool reused = false;
  bool write_started = false;
  bool stale_retry_done = false;
  bool finished = false;

  void begin() {
    build_request();
    key = url.origin();
    if (auto c = owner->take_idle(key)) return use_pooled(std::move(c));
    if (owner->try_reserve(key)) {
      holds_slot = true;
      return open();
    }
    // Every slot for this origin is busy: wait for one, but not past our deadline.
    queued = true;
    owner->waiting[key].push_back(shared_from_this());
    queue_timer.emplace(owner->ioc);
    queue_timer->expires_at(deadline);
    auto self = shared_from_this();
    queue_timer->async_wait([self](beast::error_code ec) {
      if (ec || !self->queued) return;
      self->queued = false;
      auto& q = self->owner->waiting[self->key];
      q.erase(std::remove(q.begin(), q.end(), self), q.end());
      self->fail(client_error_kind::timeout, false, "no connection slot before the deadline");
    });
  }

  // Called when this operation leaves the wait queue with a slot (and maybe a connection).
  void dequeued() {
    queued = false;
    if (queue_timer) queue_timer->cancel();
    holds_slot = true;
  }

  void use_pooled(std::shared_ptr<connection> c) {
    conn = std::move(c);
    holds_slot = true;
    reused = true;
    ++owner->n_reused;
    write();
  }

  void build_request() {
    req = {};
    req.method(to_verb(in.method));
    req.target(url.target);
    req.version(11);
    const bool default_port = url.port == (url.tls ? 443 : 80);
    std::string host = url.host.find(':') != std::string::npos ? '[' + url.host + ']' : url.host;
    if (!default_port) host += ':' + std::to_string(url.port);
    req.set(http::field::host, host);
    req.set(http::field::user_agent, owner->options.user_agent);
    for (const auto& [k, v] : in.headers) req.set(k, v);
    req.body() = in.body;
    req.keep_alive(true);
    req.prepare_payload();
  }

  void open() {
    if (owner->stopping) return fail(client_error_kind::shutting_down, false, "client stopping");
    reused = false;
    auto self = shared_from_this();
    resolver.async_resolve(url.host, std::to_string(url.port),
                           [self](beast::error_code ec, tcp::resolver::results_type results) {
                             self->on_resolve(ec, std::move(results));
                           });
  }

  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return fail_connect(ec, client_error_kind::connect_failed, "resolve");
    if (steady::now() >= deadline) {
      return fail(client_error_kind::timeout, false, "deadline passed while resolving");
    }
    conn = std::make_shared<connection>();
    conn->key = url.origin();
    if (url.tls) {
      conn->tls =
          std::make_unique<beast::ssl_stream<beast::tcp_stream>>(owner->ioc, owner->ssl_ctx);
    } else {
      conn->plain = std::make_unique<beast::tcp_stream>(owner->ioc);
    }
    const auto connect_deadline =
        std::min(deadline, steady::now() + owner->options.connect_timeout);
    conn->lowest().expires_at(connect_deadline);
    auto self = shared_from_this();
    conn->lowest().async_connect(
        results, [self](beast::error_code e, const tcp::endpoint&) { self->on_connect(e); });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail_connect(ec, client_error_kind::connect_failed, "connect");
    ++owner->n_opened;
    if (!url.tls) return write();
    if (!owner->ca_error.empty())
      return fail(client_error_kind::tls_failed, false, owner->ca_error);
    auto& stream = *conn->tls;
    beast::error_code addr_ec;
    net::ip::make_address(url.host, addr_ec);
    if (addr_ec) {  // SNI only for names, never for IP literals
      if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
        return fail(client_error_kind::tls_failed, false, "cannot set SNI");
      }
    }
    if (owner->options.verify_peer)
      stream.set_verify_callback(ssl::host_name_verification(url.host));
    conn->lowest().expires_at(std::min(deadline, steady::now() + owner->options.connect_timeout));
    auto self = shared_from_this();
    stream.async_handshake(ssl::stream_base::client,
                           [self](beast::error_code e) { self->on_handshake(e); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail_connect(ec, client_error_kind::tls_failed, "TLS handshake");
    write();
  }

  template <class F>
  void with_stream(F&& f) {
    if (conn->tls) {
      f(*conn->tls);
    } else {
      f(*conn->plain);
    }
  }

  void write() {
    if (owner->stopping) return fail(client_error_kind::shutting_down, false, "client stopping");
    conn->lowest().expires_at(deadline);
    write_started = true;
    auto self = shared_from_this();
    with_stream([&](auto& stream) {
      http::async_write(stream, req,
                        [self](beast::error_code ec, std::size_t) { self->on_write(ec); });
    });
  }

  void on_write(beast::error_code ec) {
    if (ec) return fail_io(ec, "write");
    parser.emplace();
    parser->body_limit(owner->options.max_response_bytes);
    parser->header_limit(64 * 1024);
    if (in.method == http_method::head) parser->skip(true);
    auto self = shared_from_this();
    with_stream([&](auto& stream) {
      http::async_read(stream, conn->buffer, *parser,
                       [self](beast::error_code e, std::size_t) { self->on_read(e); });
    });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail_io(ec, "read");
    auto& msg = parser->get();
    http_result out;
    out.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) {
      out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    out.body = std::move(msg.body());
    out.reused_connection = reused;
    holds_slot = false;
    if (msg.keep_alive() && !owner->stopping) {
      owner->give_back(std::move(conn));
    } else {
      conn->close();
      owner->release(key);
    }
    conn.reset();
    complete(std::move(out));
  }

  void fail_connect(beast::error_code ec, client_error_kind kind, std::string_view stage) {
    if (owner->stopping) return fail(client_error_kind::shutting_down, false, "client stopping");
    if (ec == beast::error::timeout) {
      return fail(client_error_kind::timeout, false, std::string(stage) + " timed out");
    }
    fail(kind, false, std::string(stage) + ": " + ec.message());
  }

  void fail_io(beast::error_code ec, std::string_view stage) {
    const bool got_response_bytes = parser && parser->got_some();
    if (conn) conn->close();
    if (owner->stopping) return fail(client_error_kind::shutting_down, true, "client stopping");
    // A pooled connection the server closed while idle: nothing reached the application.
    if (reused && !got_response_bytes && connection_dropped(ec) && idempotent(in.method) &&
        !stale_retry_done && steady::now() < deadline) {
      stale_retry_done = true;
      conn.reset();
      parser.reset();
      write_started = false;
      return open();
    }
    if (ec == beast::error::timeout) {
      return fail(client_error_kind::timeout, true, std::string(stage) + " timed out");
    }
    if (connection_dropped(ec) || ec == net::error::operation_aborted) {
      return fail(
          client_error_kind::reset_before_response, true,
          std::string(stage) + ": connection closed before a full response (" + ec.message() + ")");
    }
    if (ec.category() == http::make_error_code(http::error::body_limit).category() &&
        ec != http::error::partial_message) {
      return fail(client_error_kind::bad_response, true, std::string(stage) + ": " + ec.message());
    }
    fail(client_error_kind::reset_before_response, true, std::string(stage) + ": " + ec.message());
  }

  void fail(client_error_kind kind, bool ambiguous, std::string message) {
    if (conn) conn->close();
    conn.reset();
    if (holds_slot) {
      holds_slot = false;
      owner->release(key);
    }
    ++owner->n_failures;
    complete(
        frontdesk::unexpected{client_error{kind, ambiguous && write_started, std::move(message)}});
  }

  void complete(client_outcome outcome) {
    if (finished) return;
    finished = true;
    owner->active.erase(this);
    auto c = std::move(cb);
    try {
      if (c) c(std::move(outcome));
    } catch (...) {  // a throwing callback must not take the I/O thread down
    }
  }

  void cancel() {
    resolver.cancel();
    if (queue_timer) queue_timer->cancel();
    if (conn) conn->close();
  }
};

std::shared_ptr<connection> http_client::impl::take_idle(const std::string& key) {
  auto it = idle.find(key);
  if (it == idle.end()) return nullptr;
  auto& list = it->second;
  const auto now = steady::now();
  while (!list.empty()) {
    auto c = std::move(list.back());
    list.pop_back();
    if (now - c->idle_since < options.idle_timeout && c->looks_alive()) return c;
    c->close();
    release(key);
  }
  return nullptr;
}

bool http_client::impl::try_reserve(const std::string& key) {
  auto& n = open_count[key];
  if (options.max_connections_per_host != 0 && n >= options.max_connections_per_host) {
    return false;
  }
  ++n;
  return true;
}

std::shared_ptr<http_client::impl::operation> http_client::impl::next_waiter(
    const std::string& key) {
  auto it = waiting.find(key);
  if (it == waiting.end()) return nullptr;
  while (!it->second.empty()) {
    auto w = std::move(it->second.front());
    it->second.pop_front();
    if (w->queued) return w;
  }
  return nullptr;
}

void http_client::impl::release(const std::string& key) {
  auto& n = open_count[key];
  if (n > 0) --n;
  if (auto w = next_waiter(key)) {
    ++n;
    w->dequeued();
    w->open();
  }
}

void http_client::impl::give_back(std::shared_ptr<connection> conn) {
  if (auto w = next_waiter(conn->key)) {  // hand it straight to the oldest waiter
    w->dequeued();
    w->holds_slot = false;  // use_pooled takes the slot the connection carries
    return w->use_pooled(std::move(conn));
  }
  auto& list = idle[conn->key];
  const std::size_t keep =
      options.max_idle_per_host != 0 ? options.max_idle_per_host : options.max_connections_per_host;
  if (keep != 0 && list.size() >= keep) {
    conn->close();
    release(conn->key);
    return;
  }
  conn->lowest().expires_never();
  conn->idle_since = steady::now();
  list.push_back(std::move(conn));
}

void http_client::impl::start(client_request req, callback cb) {
  ++n_requests;
  auto fail_now = [&](client_error_kind kind, std::string msg) {
    ++n_failures;
    try {
      if (cb) cb(frontdesk::unexpected{client_error{kind, false, std::move(msg)}});
    } catch (...) {
    }
  };
  if (stopping) return fail_now(client_error_kind::shutting_down, "client stopping");
  auto url = parse_url(req.url);
  if (!url) return fail_now(client_error_kind::invalid_request, "invalid URL");
  for (const auto& [k, v] : req.headers) {
    for (char c : k + v) {
      if (c == '\r' || c == '\n' || c == '\0') {
        return fail_now(client_error_kind::invalid_request, "control character in header");
      }
    }
  }
  auto op = std::make_shared<operation>(shared_from_this(), std::move(req), std::move(*url),
                                        std::move(cb));
  active[op.get()] = op;
  op->begin();
}

void http_client::impl::shutdown() {
  stopping = true;
  std::vector<std::shared_ptr<operation>> queued_ops;
  for (auto& [key, q] : waiting) {
    for (auto& w : q) {
      if (w->queued) queued_ops.push_back(w);
    }
  }
  waiting.clear();
  for (auto& w : queued_ops) {
    w->queued = false;
    if (w->queue_timer) w->queue_timer->cancel();
    w->fail(client_error_kind::shutting_down, false, "client stopping");
  }
  for (auto& [key, list] : idle) {
    for (auto& c : list) c->close();
  }
  idle.clear();
  auto ops = active;
  for (auto& [ptr, weak] : ops) {
    if (auto op = weak.lock()) op->cancel();
  }
}

http_client::http_client(http_client_options options)
    : impl_(std::make_shared<impl>(std::move(options))) {}

http_client::~http_client() {
  auto self = impl_;
  net::post(impl_->ioc, [self] { self->shutdown(); });
  impl_->work.reset();
  if (impl_->thread.joinable()) impl_->thread.join();
  // Operations hold the impl; the thread has drained them all, so nothing outlives this.
}

void http_client::request(client_request req, callback cb) {
  auto self = impl_;
  net::post(impl_->ioc, [self, r = std::move(req), c = std::move(cb)]() mutable {
    self->start(std::move(r), std::move(c));
  });
}

client_outcome http_client::send(client_request req) {
  if (impl_->ioc.get_executor().running_in_this_thread()) {
    return frontdesk::unexpected{client_error{client_error_kind::invalid_request, false,
                                              "send() called on the client's own thread"}};
  }
  auto promise = std::make_shared<std::promise<client_outcome>>();
  auto future = promise->get_future();
  request(std::move(req), [promise](client_outcome o) { promise->set_value(std::move(o)); });
  return future.get();
}

http_client_stats http_client::stats() const {
  http_client_stats s;
  s.requests = impl_->n_requests.load();
  s.connections_opened = impl_->n_opened.load();
  s.connections_reused = impl_->n_reused.load();
  s.failures = impl_->n_failures.load();
  return s;
}

}  // namespace frontdesk::io
