#pragma once
// Counters and latency histograms for /metrics (Prometheus text format). Lock-free
// updates from any thread; rendering takes a snapshot.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>

namespace frontdesk::app {

/// Appends one histogram's `name_bucket{labels,le=..}`, `_sum` and `_count` lines: counts[i]
/// holds the samples up to bounds[i], the one past the last bound those above every bound.
void render_histogram(std::string& out, const std::string& name, const std::string& labels,
                      std::span<const double> bounds, std::span<const std::uint64_t> counts,
                      double sum_seconds);

class latency_histogram {
 public:
  static constexpr std::array<double, 12> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                 0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  void observe(double seconds);
  /// Appends `name_bucket{labels,le=..}`, `_sum` and `_count` lines.
  void render(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_micros_{0};
};

/// Named counters and histograms, created on first use.
class http_metrics {
 public:
  void count(const std::string& series, std::uint64_t n = 1);
  void observe(const std::string& route, double seconds);
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::atomic<std::uint64_t>> counters_;
  std::map<std::string, latency_histogram> histograms_;
};

}  // namespace frontdesk::app
