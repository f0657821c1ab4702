// The runtime wired from settings alone, as `frontdesk serve` runs it: CHATWOOT_* and
// LLM_BASE_URL pointing at local servers that speak Chatwoot's and OpenAI's wire formats.

#include <gtest/gtest.h>

#include "tests/actors/fixture.hpp"
#include "tests/gateways/gateway_fixture.hpp"
#include "tests/support/openai_server.hpp"

namespace frontdesk::actors::testing {
namespace {

class from_settings_test : public runtime_test {
 protected:
  test_support::chatwoot_server chatwoot;
  test_support::openai_server llm;

  void SetUp() override {
    runtime_test::SetUp();
    chatwoot.start();
    llm.start();
    settings.chatwoot.base_url = chatwoot.base_url();
    settings.chatwoot.api_token = chatwoot.endpoint().api_token;
    settings.chatwoot.account_id = chatwoot.endpoint().account_id;
    settings.llm.base_url = llm.base_url();
    settings.llm.api_key = llm.chat_options().api_key;
    settings.llm.model = llm.chat_options().model;
    settings.llm.timeout_ms = 2000;
    settings.knowledge.kb_dir = FRONTDESK_SOURCE_DIR "/kb";
    settings.workflow.confidence_threshold = 0.05;  // this test is about the wiring
  }
  void TearDown() override {
    if (rt) rt->stop();
    runtime_test::TearDown();
    llm.stop();
    chatwoot.stop();
  }
  void start_from_settings() {
    auto r = runtime::start(settings);
    ASSERT_TRUE(r) << r.error();
    rt = std::move(*r);
  }
  const gateway_stats* gateway(const runtime_counts& c, const std::string& name) {
    for (const auto& g : c.gateways)
      if (g.name == name) return &g;
    return nullptr;
  }
};

TEST_F(from_settings_test, a_model_draft_reaches_chatwoot_as_a_note_and_its_approval_once) {
  start_from_settings();
  const auto conv = chatwoot.add_conversation("open", "Channel::Email");
  const auto asked = chatwoot.add_customer_message(conv, "Where is my order? It has not arrived.");
  ASSERT_EQ(ask(customer_message(conv, asked, "Where is my order? It has not arrived.")).outcome,
            command_reply::status::applied);
  ASSERT_TRUE(eventually([&] { return state_of(conv) == "awaiting_approval"; })) << state_of(conv);
  EXPECT_EQ(llm.requests().size(), 1u);
  ASSERT_TRUE(eventually([&] { return chatwoot.private_notes(conv).size() == 1; }));
  const std::string note = chatwoot.private_notes(conv)[0];
  const std::string drafted = test_support::openai_server::sample_answer().draft;
  EXPECT_NE(note.find("**AI DRAFT**"), std::string::npos) << note;
  EXPECT_NE(note.find(drafted.substr(0, 20)), std::string::npos) << note;

  const auto version = static_cast<std::uint64_t>(row(conv)->draft_version);
  ASSERT_EQ(ask(approve(conv, version)).outcome, command_reply::status::applied);
  ASSERT_TRUE(eventually([&] { return chatwoot.public_replies(conv).size() == 1; }));
  EXPECT_EQ(chatwoot.public_replies(conv)[0], drafted);

  const runtime_counts c = rt->counts_blocking();
  const gateway_stats* cw = gateway(c, "chatwoot");
  const gateway_stats* model = gateway(c, "llm");
  ASSERT_TRUE(cw && model);
  EXPECT_GE(cw->succeeded, 2u);  // the note and the reply (and the label)
  EXPECT_EQ(model->succeeded, 1u);
  EXPECT_EQ(model->breaker, domain::breaker_state::closed);
}

TEST_F(from_settings_test, a_failing_model_escalates_with_ai_unavailable_and_hands_off) {
  start_from_settings();
  llm.inject(test_support::fault{test_support::fault_kind::status_500, 1000});
  const auto conv = chatwoot.add_conversation();
  const auto asked = chatwoot.add_customer_message(conv, "Can I return these shoes?");
  ASSERT_EQ(ask(customer_message(conv, asked, "Can I return these shoes?")).outcome,
            command_reply::status::applied);
  ASSERT_TRUE(eventually([&] { return state_of(conv) == "escalated"; })) << state_of(conv);
  EXPECT_EQ(row(conv)->escalation_reason.value_or(""), "ai_unavailable");
  EXPECT_GE(llm.requests().size(), 2u);  // retried before giving up
  ASSERT_TRUE(eventually([&] {
    const auto l = chatwoot.conversation(conv)->labels;
    return std::find(l.begin(), l.end(), "escalated") != l.end();
  }));
  EXPECT_TRUE(chatwoot.public_replies(conv).empty());
  const runtime_counts c = rt->counts_blocking();
  const gateway_stats* model = gateway(c, "llm");
  ASSERT_TRUE(model);
  EXPECT_GE(model->failed, 1u);
  EXPECT_FALSE(model->last_error.empty());
}

}  // namespace
}  // namespace frontdesk::actors::testing
