#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "app/tools.hpp"
#include "tests/tools/tool_fixture.hpp"

namespace frontdesk::app {
namespace {
using testing::recorded_history;
using testing::run_tool;
using testing::tool_store;

TEST(replay, the_recorded_history_is_long_and_varied) {
  const auto rows = recorded_history(77);
  ASSERT_GE(rows.size(), 18u);
  std::set<std::string> states;
  for (const auto& r : rows) states.insert(r.to_state);
  for (const char* s : {"received", "triaged", "drafting", "awaiting_approval", "sent", "graded",
                        "escalated", "closed"}) {
    EXPECT_TRUE(states.contains(s)) << s;
  }
}

TEST(replay, a_faithful_history_matches) {
  tool_store db;
  const auto rows = recorded_history(77);
  db.write(rows);
  const auto r = run_tool(run_replay, {"77", "--db", db.uri()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("replay matches " + std::to_string(rows.size()) + " transitions"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ends in closed"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(replay, a_history_written_one_transaction_per_event_matches) {
  tool_store db;
  const auto rows = recorded_history(78);
  // One change set per applied event, with store-assigned seqs, as the actors commit.
  std::vector<persistence::trace_row> group;
  auto flush = [&] {
    if (group.empty()) return;
    for (auto& g : group) g.seq = 0;
    db.write(group);
    group.clear();
  };
  for (const auto& row : rows) {
    if (!row.event_data.empty()) flush();
    group.push_back(row);
  }
  flush();
  const auto stored = db.store().trace(78);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), rows.size());
  EXPECT_EQ(*stored, rows);  // event_data survives the store
  const auto r = run_tool(run_replay, {"78", "--db", db.uri()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST(replay, a_tampered_to_state_is_reported_at_its_exact_seq) {
  for (std::size_t victim : {0u, 3u, 9u}) {
    tool_store db;
    auto rows = recorded_history(79);
    ASSERT_LT(victim, rows.size());
    const std::string real = rows[victim].to_state;
    rows[victim].to_state = real == "escalated" ? "sent" : "escalated";
    db.write(rows);
    const auto r = run_tool(run_replay, {"79", "--db", db.uri()});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    const std::string seq = std::to_string(rows[victim].seq);
    EXPECT_NE(r.out.find("replay differs at seq " + seq + ":"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("expected #" + seq + " " + rows[victim].from_state + " \u2192 " +
                         rows[victim].to_state),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("got #" + seq + " " + rows[victim].from_state + " \u2192 " + real),
              std::string::npos)
        << r.out;
  }
}

TEST(replay, a_missing_transition_is_a_difference) {
  tool_store db;
  auto rows = recorded_history(80);
  // Drop the second row of the triage (triaged -> drafting): replay produces it, the record
  // has the next event's row there instead.
  std::size_t triage = 0;
  while (rows[triage].to_state != "triaged") ++triage;
  const std::int64_t missing_seq = rows[triage + 1].seq;
  rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(triage) + 1);
  for (std::size_t i = triage + 1; i < rows.size(); ++i) rows[i].seq -= 1;
  db.write(rows);
  const auto r = run_tool(run_replay, {"80", "--db", db.uri()});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("replay differs at seq " + std::to_string(missing_seq) + ":"),
            std::string::npos)
      << r.out;
}

TEST(replay, a_recorded_event_that_the_machine_refuses_is_a_difference) {
  tool_store db;
  auto rows = recorded_history(81);
  std::size_t i = 0;
  while (rows[i].event != "draft_ready") ++i;
  rows[i].event_data = fsm::encode_event(fsm::ev::draft_ready{999, 0.9});
  db.write(rows);
  const auto r = run_tool(run_replay, {"81", "--db", db.uri()});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("differs at seq " + std::to_string(rows[i].seq)), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("stale_draft_result"), std::string::npos) << r.out;
}

TEST(replay, an_unreplayable_history_is_an_error) {
  {
    tool_store db;
    auto rows = recorded_history(82);
    std::size_t i = 0;
    while (rows[i].event != "draft_ready") ++i;
    rows[i].event_data.clear();
    db.write(rows);
    const auto r = run_tool(run_replay, {"82", "--db", db.uri()});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("seq " + std::to_string(rows[i].seq) + " carries no recorded event"),
              std::string::npos)
        << r.err;
  }
  {
    tool_store db;
    auto rows = recorded_history(83);
    rows[0].event_data = R"({"type":"customer_message"})";
    db.write(rows);
    const auto r = run_tool(run_replay, {"83", "--db", db.uri()});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("missing field \"message_id\""), std::string::npos) << r.err;
  }
  {
    tool_store db;
    const auto r = run_tool(run_replay, {"84", "--db", db.uri()});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("no transitions recorded for conversation 84"), std::string::npos)
        << r.err;
  }
}

TEST(trace_tool, prints_the_stored_trace_in_every_format) {
  tool_store db;
  const auto rows = recorded_history(90);
  db.write(rows);

  const auto text = run_tool(run_trace, {"90", "--db", db.uri()});
  EXPECT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("conversation 90: " + std::to_string(rows.size()) + " transitions"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("current state: closed"), std::string::npos) << text.out;

  const auto js = run_tool(run_trace, {"--format", "json", "90", "--db", db.uri()});
  EXPECT_EQ(js.code, 0) << js.err;
  const auto arr = boost::json::parse(js.out).as_array();
  ASSERT_EQ(arr.size(), rows.size());
  EXPECT_EQ(arr.back().as_object().at("to").as_string(), "closed");

  const auto chrome = run_tool(run_trace, {"90", "--db", db.uri(), "--format", "chrome"});
  EXPECT_EQ(chrome.code, 0) << chrome.err;
  const auto events = boost::json::parse(chrome.out).as_object().at("traceEvents").as_array();
  std::size_t instants = 0;
  for (const auto& e : events) instants += e.as_object().at("ph").as_string() == "i";
  EXPECT_EQ(instants, rows.size());
}

TEST(trace_tool, reads_the_database_from_the_environment) {
  tool_store db;
  db.write(recorded_history(91));
  ASSERT_EQ(::setenv("FRONTDESK_DB", db.uri().c_str(), 1), 0);
  const auto r = run_tool(run_trace, {"91", "--format", "json"});
  const auto replayed = run_tool(run_replay, {"91"});
  ::unsetenv("FRONTDESK_DB");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(replayed.code, 0) << replayed.err;
}

TEST(trace_tool, an_unknown_conversation_prints_nothing_and_fails) {
  tool_store db;
  const auto r = run_tool(run_trace, {"12345", "--db", db.uri()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("no transitions recorded for conversation 12345"), std::string::npos);
}

TEST(tools, store_problems_exit_with_2_and_create_nothing) {
  testing::temp_dir dir;
  const auto missing = dir.path() / "nope.db";
  for (auto tool : {run_trace, run_replay}) {
    const auto r = run_tool(tool, {"1", "--db", "sqlite:" + missing.string()});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("no database at"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(missing));

    const auto bad_uri = run_tool(tool, {"1", "--db", "mysql://localhost/x"});
    EXPECT_EQ(bad_uri.code, 2);
    EXPECT_NE(bad_uri.err.find("unsupported store URI"), std::string::npos) << bad_uri.err;
  }
  // A file that is not a database, and an empty database without the schema.
  const auto junk = dir.path() / "junk.db";
  std::ofstream(junk) << "this is not a database, just text that is long enough to matter....";
  const auto empty = dir.path() / "empty.db";
  std::ofstream(empty).flush();
  for (auto tool : {run_trace, run_replay}) {
    const auto j = run_tool(tool, {"1", "--db", "sqlite:" + junk.string()});
    EXPECT_EQ(j.code, 2) << j.out;
    EXPECT_NE(j.err, "");
    const auto e = run_tool(tool, {"1", "--db", "sqlite:" + empty.string()});
    EXPECT_EQ(e.code, 2) << e.out;
    EXPECT_NE(e.err.find("no frontdesk schema"), std::string::npos) << e.err;
  }
}

struct usage_case {
  std::vector<std::string> args;
  std::string message;
};

TEST(tools, argument_errors_print_usage_and_exit_with_2) {
  const std::vector<usage_case> both = {
      {{}, "missing CONVERSATION_ID"},
      {{"abc"}, "not a conversation id: \"abc\""},
      {{"0"}, "not a conversation id"},
      {{"12x"}, "not a conversation id"},
      {{"99999999999999999999999"}, "not a conversation id"},
      {{"-5"}, "unknown option -5"},
      {{"1", "2"}, "unexpected argument 2"},
      {{"1", "--verbose"}, "unknown option --verbose"},
      {{"1", "--db"}, "--db needs a value"},
      {{"1", "--db", ""}, "--db needs a value"},
  };
  for (auto tool : {run_trace, run_replay}) {
    for (const usage_case& c : both) {
      const auto r = run_tool(tool, c.args);
      EXPECT_EQ(r.code, 2) << c.message;
      EXPECT_EQ(r.out, "");
      EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("usage: frontdesk "), std::string::npos) << r.err;
    }
  }
  const std::vector<usage_case> trace_only = {
      {{"1", "--format"}, "--format needs a value"},
      {{"1", "--format", "xml"}, "unknown format \"xml\""},
      {{"1", "--format", "TEXT"}, "unknown format"},
  };
  for (const usage_case& c : trace_only) {
    const auto r = run_tool(run_trace, c.args);
    EXPECT_EQ(r.code, 2) << c.message;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  // replay has no --format.
  const auto r = run_tool(run_replay, {"1", "--format", "json"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown option --format"), std::string::npos) << r.err;
}

TEST(tools, a_leading_tool_name_is_ignored) {
  tool_store db;
  db.write(recorded_history(92));
  EXPECT_EQ(run_tool(run_trace, {"trace", "92", "--db", db.uri()}).code, 0);
  EXPECT_EQ(run_tool(run_replay, {"replay", "92", "--db", db.uri()}).code, 0);
}

}  // namespace
}  // namespace frontdesk::app
