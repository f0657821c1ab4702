// The built-in offline drafter over a knowledge actor: the external service up and down.

#include <boost/json.hpp>

#include "actors/drafting_actor.hpp"
#include "llm_fixture.hpp"
#include "tests/support/rag_server.hpp"

namespace frontdesk::actors::testing {
namespace {

using test_support::rag_server;

draft_request_ptr request() {
  auto r = std::make_shared<draft_request>();
  r->conversation_id = 5;
  r->request_id = 1;
  r->customer_message = "Do gift cards expire or have fees?";
  r->channel = domain::channel::email;
  r->contact.name = "Sam Lee";
  r->intent_certainty = 0.7;
  return r;
}

rag_knowledge_options fast_rag(const std::string& url) {
  rag_knowledge_options o;
  o.base_url = url;
  o.attempt_timeout = 1s;
  o.deadline = 2s;
  o.gateway = fast_gateway("knowledge");
  o.gateway.budget.max_attempts = 2;
  return o;
}

class builtin_knowledge_test : public actor_test {};

TEST_F(builtin_knowledge_test, drafts_from_the_knowledge_service) {
  rag_server rag;
  rag.set_documents({{"gift-cards", "Gift cards", 2, "Expiry and fees",
                      "Gift cards never expire and there are no fees of any kind."}});
  rag.start();
  auto k = own(spawn_rag_knowledge(*sys_, fast_rag(rag.base_url())));
  builtin_drafter_options o;
  o.min_relevance = 0.5;
  auto d = own(spawn_builtin_drafter(*sys_, o, k));
  auto r = draft(d, request());
  ASSERT_TRUE(r->ok) << r->failure;
  EXPECT_NE(r->draft.text.find("never expire"), std::string::npos) << r->draft.text;
  const auto sources = boost::json::parse(r->draft.sources_json).as_array();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].at("id").as_string(), "gift-cards");
  EXPECT_EQ(r->draft.drafter_version, "builtin-1");
  EXPECT_EQ(rag.requests().size(), 1u);
}

TEST_F(builtin_knowledge_test, knowledge_service_down_gives_a_flagged_holding_reply) {
  std::string url;
  {
    rag_server gone;
    gone.start();
    url = gone.base_url();
  }
  auto k = own(spawn_rag_knowledge(*sys_, fast_rag(url)));
  auto d = own(spawn_builtin_drafter(*sys_, builtin_drafter_options{}, k));
  auto r = draft(d, request());
  ASSERT_TRUE(r->ok) << r->failure;
  const auto& f = r->draft.flags;
  EXPECT_NE(std::find(f.begin(), f.end(), "knowledge_unavailable"), f.end());
  EXPECT_EQ(r->draft.sources_json, "[]");
  EXPECT_LT(r->draft.confidence, 0.7);
}

}  // namespace
}  // namespace frontdesk::actors::testing
