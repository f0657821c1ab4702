#include "bench/harness/traffic_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "bench/harness/message_templates.hpp"

namespace frontdesk::bench {
namespace {

traffic_spec spec_of(std::int64_t conversations, arrival_kind a = arrival_kind::poisson) {
  traffic_spec s;
  s.conversations = conversations;
  s.arrival = a;
  s.rate = 100;
  s.messages_min = 1;
  s.messages_max = 3;
  s.message_gap_ms = 500;
  s.mix = {{"order_status", 3}, {"legal", 1}};
  return s;
}

bool same(const traffic_plan& a, const traffic_plan& b) {
  if (a.deliveries.size() != b.deliveries.size()) return false;
  for (std::size_t i = 0; i < a.deliveries.size(); ++i) {
    const auto& x = a.deliveries[i];
    const auto& y = b.deliveries[i];
    if (x.due_ns != y.due_ns || x.conversation != y.conversation || x.seq != y.seq ||
        x.intent != y.intent || x.variant != y.variant || x.duplicate != y.duplicate)
      return false;
  }
  return true;
}

TEST(TrafficModel, SameSeedSamePlanOtherSeedOtherPlan) {
  auto spec = spec_of(500);
  spec.duplicate_rate = 0.1;
  spec.out_of_order_rate = 0.1;
  const auto a = make_traffic_plan(spec, 42);
  const auto b = make_traffic_plan(spec, 42);
  const auto c = make_traffic_plan(spec, 43);
  EXPECT_TRUE(same(a, b));
  EXPECT_FALSE(same(a, c));
}

TEST(TrafficModel, EveryConversationGetsItsMessagesInRange) {
  auto spec = spec_of(1000);
  const auto plan = make_traffic_plan(spec, 1);
  std::map<std::uint32_t, std::set<std::uint16_t>> seqs;
  for (const auto& d : plan.deliveries) seqs[d.conversation].insert(d.seq);
  ASSERT_EQ(seqs.size(), 1000u);
  std::int64_t total = 0;
  std::set<std::size_t> sizes;
  for (const auto& [c, s] : seqs) {
    EXPECT_GE(s.size(), 1u);
    EXPECT_LE(s.size(), 3u);
    EXPECT_EQ(*s.rbegin(), s.size() - 1);  // 0..n-1, none skipped
    sizes.insert(s.size());
    total += static_cast<std::int64_t>(s.size());
  }
  EXPECT_EQ(sizes.size(), 3u);  // 1, 2 and 3 all occur
  EXPECT_EQ(plan.messages, total);
  EXPECT_EQ(plan.duplicates, 0);
  EXPECT_TRUE(std::is_sorted(plan.deliveries.begin(), plan.deliveries.end(),
                             [](const auto& x, const auto& y) { return x.due_ns < y.due_ns; }));
}

TEST(TrafficModel, ConstantArrivalIsEvenlySpaced) {
  auto spec = spec_of(11, arrival_kind::constant);
  spec.messages_min = spec.messages_max = 1;
  spec.rate = 4;  // one every 250 ms
  const auto plan = make_traffic_plan(spec, 3);
  ASSERT_EQ(plan.deliveries.size(), 11u);
  for (std::size_t i = 0; i < plan.deliveries.size(); ++i) {
    EXPECT_EQ(plan.deliveries[i].conversation, i);
    EXPECT_NEAR(static_cast<double>(plan.deliveries[i].due_ns), 250e6 * static_cast<double>(i),
                1e3);
  }
  EXPECT_NEAR(static_cast<double>(plan.span_ns), 2.5e9, 1e3);
}

TEST(TrafficModel, PoissonArrivalHasTheRequestedMeanRate) {
  auto spec = spec_of(20000);
  spec.messages_min = spec.messages_max = 1;
  spec.rate = 200;
  const auto plan = make_traffic_plan(spec, 5);
  const double seconds = static_cast<double>(plan.span_ns) / 1e9;
  EXPECT_NEAR(20000.0 / seconds, 200.0, 200.0 * 0.05);
}

TEST(TrafficModel, ReplayFollowsTheHourlyProfile) {
  auto spec = spec_of(40000, arrival_kind::replay);
  spec.messages_min = spec.messages_max = 1;
  spec.rate = 400;
  spec.day_s = 100;  // the whole plan spans about one day
  const auto plan = make_traffic_plan(spec, 9);
  std::array<int, 24> per_hour{};
  for (const auto& d : plan.deliveries) {
    const double day_pos = std::fmod(static_cast<double>(d.due_ns) / 1e9, spec.day_s) / spec.day_s;
    ++per_hour[std::min<std::size_t>(23, static_cast<std::size_t>(day_pos * 24))];
  }
  const auto& profile = hourly_profile();
  // The busiest hour of the profile gets many times the arrivals of the quietest.
  EXPECT_GT(per_hour[10], 8 * per_hour[3]);
  EXPECT_GT(profile[10], profile[3]);
  EXPECT_GT(per_hour[14], per_hour[22]);
}

TEST(TrafficModel, DuplicatesRepeatAMessageLater) {
  auto spec = spec_of(2000);
  spec.duplicate_rate = 0.2;
  const auto plan = make_traffic_plan(spec, 11);
  EXPECT_NEAR(static_cast<double>(plan.duplicates) / static_cast<double>(plan.messages), 0.2, 0.03);
  std::map<std::pair<std::uint32_t, std::uint16_t>, std::int64_t> original;
  for (const auto& d : plan.deliveries)
    if (!d.duplicate) original[{d.conversation, d.seq}] = d.due_ns;
  std::int64_t dups = 0;
  for (const auto& d : plan.deliveries) {
    if (!d.duplicate) continue;
    ++dups;
    auto it = original.find({d.conversation, d.seq});
    ASSERT_NE(it, original.end());
    EXPECT_GE(d.due_ns, it->second);
    EXPECT_LE(d.due_ns - it->second, 500'000'000);
  }
  EXPECT_EQ(dups, plan.duplicates);
}

TEST(TrafficModel, OutOfOrderDeliversAFollowUpFirst) {
  auto spec = spec_of(2000);
  spec.messages_min = spec.messages_max = 2;
  spec.out_of_order_rate = 0.3;
  const auto plan = make_traffic_plan(spec, 13);
  std::map<std::uint32_t, std::vector<std::uint16_t>> order;
  for (const auto& d : plan.deliveries) order[d.conversation].push_back(d.seq);
  std::int64_t swapped = 0;
  for (const auto& [c, seqs] : order) {
    ASSERT_EQ(seqs.size(), 2u);
    if (seqs[0] == 1) ++swapped;
  }
  EXPECT_EQ(swapped, plan.reordered);
  EXPECT_NEAR(static_cast<double>(swapped) / 2000.0, 0.3, 0.04);
}

TEST(TrafficModel, TheMixDecidesTheIntents) {
  auto spec = spec_of(8000);
  spec.messages_min = spec.messages_max = 1;
  const auto plan = make_traffic_plan(spec, 17);
  const auto legal = *intent_index("legal");
  const auto order = *intent_index("order_status");
  std::int64_t n_legal = 0, n_order = 0, other = 0;
  for (const auto& d : plan.deliveries) {
    if (d.intent == legal) {
      ++n_legal;
    } else if (d.intent == order) {
      ++n_order;
    } else {
      ++other;
    }
  }
  EXPECT_EQ(other, 0);
  EXPECT_NEAR(static_cast<double>(n_legal) / 8000.0, 0.25, 0.03);
}

TEST(TrafficModel, EveryMessageHasItsOwnNumberAndRepeatsShareIt) {
  auto spec = spec_of(300);
  spec.duplicate_rate = 0.3;
  const auto plan = make_traffic_plan(spec, 19);
  const auto numbering = number_messages(plan, 300);
  EXPECT_EQ(numbering.total, static_cast<std::uint64_t>(plan.messages));
  std::map<std::uint64_t, std::pair<std::uint32_t, std::uint16_t>> owner;
  for (const auto& d : plan.deliveries) {
    const auto n = numbering.first_of[d.conversation] + d.seq;
    ASSERT_LT(n, numbering.total);
    auto [it, fresh] = owner.emplace(n, std::pair{d.conversation, d.seq});
    if (!fresh) {
      EXPECT_EQ(it->second, (std::pair{d.conversation, d.seq}));
    }
  }
  EXPECT_EQ(owner.size(), numbering.total);
}

}  // namespace
}  // namespace frontdesk::bench
