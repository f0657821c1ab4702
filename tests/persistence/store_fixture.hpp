#pragma once
// Shared helpers for the store tests: a fresh SQLite file or PostgreSQL schema per test, and
// builders for realistic rows.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <vector>

#include "persistence/store.hpp"

namespace frontdesk::persistence::testing {

inline timestamp at_ms(std::int64_t ms) {
  return timestamp{std::chrono::milliseconds{ms}};
}

/// A unique, lower-case name for temp files and schemas.
inline std::string unique_name(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  return prefix + std::to_string(::getpid()) + "_" + std::to_string(rng() % 1000000000ULL);
}

/// A directory removed when the object dies.
class temp_dir {
 public:
  temp_dir() : path_(std::filesystem::temp_directory_path() / unique_name("fd_store_")) {
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The throwaway PostgreSQL URI, or skip/fail as scripts/test documents.
inline std::optional<std::string> postgresql_uri() {
  const char* uri = std::getenv("FRONTDESK_TEST_PG");
  if (uri != nullptr && *uri != '\0') return std::string(uri);
  return std::nullopt;
}

inline bool postgresql_may_be_missing() {
  const char* allow = std::getenv("FRONTDESK_ALLOW_NO_PG");
  return allow != nullptr && std::string(allow) == "1";
}

#define FD_REQUIRE_POSTGRESQL()                                                      \
  do {                                                                               \
    if (!::frontdesk::persistence::testing::postgresql_uri()) {                      \
      if (::frontdesk::persistence::testing::postgresql_may_be_missing()) {          \
        GTEST_SKIP() << "FRONTDESK_TEST_PG unset and FRONTDESK_ALLOW_NO_PG=1";       \
      }                                                                              \
      FAIL() << "FRONTDESK_TEST_PG is not set: run through scripts/test, or source " \
                "scripts/pg-throwaway and call pg_throwaway_start (or set "          \
                "FRONTDESK_ALLOW_NO_PG=1 to skip PostgreSQL tests)";                 \
    }                                                                                \
  } while (false)

/// A PostgreSQL schema of its own (tests run in parallel processes), dropped at the end.
class pg_schema {
 public:
  explicit pg_schema(const std::string& base_uri) : base_(base_uri), name_(unique_name("fd_t_")) {
    pqxx::connection c(base_);
    pqxx::nontransaction tx(c);
    tx.exec("CREATE SCHEMA " + name_);
  }
  ~pg_schema() {
    try {
      pqxx::connection c(base_);
      pqxx::nontransaction tx(c);
      tx.exec("SET client_min_messages = warning");
      tx.exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    } catch (const std::exception&) {
    }
  }
  /// The base URI with search_path set to this schema.
  std::string uri() const {
    return base_ + (base_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           name_;
  }
  const std::string& name() const { return name_; }

 private:
  std::string base_;
  std::string name_;
};

inline conversation_row sample_conversation(std::int64_t id, std::int64_t contact = 42) {
  conversation_row c;
  c.id = id;
  c.contact_id = contact;
  c.channel = "email";
  c.state = "received";
  c.priority = "P2";
  c.draft_version = 1;
  c.first_response_due = at_ms(1'700'000'360'000);
  c.updated_at = at_ms(1'700'000'000'000 + id % 1000);
  c.snapshot = R"({"state":"received","v":1})";
  return c;
}

inline inbound_event sample_event(std::int64_t conversation, const std::string& key) {
  inbound_event e;
  e.delivery_id = "delivery-" + key;
  e.dedupe_key = key;
  e.event = "message_created";
  e.conversation_id = conversation;
  e.received_at = at_ms(1'700'000'000'000);
  e.body = R"({"event":"message_created","id":)" + std::to_string(conversation) + "}";
  return e;
}

inline trace_row sample_trace(std::int64_t conversation, const std::string& to) {
  trace_row t;
  t.conversation_id = conversation;
  t.at = at_ms(1'700'000'000'100);
  t.from_state = "new";
  t.to_state = to;
  t.event = "customer_message";
  t.cause = "webhook";
  t.actor = "system";
  t.detail = "{}";
  return t;
}

inline queue_item_row sample_item(const std::string& id, std::int64_t conversation,
                                  std::int64_t version, const std::string& priority,
                                  std::int64_t created_ms) {
  queue_item_row q;
  q.id = id;
  q.conversation_id = conversation;
  q.draft_version = version;
  q.status = "pending";
  q.priority = priority;
  q.channel = "email";
  q.contact = R"({"id":42,"name":"Ada","email":"ada@example.com"})";
  q.customer_message = "Where is my order?";
  q.draft = "Hello Ada, your order ships today.";
  q.confidence = 0.875;
  q.recommended_action = "approve";
  q.sources = R"([{"title":"Shipping","version":"3","section":"a","relevance":0.91}])";
  q.tags = R"(["shipping"])";
  q.sentiment = R"({"score":-0.2,"label":"neutral","urgency":"low"})";
  q.flags = "[]";
  q.created_at = at_ms(created_ms);
  return q;
}

/// A public reply waiting in the outbox: "reply:<conversation>:<version>".
inline outbox_row sample_reply(std::int64_t conversation, std::int64_t version,
                               std::int64_t created_ms) {
  outbox_row o;
  o.id = "reply:" + std::to_string(conversation) + ":" + std::to_string(version);
  o.conversation_id = conversation;
  o.draft_version = version;
  o.kind = "public_reply";
  o.payload = R"({"content":"Hello"})";
  o.created_at = at_ms(created_ms);
  return o;
}

enum class backend { sqlite_file, postgresql };

inline std::string backend_name(const ::testing::TestParamInfo<backend>& info) {
  return info.param == backend::sqlite_file ? "sqlite_file" : "postgresql";
}

/// A migrated store on a fresh SQLite file or PostgreSQL schema, per test parameter.
class backend_store_test : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    if (GetParam() == backend::postgresql) {
      FD_REQUIRE_POSTGRESQL();
      schema_ = std::make_unique<pg_schema>(*postgresql_uri());
      uri_ = schema_->uri();
    } else {
      dir_ = std::make_unique<temp_dir>();
      uri_ = "sqlite:" + (dir_->path() / "store.db").string();
    }
    auto opened = open_store(uri_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(opened.value());
    auto migrated = store_->migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
  }

  std::vector<apply_result> apply_ok(const std::vector<change_set>& sets) {
    auto r = store_->apply(sets);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? r.value() : std::vector<apply_result>{};
  }

  std::unique_ptr<temp_dir> dir_;
  std::unique_ptr<pg_schema> schema_;
  std::string uri_;
  std::unique_ptr<store> store_;
};

}  // namespace frontdesk::persistence::testing
