#include "config/settings.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace frontdesk::config {
namespace {

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(settings, defaults_need_no_configuration) {
  auto s = load_settings(std::nullopt, env_of({}));
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->server.host, "127.0.0.1");
  EXPECT_EQ(s->server.port, 8080);
  EXPECT_EQ(s->store.db, "sqlite:data/frontdesk.db");
  EXPECT_TRUE(s->chatwoot.base_url.empty());
  EXPECT_TRUE(s->workflow.ai_drafts_enabled);
}

TEST(settings, the_shipped_file_is_valid_and_documents_every_key) {
  const std::string path = std::string(FRONTDESK_SOURCE_DIR) + "/config/frontdesk.toml";
  auto s = load_settings(path, env_of({}));
  ASSERT_TRUE(s) << s.error();
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const key_info& k : known_keys()) {
    const std::string name = k.toml_key.substr(k.toml_key.find('.') + 1);
    EXPECT_NE(text.find("\n" + name + " ="), std::string::npos) << k.toml_key << " undocumented";
    if (!k.env_name.empty()) {
      EXPECT_NE(text.find(k.env_name), std::string::npos) << k.env_name << " undocumented";
    }
  }
}

TEST(settings, environment_overrides_the_file) {
  auto s = load_settings_from_text(
      "[server]\nlisten = \"0.0.0.0:9000\"\n",
      env_of({{"FRONTDESK_LISTEN", "127.0.0.1:9100"},
              {"FRONTDESK_DB", "postgresql://u@127.0.0.1:5432/fd"},
              {"CHATWOOT_WEBHOOK_SECRET", "old-secret, new-secret"},
              {"AI_DRAFTS_ENABLED", "false"},
              {"LLM_BASE_URL", "http://127.0.0.1:8000/"},
              {"FRONTDESK_OPERATOR_TOKENS",
               "aaaaaaaaaaaaaaaa:alice:operator,bbbbbbbbbbbbbbbb:bob:admin"}}));
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->server.port, 9100);
  EXPECT_EQ(s->store.db, "postgresql://u@127.0.0.1:5432/fd");
  EXPECT_EQ(s->chatwoot.webhook_secrets, (std::vector<std::string>{"old-secret", "new-secret"}));
  EXPECT_FALSE(s->workflow.ai_drafts_enabled);
  EXPECT_EQ(s->llm.base_url, "http://127.0.0.1:8000");
}

TEST(settings, bad_values_name_the_key_and_the_problem) {
  struct bad_case {
    std::map<std::string, std::string> env;
    std::string toml;
    std::string expect;
  };
  const std::vector<bad_case> cases = {
      {{{"FRONTDESK_LISTEN", "localhost"}}, "", "FRONTDESK_LISTEN: expected host:port"},
      {{{"FRONTDESK_LISTEN", "127.0.0.1:99999"}}, "", "FRONTDESK_LISTEN: port must be"},
      {{{"FRONTDESK_DB", "mysql://x"}}, "", "FRONTDESK_DB: expected sqlite:PATH"},
      {{{"AI_DRAFTS_ENABLED", "maybe"}}, "", "AI_DRAFTS_ENABLED: expected true or false"},
      {{{"CHATWOOT_BASE_URL", "ftp://x"}}, "", "CHATWOOT_BASE_URL: expected an http"},
      {{{"CHATWOOT_ACCOUNT_ID", "12abc"}}, "", "CHATWOOT_ACCOUNT_ID: expected an integer"},
      {{{"FRONTDESK_OPERATOR_TOKENS", "short:a:operator"}}, "", "at least 16"},
      {{{"FRONTDESK_OPERATOR_TOKENS", "aaaaaaaaaaaaaaaa:a:king"}}, "", "role must be"},
      {{}, "[server]\nlisen = \"x\"\n", "server.lisen\": unknown key"},
      {{}, "[workflow]\nconfidence_threshold = 1.5\n", "workflow.confidence_threshold\": must be"},
      {{}, "[server]\nthreads = 0\n", "server.threads\": must be between 1 and 64"},
      {{}, "[server\n", "config:"},
      {{}, "[sla]\nholidays = [\"25/12/2026\"]\n", "not YYYY-MM-DD"},
  };
  for (const bad_case& c : cases) {
    auto s = load_settings_from_text(c.toml, env_of(c.env));
    ASSERT_FALSE(s) << c.expect;
    EXPECT_NE(s.error().find(c.expect), std::string::npos) << s.error();
  }
  EXPECT_FALSE(load_settings(std::string("/nonexistent/frontdesk.toml"), env_of({})));
}

}  // namespace
}  // namespace frontdesk::config
