#include "actors/drafting_actor.hpp"

#include <boost/json.hpp>
#include <set>

#include "actors/atoms.hpp"
#include "actors/knowledge_actor.hpp"
#include "config/log.hpp"
#include "domain/confidence.hpp"
#include "domain/drafter.hpp"

namespace frontdesk::actors {
namespace json = boost::json;

draft_reply_ptr compose_builtin_draft(const draft_request& req,
                                      std::vector<domain::knowledge_passage> passages,
                                      bool knowledge_unavailable,
                                      const builtin_drafter_options& options) {
  auto reply = std::make_shared<draft_reply>();
  domain::draft_request in;
  in.customer_message = req.customer_message;
  in.via = req.channel;
  in.contact_name = req.contact.name;
  in.attributes = req.custom_attributes;
  if (!req.intent.empty()) in.intent = req.intent;
  in.passages = std::move(passages);
  in.knowledge_unavailable = knowledge_unavailable;
  domain::drafter_options dopts;
  dopts.signature = options.signature;
  const domain::offline_draft d = domain::draft_offline_reply(in, dopts);

  domain::confidence_input ci;
  ci.knowledge_available = !in.knowledge_unavailable;
  for (const auto& p : in.passages) {
    ci.top_relevance = std::max(ci.top_relevance, p.relevance);
  }
  std::set<std::string> articles;
  for (const auto& p : in.passages) {
    if (p.relevance >= options.min_relevance) articles.insert(p.article_id);
  }
  ci.articles_above_min_relevance = static_cast<int>(articles.size());
  ci.intent_certainty = req.intent_certainty;
  ci.sentiment_score = req.sentiment_score;
  ci.trigger_count = static_cast<int>(req.red_flags.size());

  draft_content& c = reply->draft;
  c.text = d.reply;
  c.confidence = domain::confidence(ci);
  c.recommended_action = std::string(domain::to_string(d.action));
  json::array sources;
  for (const auto& s : d.sources) {
    std::string section;
    for (const auto& p : in.passages) {
      if (p.article_id == s.article_id) {
        section = p.section;
        break;
      }
    }
    sources.push_back({{"id", s.article_id},
                       {"title", s.title},
                       {"version", s.version},
                       {"section", section},
                       {"relevance", s.relevance}});
  }
  c.sources_json = json::serialize(sources);
  json::array tags;
  for (const auto& t : d.tags) tags.emplace_back(t);
  c.tags_json = json::serialize(tags);
  const std::string urgency =
      req.priority == domain::priority::p0 || req.priority == domain::priority::p1
          ? "high"
          : (req.priority == domain::priority::p2 ? "medium" : "low");
  c.sentiment_json = json::serialize(json::object{
      {"score", req.sentiment_score}, {"label", req.sentiment_label}, {"urgency", urgency}});
  c.flags = d.flags;
  if (in.knowledge_unavailable &&
      std::find(c.flags.begin(), c.flags.end(), "knowledge_unavailable") == c.flags.end()) {
    c.flags.push_back("knowledge_unavailable");
  }
  if (urgency == "high") c.flags.push_back("urgent");
  if (domain::is_low_confidence(c.confidence) &&
      std::find(c.flags.begin(), c.flags.end(), "low_confidence") == c.flags.end()) {
    c.flags.push_back("low_confidence");
  }
  c.drafter_version = "builtin-1";
  c.intent = req.intent;
  reply->ok = true;
  return reply;
}

namespace {

struct knowledge_drafting_state {
  static constexpr const char* name = "builtin_drafter";
  builtin_drafter_options options;
  caf::actor knowledge;
  std::set<std::pair<std::int64_t, std::uint64_t>> cancelled;
};

caf::behavior knowledge_drafting_behavior(caf::stateful_actor<knowledge_drafting_state>* self,
                                          builtin_drafter_options options, caf::actor knowledge) {
  self->state.options = std::move(options);
  self->state.knowledge = std::move(knowledge);
  return {
      [self](draft_atom, const draft_request_ptr& req) -> caf::result<draft_reply_ptr> {
        auto& s = self->state;
        if (s.cancelled.erase({req->conversation_id, req->request_id}) > 0) {
          auto r = std::make_shared<draft_reply>();
          r->failure = "cancelled";
          return r;
        }
        auto rp = self->make_response_promise<draft_reply_ptr>();
        self->request(s.knowledge, std::chrono::seconds(10), retrieve_atom::value,
                      retrieval_text(*req), static_cast<std::int32_t>(s.options.top_k),
                      s.options.min_relevance)
            .then(
                [self, rp, req](const knowledge_answer_ptr& k) mutable {
                  rp.deliver(
                      compose_builtin_draft(*req, k->passages, !k->available, self->state.options));
                },
                [self, rp, req](const caf::error&) mutable {
                  rp.deliver(compose_builtin_draft(*req, {}, true, self->state.options));
                });
        return rp;
      },
      [self](cancel_atom, std::int64_t conv, std::uint64_t request_id) {
        auto& s = self->state;
        if (s.cancelled.size() < 10000) s.cancelled.insert({conv, request_id});
      },
      [self](tick_atom) { self->state.cancelled.clear(); },
  };
}

}  // namespace

caf::actor spawn_builtin_drafter(caf::actor_system& sys, builtin_drafter_options options,
                                 caf::actor knowledge) {
  return sys.spawn(knowledge_drafting_behavior, std::move(options), std::move(knowledge));
}

}  // namespace frontdesk::actors
