#include "bench/load/load_run.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <ctime>
#include <deque>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "bench/load/webhook_body_template.hpp"
#include "io/webhook_signature.hpp"

namespace frontdesk::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using error_code = boost::system::error_code;

void count_error(load_report& r, const std::string& key, std::string_view sample) {
  ++r.errors[key];
  if (!r.samples.contains(key)) r.samples[key] = std::string(sample.substr(0, 160));
}

/// Read-only setup shared by every worker.
struct shared_setup {
  const load_options* opt = nullptr;
  tcp::endpoint endpoint;
  std::optional<webhook_body_template> body;
  std::string host_header;
  clock_type::time_point start, warm, end, drain_deadline;
};

class worker;

class connection {
 public:
  connection(asio::io_context& ioc, worker& w) : w_(w), stream_(ioc), retry_(ioc) {}

  void connect();
  void send(clock_type::time_point intended);
  void close() {
    error_code ignored;
    retry_.cancel();
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  void on_read(error_code ec);
  void reconnect_later(std::chrono::milliseconds delay);

  worker& w_;
  beast::tcp_stream stream_;
  asio::steady_timer retry_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
  clock_type::time_point intended_;
};

class worker {
 public:
  worker(const shared_setup& s, int index)
      : s_(s),
        o_(*s.opt),
        index_(index),
        start_timer_(ioc_),
        end_timer_(ioc_),
        drain_timer_(ioc_),
        schedule_timer_(ioc_) {
    if (o_.rate > 0) interval_ns_ = 1e9 / o_.rate;
  }

  void run(int connections) {
    for (int i = 0; i < connections; ++i)
      conns_.push_back(std::make_unique<connection>(ioc_, *this));
    for (auto& c : conns_) c->connect();
    start_timer_.expires_at(s_.start);
    start_timer_.async_wait([this](error_code ec) {
      if (ec || phase_ != phase::waiting) return;
      phase_ = phase::running;
      if (o_.rate > 0) {
        schedule();
      } else {
        std::vector<connection*> ready;
        ready.swap(idle_);
        for (connection* c : ready) c->send(clock_type::now());
      }
    });
    end_timer_.expires_at(s_.end);
    end_timer_.async_wait([this](error_code ec) {
      if (ec || phase_ == phase::finished) return;
      phase_ = phase::draining;
      schedule_timer_.cancel();
      check_done();
    });
    drain_timer_.expires_at(s_.drain_deadline);
    drain_timer_.async_wait([this](error_code ec) {
      if (ec || phase_ == phase::finished) return;
      if (in_flight_ > 0) stats.errors["unanswered"] += in_flight_;
      for (auto t : pending_)
        if (t >= s_.warm) ++stats.errors["unsent"];
      pending_.clear();
      finish();
    });
    ioc_.run();
  }

  // --- called by connections ---
  void on_idle(connection& c) {
    if (phase_ == phase::finished) return c.close();
    if (o_.rate > 0) {
      if (!pending_.empty()) {
        const auto t = pending_.front();
        pending_.pop_front();
        return c.send(t);
      }
    } else if (phase_ == phase::running) {
      return c.send(clock_type::now());
    }
    idle_.push_back(&c);
    check_done();
  }

  void on_answer(clock_type::time_point intended, bool success, const std::string& error_key,
                 std::string_view sample) {
    --in_flight_;
    const auto now = clock_type::now();
    const bool in_window = intended >= s_.warm && intended < s_.end;
    if (success) {
      if (now >= s_.warm && now < s_.end) ++stats.ok_completed_in_window;
      if (in_window) {
        ++stats.ok_intended_in_window;
        stats.latency.record(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - intended).count());
      }
    } else if (in_window) {
      count_error(stats, error_key, sample);
    }
  }

  void on_sent() {
    ++in_flight_;
    ++stats.sent;
  }

  void on_connected() { ++stats.connects; }
  void on_connect_failed(const std::string& why) {
    if (phase_ == phase::running) count_error(stats, "connect", why);
  }
  bool finished() const { return phase_ == phase::finished; }

  /// Fills in the next request (unique ids and a fresh signature for webhooks).
  void build(http::request<http::string_body>& req) {
    req = {};
    req.version(11);
    req.target(o_.target.target);
    req.set(http::field::host, s_.host_header);
    req.set(http::field::user_agent, "frontdesk-load-gen");
    req.keep_alive(true);
    if (o_.mode == run_mode::health) {
      req.method(http::verb::get);
      req.prepare_payload();
      return;
    }
    const std::int64_t seq = static_cast<std::int64_t>(local_seq_++) * o_.threads + index_;
    const std::int64_t message_id = o_.message_base + seq;
    const std::int64_t conversation_id = o_.conversation_base + seq % o_.conversations;
    std::string body = s_.body->render(message_id, conversation_id, conversation_id);
    const std::string ts = std::to_string(static_cast<long long>(std::time(nullptr)));
    std::string signed_text;
    signed_text.reserve(ts.size() + 1 + body.size());
    signed_text.append(ts).append(".").append(body);
    req.method(http::verb::post);
    req.set(http::field::content_type, "application/json");
    req.set("X-Chatwoot-Timestamp", ts);
    req.set("X-Chatwoot-Signature", "sha256=" + io::hmac_sha256_hex(o_.secret, signed_text));
    req.set("X-Chatwoot-Delivery", "lg-" + std::to_string(message_id));
    req.body() = std::move(body);
    req.prepare_payload();
  }

  const shared_setup& setup() const { return s_; }
  load_report stats;

 private:
  enum class phase { waiting, running, draining, finished };

  clock_type::time_point intended_at(std::uint64_t k) const {
    const double slot = static_cast<double>(k) * o_.threads + index_;
    return s_.start + std::chrono::nanoseconds(static_cast<std::int64_t>(slot * interval_ns_));
  }

  /// Open loop: queues every request whose time has come, hands them to idle connections, and
  /// sleeps until the next one is due.
  void schedule() {
    if (phase_ != phase::running) return;
    const auto now = clock_type::now();
    for (auto t = intended_at(next_k_); t <= now && t < s_.end; t = intended_at(++next_k_))
      pending_.push_back(t);
    while (!pending_.empty() && !idle_.empty()) {
      connection* c = idle_.back();
      idle_.pop_back();
      const auto t = pending_.front();
      pending_.pop_front();
      c->send(t);
    }
    const auto next = intended_at(next_k_);
    if (next >= s_.end) return;
    schedule_timer_.expires_at(next);
    schedule_timer_.async_wait([this](error_code ec) {
      if (!ec) schedule();
    });
  }

  void check_done() {
    if (phase_ == phase::draining && in_flight_ == 0 && pending_.empty()) finish();
  }

  void finish() {
    phase_ = phase::finished;
    start_timer_.cancel();
    end_timer_.cancel();
    drain_timer_.cancel();
    schedule_timer_.cancel();
    for (auto& c : conns_) c->close();
  }

  const shared_setup& s_;
  const load_options& o_;
  int index_;
  asio::io_context ioc_{1};
  asio::steady_timer start_timer_, end_timer_, drain_timer_, schedule_timer_;
  std::vector<std::unique_ptr<connection>> conns_;
  std::vector<connection*> idle_;
  std::deque<clock_type::time_point> pending_;
  double interval_ns_ = 0;
  std::uint64_t next_k_ = 0;
  std::uint64_t local_seq_ = 0;
  std::uint64_t in_flight_ = 0;
  phase phase_ = phase::waiting;
};

void connection::connect() {
  if (w_.finished()) return;
  stream_.expires_after(std::chrono::seconds(5));
  stream_.async_connect(w_.setup().endpoint, [this](error_code ec) {
    if (w_.finished()) return;
    if (ec) {
      w_.on_connect_failed(ec.message());
      return reconnect_later(std::chrono::milliseconds(100));
    }
    stream_.socket().set_option(tcp::no_delay(true));
    w_.on_connected();
    buffer_.clear();
    w_.on_idle(*this);
  });
}

void connection::reconnect_later(std::chrono::milliseconds delay) {
  error_code ignored;
  stream_.socket().close(ignored);
  retry_.expires_after(delay);
  retry_.async_wait([this](error_code ec) {
    if (!ec) connect();
  });
}

void connection::send(clock_type::time_point intended) {
  intended_ = intended;
  w_.build(req_);
  w_.on_sent();
  stream_.expires_after(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(w_.setup().opt->timeout_s)));
  http::async_write(stream_, req_, [this](error_code ec, std::size_t) {
    if (ec) return on_read(ec);
    res_ = {};
    http::async_read(stream_, buffer_, res_, [this](error_code ec2, std::size_t) { on_read(ec2); });
  });
}

void connection::on_read(error_code ec) {
  if (ec) {
    if (w_.finished()) return;
    const std::string key = ec == beast::error::timeout ? "timeout" : "io: " + ec.message();
    w_.on_answer(intended_, false, key, "");
    return reconnect_later(std::chrono::milliseconds(10));
  }
  const int code = res_.result_int();
  bool success = code == 200;
  std::string key = std::to_string(code);
  if (success && w_.setup().opt->mode == run_mode::webhooks &&
      res_.body().find("\"accepted\":true") == std::string::npos) {
    success = false;
    key = "200 not accepted";
  }
  w_.on_answer(intended_, success, key, res_.body());
  if (!res_.keep_alive()) return reconnect_later(std::chrono::milliseconds(0));
  w_.on_idle(*this);
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

expected<load_report, std::string> run_load(const load_options& o) {
  if (o.connections < 1 || o.threads < 1 || o.duration_s <= 0 || o.conversations < 1)
    return unexpected{
        std::string("connections, threads, duration and conversations must be positive")};
  shared_setup s;
  load_options effective = o;
  effective.threads = std::min(o.threads, o.connections);
  s.host_header = o.target.host + ":" + std::to_string(o.target.port);
  {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    error_code ec;
    auto results = resolver.resolve(o.target.host, std::to_string(o.target.port), ec);
    if (ec || results.empty())
      return unexpected{"cannot resolve " + o.target.host + ": " + ec.message()};
    s.endpoint = results.begin()->endpoint();
  }
  if (o.mode == run_mode::webhooks) {
    if (o.secret.empty()) return unexpected{std::string("webhooks need a secret")};
    auto t = webhook_body_template::from_fixture(o.fixture_json);
    if (!t) return unexpected{"fixture: " + t.error()};
    s.body = std::move(*t);
    if (effective.message_base == 0) {
      const auto ms_now = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      effective.message_base = static_cast<std::int64_t>(ms_now) * 1000;
    }
  }
  s.opt = &effective;

  const auto secs = [](double v) {
    return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(v));
  };
  s.start = clock_type::now() + std::chrono::milliseconds(300);  // connections open first
  s.warm = s.start + secs(o.warmup_s);
  s.end = s.warm + secs(o.duration_s);
  s.drain_deadline = s.end + secs(o.drain_s);

  const double cpu_before = cpu_seconds();
  std::vector<std::unique_ptr<worker>> workers;
  for (int i = 0; i < effective.threads; ++i) workers.push_back(std::make_unique<worker>(s, i));
  std::vector<std::thread> threads;
  for (int i = 0; i < effective.threads; ++i) {
    const int share = effective.connections / effective.threads +
                      (i < effective.connections % effective.threads ? 1 : 0);
    threads.emplace_back([&, i, share] { workers[i]->run(share); });
  }
  for (auto& t : threads) t.join();

  load_report total;
  total.cpu_seconds = cpu_seconds() - cpu_before;
  total.wall_seconds = std::chrono::duration<double>(clock_type::now() - s.start).count();
  total.connections = effective.connections;
  total.threads = effective.threads;
  total.message_base = effective.message_base;
  for (auto& w : workers) {
    total.latency.merge(w->stats.latency);
    total.ok_completed_in_window += w->stats.ok_completed_in_window;
    total.ok_intended_in_window += w->stats.ok_intended_in_window;
    total.sent += w->stats.sent;
    total.connects += w->stats.connects;
    for (auto& [k, v] : w->stats.errors) total.errors[k] += v;
    for (auto& [k, v] : w->stats.samples) total.samples.emplace(k, v);
  }
  return total;
}

}  // namespace frontdesk::bench
