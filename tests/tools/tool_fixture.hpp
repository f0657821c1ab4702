#pragma once
// Test helpers for the trace and replay tools: a temporary SQLite store, captured stdout and
// stderr, and trace rows produced by running the real state machine.

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fsm/event_codec.hpp"
#include "fsm/machine.hpp"
#include "persistence/store.hpp"

namespace frontdesk::app::testing {

/// A fresh directory under the system temp dir, removed afterwards.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("fd_tools_" + std::to_string(rd()) + "_" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Redirects std::cout and std::cerr while alive.
class captured_output {
 public:
  captured_output()
      : old_out_(std::cout.rdbuf(out_.rdbuf())), old_err_(std::cerr.rdbuf(err_.rdbuf())) {}
  ~captured_output() {
    std::cout.rdbuf(old_out_);
    std::cerr.rdbuf(old_err_);
  }
  captured_output(const captured_output&) = delete;
  captured_output& operator=(const captured_output&) = delete;
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

 private:
  std::ostringstream out_, err_;
  std::streambuf* old_out_;
  std::streambuf* old_err_;
};

struct tool_result {
  int code = 0;
  std::string out;
  std::string err;
};

/// Calls a tool entry point with the given arguments (those after the tool's name).
template <class Tool>
tool_result run_tool(Tool tool, std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  captured_output cap;
  const int code = tool(static_cast<int>(args.size()), argv.data());
  return {code, cap.out(), cap.err()};
}

/// What the conversation actor records for one applied event: its trace rows, the first one
/// carrying the encoded event.
inline std::vector<persistence::trace_row> rows_of(const fsm::outcome& out, const fsm::event& e) {
  std::vector<persistence::trace_row> rows;
  for (const fsm::trace_record& r : out.trace) {
    persistence::trace_row row;
    row.conversation_id = r.conversation_id;
    row.seq = static_cast<std::int64_t>(r.seq);
    row.at = r.at;
    row.from_state = std::string(fsm::to_string(r.from));
    row.to_state = std::string(fsm::to_string(r.to));
    row.event = r.event;
    row.cause = r.cause;
    row.actor = r.actor;
    row.detail = r.detail;
    rows.push_back(std::move(row));
  }
  if (!rows.empty()) rows.front().event_data = fsm::encode_event(e);
  return rows;
}

/// Drives one conversation through a long, varied history with the real state machine and
/// returns the trace rows it produced (about 20 transitions).
inline std::vector<persistence::trace_row> recorded_history(std::int64_t id) {
  using namespace std::chrono_literals;
  fsm::conversation c{.id = id};
  const fsm::machine_config cfg;
  fsm::time_point now{std::chrono::milliseconds(1'778'062'532'000)};
  std::vector<persistence::trace_row> rows;
  auto step = [&](const fsm::event& e, std::string cause, std::string actor,
                  std::chrono::milliseconds later) {
    now += later;
    auto out = fsm::apply(c, e, fsm::context{now, std::move(cause), std::move(actor)}, cfg);
    if (!out) {
      ADD_FAILURE() << "refused: " << out.error().message;
      return;
    }
    for (auto& r : rows_of(*out, e)) rows.push_back(std::move(r));
    c = out->next;
  };
  using namespace frontdesk::fsm;
  step(ev::customer_message{101}, "webhook:message_created:101", "customer", 0ms);
  step(ev::triaged{domain::priority::p2, false, ""}, "triage", "system", 40ms);
  step(ev::draft_ready{c.draft_request, 0.91}, "drafter", "system", 3200ms);
  step(ev::timer_fired{timer_name::approval_notify, c.timer(timer_name::approval_notify).epoch},
       "timer", "timer", 30min);
  step(ev::approve{c.draft_version, "alice", "fp-a1"}, "operator:alice", "alice", 4min);
  step(ev::grade{"alice", "fp-g1"}, "operator:alice", "alice", 1min);
  step(ev::customer_message{102}, "webhook:message_created:102", "customer", 2h);
  step(ev::triaged{domain::priority::p1, false, ""}, "triage", "system", 30ms);
  step(ev::customer_message{103}, "webhook:message_created:103", "customer", 900ms);
  step(ev::triaged{domain::priority::p1, false, ""}, "triage", "system", 30ms);
  step(ev::draft_ready{c.draft_request, 0.4}, "drafter", "system", 2500ms);
  step(ev::customer_message{104}, "webhook:message_created:104", "customer", 10min);
  step(ev::hand_back{"bob"}, "operator:bob", "bob", 5min);
  step(ev::draft_ready{c.draft_request, 0.88}, "drafter", "system", 2s);
  step(ev::human_replied{105}, "webhook:message_created:105", "agent", 7min);
  step(ev::resolved{}, "webhook:conversation_status_changed", "agent", 1h);
  return rows;
}

/// A migrated SQLite store in a temporary file.
class tool_store {
 public:
  tool_store() : uri_("sqlite:" + (dir_.path() / "frontdesk.db").string()) {
    auto s = persistence::open_store(uri_);
    if (!s) throw std::runtime_error(s.error().message);
    store_ = std::move(s.value());
    if (auto m = store_->migrate(); !m) throw std::runtime_error(m.error().message);
  }
  const std::string& uri() const { return uri_; }
  const temp_dir& dir() const { return dir_; }
  persistence::store& store() { return *store_; }

  /// Writes rows the way the actors do: one change set (one transaction) per row group.
  void write(const std::vector<persistence::trace_row>& rows) {
    persistence::change_set cs;
    cs.traces = rows;
    auto r = store_->apply({cs});
    if (!r) throw std::runtime_error(r.error().message);
  }

 private:
  temp_dir dir_;
  std::string uri_;
  std::unique_ptr<persistence::store> store_;
};

}  // namespace frontdesk::app::testing
