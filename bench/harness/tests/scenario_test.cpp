#include "bench/harness/scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace frontdesk::bench {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Scenario, EveryShippedScenarioParses) {
  int count = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(FRONTDESK_SOURCE_DIR "/bench/scenarios")) {
    if (e.path().extension() != ".toml") continue;
    auto s = parse_scenario(read(e.path()));
    ASSERT_TRUE(s) << e.path() << ": " << s.error();
    EXPECT_EQ(s->name, e.path().stem().string());
    ++count;
  }
  EXPECT_GE(count, 7);
}

TEST(Scenario, ReadsEverySection) {
  auto s = parse_scenario(R"(
name = "x"
seed = 99
[traffic]
conversations = 10
messages = [2, 5]
arrival = "replay"
rate = 3.5
day_s = 30
duplicate_rate = 0.25
mix = { legal = 1, refunds = 3 }
[operators]
count = 4
approve = 1
edit = 0
escalate = 0
reject = 0
[sim]
threads = 2
[sim.llm]
latency_ms = 900
jitter_ms = 100
rate_limit_rate = 0.1
[sim.rag]
enabled = true
[phases]
restart = true
hold_s = 2
[checks]
sample = 5
[frontdesk.actors]
passivate_after_s = 5
)");
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->seed, 99u);
  EXPECT_EQ(s->traffic.conversations, 10);
  EXPECT_EQ(s->traffic.messages_min, 2);
  EXPECT_EQ(s->traffic.messages_max, 5);
  EXPECT_EQ(s->traffic.arrival, arrival_kind::replay);
  EXPECT_DOUBLE_EQ(s->traffic.rate, 3.5);
  EXPECT_DOUBLE_EQ(s->traffic.duplicate_rate, 0.25);
  ASSERT_EQ(s->traffic.mix.size(), 2u);  // replaces the default mix
  EXPECT_DOUBLE_EQ(s->traffic.mix.at("refunds"), 3);
  EXPECT_EQ(s->operators.count, 4);
  EXPECT_EQ(s->sim.threads, 2);
  EXPECT_DOUBLE_EQ(s->sim.llm.latency_ms, 900);
  EXPECT_DOUBLE_EQ(s->sim.llm.rate_limit_rate, 0.1);
  EXPECT_TRUE(s->sim.rag.enabled);
  EXPECT_TRUE(s->phases.restart);
  EXPECT_EQ(s->checks.sample, 5);
  EXPECT_NE(s->frontdesk_toml.find("passivate_after_s = 5"), std::string::npos);
}

TEST(Scenario, DefaultsWhenSectionsAreAbsent) {
  auto s = parse_scenario("name = \"bare\"");
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->traffic.conversations, 50);
  EXPECT_EQ(s->traffic.arrival, arrival_kind::poisson);
  EXPECT_FALSE(s->traffic.mix.empty());
  EXPECT_TRUE(s->frontdesk_toml.empty());
}

struct bad_case {
  const char* toml;
  const char* must_mention;
};

TEST(Scenario, MalformedFilesAreErrorsNamingTheProblem) {
  const bad_case cases[] = {
      {"name = ", "line"},
      {"name = \"x\"\n[traffic\n", "line"},
      {"seed = 1", "name"},
      {"name = \"x\"\nbogus = 1", "bogus"},
      {"name = \"x\"\n[traffic]\nconversation = 5", "traffic.conversation"},
      {"name = \"x\"\n[traffic]\nconversations = \"many\"", "integer"},
      {"name = \"x\"\n[traffic]\nconversations = 0", "traffic.conversations"},
      {"name = \"x\"\n[traffic]\nconversations = 99999999999", "traffic.conversations"},
      {"name = \"x\"\n[traffic]\nrate = -1", "traffic.rate"},
      {"name = \"x\"\n[traffic]\nrate = nan", "traffic.rate"},
      {"name = \"x\"\n[traffic]\nrate = inf", "traffic.rate"},
      {"name = \"x\"\n[traffic]\nduplicate_rate = 1.5", "duplicate_rate"},
      {"name = \"x\"\n[traffic]\narrival = \"bursty\"", "arrival"},
      {"name = \"x\"\n[traffic]\nmessages = [3, 1]", "messages"},
      {"name = \"x\"\n[traffic]\nmessages = [1, 2, 3]", "messages"},
      {"name = \"x\"\n[traffic]\nmessages = 0", "messages"},
      {"name = \"x\"\n[traffic]\nmix = { gossip = 1 }", "gossip"},
      {"name = \"x\"\n[traffic]\nmix = { legal = 0 }", "mix"},
      {"name = \"x\"\n[traffic]\nmix = { legal = -2 }", "legal"},
      {"name = \"x\"\ntraffic = 3", "traffic"},
      {"name = \"x\"\n[operators]\ncount = 2\napprove = 0\nedit = 0\nescalate = 0\nreject = 0",
       "operators"},
      {"name = \"x\"\n[sim.llm]\nerror_rate = 0.7\nrate_limit_rate = 0.7", "sim.llm"},
      {"name = \"x\"\n[sim.llm]\nlatency = 5", "sim.llm.latency"},
      {"name = \"x\"\n[phases]\nrestart = \"yes\"", "phases.restart"},
      {"name = 5", "name"},
  };
  for (const auto& c : cases) {
    auto s = parse_scenario(c.toml);
    ASSERT_FALSE(s) << c.toml;
    EXPECT_NE(s.error().find(c.must_mention), std::string::npos) << c.toml << " -> " << s.error();
  }
}

TEST(Scenario, HostileInputIsRefused) {
  // Oversized.
  std::string big = "name = \"x\"\n# ";
  big.append(1'100'000, 'a');
  EXPECT_FALSE(parse_scenario(big));
  // Binary junk, deep nesting, a huge name.
  EXPECT_FALSE(parse_scenario(std::string("\0\xff\xfe name", 8)));
  EXPECT_FALSE(
      parse_scenario("name = \"x\"\nv = " + std::string(5000, '[') + std::string(5000, ']')));
  EXPECT_FALSE(parse_scenario("name = \"" + std::string(300, 'n') + "\""));
}

TEST(Scenario, OverridesApplyBeforeValidation) {
  const std::string base = "name = \"x\"\n[traffic]\nconversations = 10\n";
  auto s = parse_scenario(base, {{"traffic.conversations", "500"},
                                 {"traffic.arrival", "constant"},  // a bare word: a string
                                 {"traffic.messages", "[1, 4]"},
                                 {"sim.llm.latency_ms", "12.5"},
                                 {"frontdesk.actors.passivate_after_s", "3"}});
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->traffic.conversations, 500);
  EXPECT_EQ(s->traffic.arrival, arrival_kind::constant);
  EXPECT_EQ(s->traffic.messages_max, 4);
  EXPECT_DOUBLE_EQ(s->sim.llm.latency_ms, 12.5);
  EXPECT_NE(s->frontdesk_toml.find("passivate_after_s = 3"), std::string::npos);

  EXPECT_FALSE(parse_scenario(base, {{"traffic.conversations", "-4"}}));
  EXPECT_FALSE(parse_scenario(base, {{"traffic.typo", "1"}}));
  EXPECT_FALSE(parse_scenario(base, {{"name.inner", "1"}}));  // name is not a table
  EXPECT_FALSE(parse_scenario(base, {{"traffic..rate", "1"}}));
}

TEST(Scenario, OverrideTextIsSplitAtTheFirstEquals) {
  auto kv = parse_override("traffic.rate=5");
  ASSERT_TRUE(kv);
  EXPECT_EQ(kv->first, "traffic.rate");
  EXPECT_EQ(kv->second, "5");
  auto eq = parse_override("description=a=b");
  ASSERT_TRUE(eq);
  EXPECT_EQ(eq->second, "a=b");
  EXPECT_FALSE(parse_override("no-equals"));
  EXPECT_FALSE(parse_override("=5"));
  EXPECT_FALSE(parse_override("a b=5"));
  EXPECT_FALSE(parse_override("a\"]\n[x=5"));
}

}  // namespace
}  // namespace frontdesk::bench
