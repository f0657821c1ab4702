#include "bench/harness/traffic_model.hpp"

#include <algorithm>
#include <cmath>

#include "bench/harness/message_templates.hpp"

namespace frontdesk::bench {
namespace {

/// splitmix64-seeded xoshiro-like generator with hand-written distributions, so a plan depends
/// on nothing but the seed (std distributions differ between standard libraries).
class plan_rng {
 public:
  explicit plan_rng(std::uint64_t seed) : state_(seed ^ 0x9E3779B97F4A7C15ull) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }

 private:
  std::uint64_t state_;
};

constexpr double ns_per_s = 1e9;

}  // namespace

const std::array<double, 24>& hourly_profile() {
  // A support inbox: quiet at night, a morning ramp, a peak late morning, a second one after
  // lunch, an evening tail.
  static const std::array<double, 24> profile{0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4,  0.8,
                                              1.4,  1.9, 2.2,  2.1,  1.7, 1.9, 2.0,  1.8,
                                              1.5,  1.2, 1.0,  0.9,  0.7, 0.5, 0.35, 0.2};
  return profile;
}

traffic_plan make_traffic_plan(const traffic_spec& spec, std::uint64_t seed) {
  plan_rng rng(seed);
  traffic_plan plan;

  // Intents by weight, in the fixed order of all_intents().
  const auto intents = all_intents();
  std::vector<double> cumulative;
  double total = 0;
  for (const auto& in : intents) {
    auto it = spec.mix.find(std::string(in.name));
    total += it == spec.mix.end() ? 0.0 : it->second;
    cumulative.push_back(total);
  }
  auto pick_intent = [&]() -> std::uint8_t {
    if (total <= 0) return 0;
    const double u = rng.uniform() * total;
    for (std::size_t i = 0; i < cumulative.size(); ++i) {
      if (u < cumulative[i]) return static_cast<std::uint8_t>(i);
    }
    return static_cast<std::uint8_t>(cumulative.size() - 1);
  };

  const auto& profile = hourly_profile();
  double profile_mean = 0, profile_max = 0;
  for (double w : profile) {
    profile_mean += w / 24.0;
    profile_max = std::max(profile_max, w);
  }

  const auto n = static_cast<std::size_t>(spec.conversations);
  const std::int64_t span = spec.messages_max - spec.messages_min + 1;
  plan.deliveries.reserve(n * static_cast<std::size_t>(spec.messages_min + spec.messages_max) / 2 +
                          16);
  double t = 0;  // seconds: start of the current conversation
  for (std::size_t c = 0; c < n; ++c) {
    if (c > 0) {
      switch (spec.arrival) {
        case arrival_kind::constant:
          t += 1.0 / spec.rate;
          break;
        case arrival_kind::poisson:
          t += rng.exponential(1.0 / spec.rate);
          break;
        case arrival_kind::replay: {
          // Thinning: candidates at the peak rate, kept with probability rate(t) / peak.
          const double peak = spec.rate * profile_max / profile_mean;
          for (int guard = 0; guard < 100000; ++guard) {
            t += rng.exponential(1.0 / peak);
            const double day_pos = std::fmod(t, spec.day_s) / spec.day_s;
            const auto hour = std::min<std::size_t>(23, static_cast<std::size_t>(day_pos * 24));
            if (rng.uniform() * profile_max < profile[hour]) break;
          }
          break;
        }
      }
    }
    const auto count = static_cast<int>(
        spec.messages_min + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(span))));
    double at = t;
    const std::size_t first = plan.deliveries.size();
    for (int m = 0; m < count; ++m) {
      if (m > 0) at += rng.exponential(spec.message_gap_ms / 1000.0);
      planned_delivery d;
      d.due_ns = static_cast<std::int64_t>(at * ns_per_s);
      d.conversation = static_cast<std::uint32_t>(c);
      d.seq = static_cast<std::uint16_t>(m);
      d.intent = pick_intent();
      d.variant = static_cast<std::uint8_t>(rng.below(256));
      plan.deliveries.push_back(d);
      ++plan.messages;
    }
    // Out of order: a follow-up overtakes the message before it (their due times swap).
    for (std::size_t i = first + 1; i < plan.deliveries.size(); ++i) {
      if (rng.uniform() < spec.out_of_order_rate) {
        std::swap(plan.deliveries[i - 1].due_ns, plan.deliveries[i].due_ns);
        ++plan.reordered;
      }
    }
    // Duplicates: the same delivery again, up to half a second later.
    const std::size_t last = plan.deliveries.size();
    for (std::size_t i = first; i < last; ++i) {
      if (rng.uniform() < spec.duplicate_rate) {
        planned_delivery d = plan.deliveries[i];
        d.duplicate = true;
        d.due_ns += static_cast<std::int64_t>(rng.uniform() * 0.5 * ns_per_s);
        plan.deliveries.push_back(d);
        ++plan.duplicates;
      }
    }
  }
  std::stable_sort(
      plan.deliveries.begin(), plan.deliveries.end(),
      [](const planned_delivery& a, const planned_delivery& b) { return a.due_ns < b.due_ns; });
  plan.span_ns = plan.deliveries.empty() ? 0 : plan.deliveries.back().due_ns;
  return plan;
}

message_numbering number_messages(const traffic_plan& plan, std::size_t conversations) {
  std::vector<std::uint32_t> count(conversations, 0);
  for (const auto& d : plan.deliveries) {
    if (d.conversation < conversations)
      count[d.conversation] = std::max<std::uint32_t>(count[d.conversation], d.seq + 1u);
  }
  message_numbering n;
  n.first_of.resize(conversations);
  for (std::size_t c = 0; c < conversations; ++c) {
    n.first_of[c] = n.total;
    n.total += count[c];
  }
  return n;
}

}  // namespace frontdesk::bench
