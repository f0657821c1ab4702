// Durable appends per second through the store, one transaction per append versus group commit,
// with many concurrent producers; reports throughput and wait-for-commit percentiles.
//
//   store_bench [--backend sqlite|postgresql|both] [--mode single|grouped|both|writer]
//               [--threads 64] [--seconds 3] [--max-batch 512] [--max-delay-us 0]
//               [--sqlite-sync normal|full] [--pg URI] (default: $FRONTDESK_TEST_PG)
//               [--pg-writers 1] [--batch 64]
//
// One append = one change set with an inbound event, a conversation upsert and a trace row, the
// shape of an accepted webhook. "single": every producer calls store::apply itself.
// "grouped": every producer submits to one commit_queue and waits for its callback.
// "writer": no producers; one thread applies ready-made batches of --batch sets (one per
// simulated producer, as the queue would gather them) back to back: the cost of the write path
// alone, as CPU time of that thread per append.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "persistence/commit_queue.hpp"
#include "persistence/store.hpp"

namespace fp = frontdesk::persistence;
using clock_type = std::chrono::steady_clock;

namespace {

struct settings {
  std::string backend = "both";
  std::string mode = "both";
  int threads = 64;
  double seconds = 3;
  std::size_t max_batch = 512;
  long max_delay_us = 0;
  std::size_t pg_writers = 1;
  std::size_t batch = 64;
  std::string sqlite_sync = "normal";
  std::string pg_uri;
};

struct outcome {
  double appends_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  std::uint64_t appends = 0;
  std::uint64_t errors = 0;
  double mean_batch = 1;
  double writer_busy = 0;  // fraction of the run the writer spent in store::apply
  double cpu_us_per_append = 0;
  double writer_cpu_us_per_append = 0;  // the commit thread only (grouped)  // this process's
                                        // user+system CPU (not the PostgreSQL server's)
};

double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

fp::change_set make_append(int thread, std::uint64_t i) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const std::int64_t conversation =
      static_cast<std::int64_t>(thread) * 1000 + static_cast<std::int64_t>(i % 50);
  fp::change_set set;
  fp::inbound_event e;
  e.delivery_id = "d:" + std::to_string(thread) + ":" + std::to_string(i);
  e.dedupe_key = "message_created:" + std::to_string(thread) + ":" + std::to_string(i);
  e.event = "message_created";
  e.conversation_id = conversation;
  e.received_at = now;
  e.body = R"({"event":"message_created","content":"Where is my order #1234? It was due Monday."})";
  set.inbound = std::move(e);
  fp::conversation_row c;
  c.id = conversation;
  c.contact_id = thread;
  c.channel = "email";
  c.state = "received";
  c.priority = "P2";
  c.draft_version = static_cast<std::int64_t>(i);
  c.updated_at = now;
  c.snapshot = R"({"state":"received","draft_version":)" + std::to_string(i) + "}";
  set.conversation = std::move(c);
  fp::trace_row t;
  t.conversation_id = conversation;
  t.at = now;
  t.from_state = "sent";
  t.to_state = "received";
  t.event = "customer_message";
  t.cause = "webhook";
  t.actor = "chatwoot";
  t.detail = "{}";
  set.traces.push_back(std::move(t));
  return set;
}

double percentile(std::vector<double>& v, double p);

double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

/// Batches applied back to back from one thread; the sets are built before the clock starts.
outcome run_writer(const std::shared_ptr<fp::store>& store, const settings& s) {
  const auto duration = std::chrono::duration<double>(s.seconds);
  const auto producers = static_cast<int>(s.batch);
  std::vector<double> latencies;
  std::uint64_t appends = 0;
  std::uint64_t errors = 0;
  double cpu = 0;
  const auto began = clock_type::now();
  for (std::uint64_t round = 0; clock_type::now() - began < duration; ++round) {
    std::vector<fp::change_set> batch;
    batch.reserve(s.batch);
    for (int t = 0; t < producers; ++t) batch.push_back(make_append(t, round));
    const double cpu_before = thread_cpu_seconds();
    const auto start = clock_type::now();
    const auto r = store->apply(batch);
    latencies.push_back(
        std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
    cpu += thread_cpu_seconds() - cpu_before;
    if (r) {
      appends += batch.size();
    } else {
      ++errors;
    }
  }
  const double elapsed = std::chrono::duration<double>(clock_type::now() - began).count();
  outcome out;
  out.appends = appends;
  out.errors = errors;
  out.mean_batch = static_cast<double>(s.batch);
  out.appends_per_second = static_cast<double>(appends) / elapsed;
  out.writer_cpu_us_per_append = appends == 0 ? 0 : cpu * 1e6 / static_cast<double>(appends);
  out.cpu_us_per_append = out.writer_cpu_us_per_append;
  out.p50_us = percentile(latencies, 0.50);  // per batch here
  out.p99_us = percentile(latencies, 0.99);
  return out;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

outcome run(const std::shared_ptr<fp::store>& store, const settings& s, bool grouped,
            std::size_t writers) {
  std::unique_ptr<fp::commit_queue> queue;
  if (grouped) {
    fp::commit_queue_options options;
    options.max_batch = s.max_batch;
    options.max_delay = std::chrono::microseconds(s.max_delay_us);
    options.writers = writers;
    queue = std::make_unique<fp::commit_queue>(store, options);
  }
  std::atomic<bool> go{false};
  std::atomic<std::uint64_t> errors{0};
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(s.threads));
  const auto duration =
      std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s.seconds));
  clock_type::time_point deadline;
  std::vector<std::thread> producers;
  for (int t = 0; t < s.threads; ++t) {
    producers.emplace_back([&, t] {
      auto& mine = latencies[static_cast<std::size_t>(t)];
      mine.reserve(100000);
      std::mutex m;
      std::condition_variable cv;
      while (!go.load()) std::this_thread::yield();
      for (std::uint64_t i = 0; clock_type::now() < deadline; ++i) {
        auto set = make_append(t, i);
        const auto start = clock_type::now();
        bool ok = false;
        if (queue) {
          bool done = false;
          queue->submit(std::move(set), [&](fp::result<fp::apply_result> r) {
            std::lock_guard lock(m);
            ok = r.has_value();
            done = true;
            cv.notify_one();
          });
          std::unique_lock lock(m);
          cv.wait(lock, [&] { return done; });
        } else {
          ok = store->apply({set}).has_value();
        }
        if (!ok) {
          ++errors;
          continue;
        }
        mine.push_back(
            std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
      }
    });
  }
  const double cpu_before = process_cpu_seconds();
  const auto began = clock_type::now();
  deadline = began + duration;
  go = true;
  for (auto& p : producers) p.join();
  const double elapsed = std::chrono::duration<double>(clock_type::now() - began).count();
  const double cpu = process_cpu_seconds() - cpu_before;
  outcome out;
  std::vector<double> all;
  for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  out.appends = all.size();
  out.errors = errors.load();
  out.appends_per_second = static_cast<double>(all.size()) / elapsed;
  out.cpu_us_per_append = all.empty() ? 0 : cpu * 1e6 / static_cast<double>(all.size());
  out.p50_us = percentile(all, 0.50);
  out.p99_us = percentile(all, 0.99);
  if (queue) {
    const auto st = queue->stats();
    queue->stop();
    out.writer_busy = std::chrono::duration<double>(st.busy).count() / elapsed;
    out.writer_cpu_us_per_append =
        st.committed_sets == 0 ? 0
                               : std::chrono::duration<double, std::micro>(st.writer_cpu).count() /
                                     static_cast<double>(st.committed_sets);
    out.mean_batch = st.transactions == 0 ? 0
                                          : static_cast<double>(st.committed_sets) /
                                                static_cast<double>(st.transactions);
  }
  return out;
}

void report(const char* backend, const char* mode, const settings& s, const outcome& o) {
  std::printf(
      "%-10s %-8s threads=%-3d appends/s=%9.0f  p50=%8.0f us  p99=%8.0f us  "
      "mean_batch=%6.1f  writer_busy=%4.0f%%  cpu/append=%5.1f us (writer %4.1f us)  appends=%llu "
      "errors=%llu\n",
      backend, mode, s.threads, o.appends_per_second, o.p50_us, o.p99_us, o.mean_batch,
      o.writer_busy * 100, o.cpu_us_per_append, o.writer_cpu_us_per_append,
      static_cast<unsigned long long>(o.appends), static_cast<unsigned long long>(o.errors));
  std::fflush(stdout);
}

std::shared_ptr<fp::store> open_migrated(const std::string& uri, const fp::store_options& o) {
  auto opened = fp::open_store(uri, o);
  if (!opened) {
    std::fprintf(stderr, "store_bench: %s\n", opened.error().message.c_str());
    return nullptr;
  }
  std::shared_ptr<fp::store> s = std::move(opened.value());
  if (auto m = s->migrate(); !m) {
    std::fprintf(stderr, "store_bench: migrate: %s\n", m.error().message.c_str());
    return nullptr;
  }
  return s;
}

outcome run_mode(const std::shared_ptr<fp::store>& store, const settings& s, bool grouped,
                 std::size_t writers) {
  if (s.mode == "writer") return run_writer(store, s);
  return run(store, s, grouped, writers);
}

const char* mode_name(const settings& s, bool grouped) {
  if (s.mode == "writer") return "writer";
  return grouped ? "grouped" : "single";
}

void bench_backend(const std::string& backend, const settings& s) {
  for (const bool grouped : {false, true}) {
    if (s.mode == "writer" && !grouped) continue;
    if (s.mode == "single" && grouped) continue;
    if (s.mode == "grouped" && !grouped) continue;
    if (backend == "sqlite") {
      const auto dir = std::filesystem::temp_directory_path() /
                       ("fd_store_bench_" + std::to_string(std::random_device{}()));
      std::filesystem::create_directories(dir);
      {
        fp::store_options o;
        o.sqlite_synchronous = s.sqlite_sync;
        auto store = open_migrated("sqlite:" + (dir / "bench.db").string(), o);
        if (store)
          report(("sqlite/" + s.sqlite_sync).c_str(), mode_name(s, grouped), s,
                 run_mode(store, s, grouped, 1));
      }
      std::filesystem::remove_all(dir);
    } else {
      if (s.pg_uri.empty()) {
        std::fprintf(stderr, "store_bench: no PostgreSQL URI (--pg or FRONTDESK_TEST_PG)\n");
        return;
      }
      const std::string schema = "fd_bench_" + std::to_string(std::random_device{}() % 1000000);
      {
        pqxx::connection c(s.pg_uri);
        pqxx::nontransaction tx(c);
        tx.exec("CREATE SCHEMA " + schema);
      }
      {
        fp::store_options o;
        o.pool_size = 8;
        auto store =
            open_migrated(s.pg_uri + (s.pg_uri.find('?') == std::string::npos ? "?" : "&") +
                              "options=-csearch_path%3D" + schema,
                          o);
        if (store)
          report("postgresql", mode_name(s, grouped), s, run_mode(store, s, grouped, s.pg_writers));
      }
      pqxx::connection c(s.pg_uri);
      pqxx::nontransaction tx(c);
      tx.exec("SET client_min_messages = warning");
      tx.exec("DROP SCHEMA " + schema + " CASCADE");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  if (const char* pg = std::getenv("FRONTDESK_TEST_PG")) s.pg_uri = pg;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--backend")
      s.backend = value;
    else if (key == "--mode")
      s.mode = value;
    else if (key == "--threads")
      s.threads = std::max(1, std::atoi(value.c_str()));
    else if (key == "--seconds")
      s.seconds = std::atof(value.c_str());
    else if (key == "--max-batch")
      s.max_batch = static_cast<std::size_t>(std::atol(value.c_str()));
    else if (key == "--max-delay-us")
      s.max_delay_us = std::atol(value.c_str());
    else if (key == "--sqlite-sync")
      s.sqlite_sync = value;
    else if (key == "--pg")
      s.pg_uri = value;
    else if (key == "--batch")
      s.batch = static_cast<std::size_t>(std::max(1, std::atoi(value.c_str())));
    else if (key == "--pg-writers")
      s.pg_writers = static_cast<std::size_t>(std::max(1, std::atoi(value.c_str())));
    else {
      std::fprintf(stderr, "store_bench: unknown option %s\n", key.c_str());
      return 2;
    }
  }
  try {
    if (s.backend == "sqlite" || s.backend == "both") bench_backend("sqlite", s);
    if (s.backend == "postgresql" || s.backend == "both") bench_backend("postgresql", s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
