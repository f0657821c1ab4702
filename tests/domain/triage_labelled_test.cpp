// Accuracy of triage on a hand-labelled set of realistic customer messages.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "domain/triage.hpp"

namespace {

using namespace frontdesk::domain;

struct labelled {
  int line = 0;
  std::string priority, route, reason;
  int unresolved = 0;
  std::string grade, order_value, text;
};

std::vector<labelled> load() {
  std::ifstream in(std::string(FRONTDESK_SOURCE_DIR) + "/tests/domain/data/triage_labelled.tsv");
  std::vector<labelled> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() != 7) {
      ADD_FAILURE() << "line " << n << " has " << cols.size() << " columns";
      continue;
    }
    rows.push_back({n, cols[0], cols[1], cols[2], std::stoi(cols[3]), cols[4], cols[5], cols[6]});
  }
  return rows;
}

TEST(triage_labelled, accuracy_per_priority_at_least_95_percent_and_no_p0_to_ai) {
  const auto rows = load();
  ASSERT_GE(rows.size(), 120u);
  const triage_config config;
  struct tally {
    int total = 0, priority_ok = 0, route_ok = 0, reason_ok = 0, all_ok = 0;
  };
  std::map<std::string, tally> by_class;
  tally overall;
  int p0_to_ai = 0;
  for (const auto& row : rows) {
    triage_input in;
    in.text = row.text;
    in.history.unresolved_conversations = row.unresolved;
    if (row.grade != "-") in.history.last_ai_reply_grade = std::stod(row.grade);
    if (row.order_value != "-") in.custom_attributes["order_value"] = row.order_value;
    const auto r = triage(in, config);
    const std::string got_priority(to_string(r.priority));
    const std::string got_route(to_string(r.route));
    const std::string got_reason = r.escalation_reason.empty() ? "-" : r.escalation_reason;
    const bool p_ok = got_priority == row.priority;
    const bool route_ok = got_route == row.route;
    const bool reason_ok = got_reason == row.reason;
    for (tally* t : {&by_class[row.priority], &overall}) {
      ++t->total;
      t->priority_ok += p_ok;
      t->route_ok += route_ok;
      t->reason_ok += reason_ok;
      t->all_ok += p_ok && route_ok && reason_ok;
    }
    if (row.priority == "P0" && r.route == triage_route::ai_draft) ++p0_to_ai;
    if (!(p_ok && route_ok && reason_ok)) {
      std::printf(
          "  miss line %d: expected %s/%s/%s got %s/%s/%s (cue \"%s\", intent %s, anger %.2f)\n"
          "      %s\n",
          row.line, row.priority.c_str(), row.route.c_str(), row.reason.c_str(),
          got_priority.c_str(), got_route.c_str(), got_reason.c_str(), r.priority_cue.c_str(),
          std::string(to_string(r.intent.value)).c_str(), r.sentiment.anger, row.text.c_str());
    }
  }
  auto pct = [](int a, int b) { return b ? 100.0 * a / b : 0.0; };
  std::printf("\n  class | n   | priority | route   | reason  | all correct\n");
  for (const auto& [name, t] : by_class) {
    std::printf("  %-5s | %-3d | %6.1f %% | %5.1f %% | %5.1f %% | %5.1f %%\n", name.c_str(),
                t.total, pct(t.priority_ok, t.total), pct(t.route_ok, t.total),
                pct(t.reason_ok, t.total), pct(t.all_ok, t.total));
  }
  std::printf("  all   | %-3d | %6.1f %% | %5.1f %% | %5.1f %% | %5.1f %%\n\n", overall.total,
              pct(overall.priority_ok, overall.total), pct(overall.route_ok, overall.total),
              pct(overall.reason_ok, overall.total), pct(overall.all_ok, overall.total));
  EXPECT_GE(pct(overall.all_ok, overall.total), 95.0);
  EXPECT_EQ(p0_to_ai, 0) << "P0 messages must never get an AI draft";
}

}  // namespace
