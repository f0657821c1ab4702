// Records latencies in a mergeable log-linear histogram (under 1.6 % relative error) so
// percentiles of millions of requests need no per-sample storage.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace frontdesk::bench {

class latency_histogram {
 public:
  static constexpr unsigned sub_bits = 6;  // 64 sub-buckets per power of two
  static constexpr std::uint64_t sub_count = 1u << sub_bits;
  static constexpr unsigned max_bits = 42;  // values (ns) up to about 73 minutes
  static constexpr std::size_t bucket_count = sub_count + (max_bits - sub_bits) * sub_count;

  /// Records one value (nanoseconds); negative values count as 0, huge ones are clamped.
  void record(std::int64_t ns) {
    const std::uint64_t v = ns < 0 ? 0 : static_cast<std::uint64_t>(ns);
    ++counts_[index_of(v)];
    ++count_;
    sum_ += static_cast<double>(v);
    max_ = std::max(max_, v);
  }

  void merge(const latency_histogram& other) {
    for (std::size_t i = 0; i < bucket_count; ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    sum_ += other.sum_;
    max_ = std::max(max_, other.max_);
  }

  std::uint64_t count() const { return count_; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }

  /// The upper bound of the bucket holding the value below which `p` percent of values fall (p
  /// in [0, 100]), never above the largest value recorded (which the clamped last bucket
  /// reports); 0 when empty.
  std::uint64_t percentile(double p) const {
    if (count_ == 0) return 0;
    p = std::clamp(p, 0.0, 100.0);
    auto rank = static_cast<std::uint64_t>(p / 100.0 * static_cast<double>(count_) + 0.999999);
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
      seen += counts_[i];
      if (seen >= rank) return i + 1 == bucket_count ? max_ : std::min(upper_bound_of(i), max_);
    }
    return max_;
  }

  /// Bucket of a value: exact below 64, then 64 buckets per power of two.
  static std::size_t index_of(std::uint64_t v) {
    if (v < sub_count) return static_cast<std::size_t>(v);
    const unsigned msb = static_cast<unsigned>(std::bit_width(v)) - 1;
    if (msb >= max_bits) return bucket_count - 1;
    const unsigned shift = msb - sub_bits;
    return static_cast<std::size_t>(sub_count + shift * sub_count + ((v >> shift) - sub_count));
  }
  static std::uint64_t lower_bound_of(std::size_t i) {
    if (i < sub_count) return i;
    const std::uint64_t shift = (i - sub_count) / sub_count;
    const std::uint64_t sub = (i - sub_count) % sub_count;
    return (sub_count + sub) << shift;
  }
  static std::uint64_t upper_bound_of(std::size_t i) {
    if (i < sub_count) return i;
    const std::uint64_t shift = (i - sub_count) / sub_count;
    return lower_bound_of(i) + (std::uint64_t{1} << shift) - 1;
  }

 private:
  std::vector<std::uint64_t> counts_ = std::vector<std::uint64_t>(bucket_count, 0);
  std::uint64_t count_ = 0;
  double sum_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace frontdesk::bench
