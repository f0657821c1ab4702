#include "bench/harness/sim_llm.hpp"

#include <boost/json.hpp>
#include <mutex>

#include "bench/harness/dependency_latency.hpp"
#include "bench/harness/message_templates.hpp"
#include "io/openai_draft.hpp"

namespace frontdesk::bench {
namespace json = boost::json;

namespace {

sim_response openai_error(int status, std::string_view message, std::string_view type) {
  sim_response r;
  r.status = status;
  r.body = json::serialize(json::object{
      {"error", json::object{{"message", message}, {"type", type}, {"code", nullptr}}}});
  return r;
}

/// A valid draft for the message; confidence varies by conversation so some drafts fall below
/// the default threshold and escalate.
std::string draft_for(std::int64_t conversation) {
  io::draft_answer a;
  a.draft =
      "Hi, thanks for writing. I have checked your request and here is what happens next: "
      "your order is on its way and you will get an email with tracking. — Acme Support";
  const auto h = dependency_latency::mix(static_cast<std::uint64_t>(conversation));
  a.confidence = (h % 10 == 0) ? 0.55 : 0.82 + static_cast<double>(h % 15) / 100.0;
  a.tags = {"order_status"};
  a.sentiment = "neutral";
  a.urgency = io::draft_urgency::medium;
  a.recommended_action = io::draft_action::approve;
  a.sources = {};
  return io::to_json(a);
}

}  // namespace

struct sim_llm::state {
  state(dependency_spec llm_spec, dependency_spec rag_spec, conversation_ledger& l,
        std::uint64_t seed, std::string key)
      : llm(llm_spec, seed),
        rag(rag_spec, seed ^ 0x5bd1e995ull),
        ledger(l),
        api_key(std::move(key)) {}

  dependency_latency llm;
  dependency_latency rag;
  conversation_ledger& ledger;
  std::string api_key;
  std::atomic<std::uint64_t> next_id{1};
  mutable std::mutex mutex;
  sim_llm_counts counts;

  template <class F>
  void with_counts(F&& f) {
    std::lock_guard lock(mutex);
    f(counts);
  }

  sim_response fate_answer(call_fate fate) {
    if (fate == call_fate::error) {
      with_counts([](auto& c) { ++c.injected_errors; });
      return openai_error(500, "The server had an error while processing your request.",
                          "server_error");
    }
    sim_response r = openai_error(429, "Rate limit reached", "requests");
    r.headers.emplace_back("Retry-After", "1");
    with_counts([](auto& c) { ++c.injected_429; });
    return r;
  }

  sim_response route(const sim_request& req) {
    if (req.path == "/api/llamaindex/query" && req.method == "POST") return rag_query(req);
    if (req.path == "/v1/chat/completions" && req.method == "POST") return completion(req);
    if (req.path == "/v1/models" && req.method == "GET") {
      sim_response r;
      r.body = R"({"object":"list","data":[{"id":"bench-model","object":"model"}]})";
      return r;
    }
    with_counts([](auto& c) { ++c.rejected; });
    return openai_error(404, "Unknown endpoint", "invalid_request_error");
  }

  sim_response rag_query(const sim_request& req) {
    const auto conv = find_conversation_ref(req.body);
    const auto drawn = rag.next();
    with_counts([&](auto& c) {
      ++c.rag_queries;
      if (!conv) ++c.unattributed;
    });
    if (conv) ledger.sim_time(*conv, drawn.delay.count());
    sim_response r;
    if (drawn.fate != call_fate::ok) {
      r = fate_answer(drawn.fate);
    } else {
      json::array results{json::object{{"id", "kb-shipping-times"},
                                       {"title", "Shipping times"},
                                       {"version", "3"},
                                       {"section", "Delivery"},
                                       {"text", "Orders ship within 2 business days."},
                                       {"relevance", 0.86},
                                       {"score", 0.86}}};
      r.body = json::serialize(json::object{{"results", results}, {"nodes", results}});
    }
    r.delay = drawn.delay;
    return r;
  }

  sim_response completion(const sim_request& req) {
    if (req.header("Authorization") != "Bearer " + api_key) {
      with_counts([](auto& c) { ++c.rejected; });
      return openai_error(401, "Incorrect API key provided", "invalid_request_error");
    }
    boost::system::error_code ec;
    // The request is read once and dropped: one arena, not an allocation per value.
    json::monotonic_resource arena;
    json::value body = json::parse(req.body, ec, &arena);
    if (ec || !body.is_object() || !body.as_object().contains("messages")) {
      with_counts([](auto& c) { ++c.rejected; });
      return openai_error(400, "messages is required", "invalid_request_error");
    }
    const auto& obj = body.as_object();
    const bool stream =
        obj.contains("stream") && obj.at("stream").is_bool() && obj.at("stream").as_bool();
    const auto conv = find_conversation_ref(req.body);
    const auto drawn = llm.next();
    with_counts([&](auto& c) {
      ++c.completions;
      if (stream) ++c.streamed;
      if (!conv) ++c.unattributed;
    });
    if (conv) ledger.sim_time(*conv, drawn.delay.count());
    sim_response r;
    if (drawn.fate != call_fate::ok) {
      r = fate_answer(drawn.fate);
      r.delay = drawn.delay;
      return r;
    }
    const std::string content = draft_for(conv.value_or(0));
    const std::string cid = "chatcmpl-bench-" + std::to_string(next_id.fetch_add(1));
    json::object usage{{"prompt_tokens", 420}, {"completion_tokens", 80}, {"total_tokens", 500}};
    if (!stream) {
      json::object msg{{"role", "assistant"}, {"content", content}, {"refusal", nullptr}};
      r.body = json::serialize(
          json::object{{"id", cid},
                       {"object", "chat.completion"},
                       {"created", 1778062592},
                       {"model", "bench-model"},
                       {"choices", json::array{json::object{{"index", 0},
                                                            {"message", std::move(msg)},
                                                            {"logprobs", nullptr},
                                                            {"finish_reason", "stop"}}}},
                       {"usage", std::move(usage)}});
    } else {
      std::string sse;
      auto chunk = [&](json::object delta, json::value reason, bool with_usage) {
        json::array choices;
        if (!with_usage) {
          choices.push_back(json::object{
              {"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(reason)}});
        }
        json::object c{{"id", cid},
                       {"object", "chat.completion.chunk"},
                       {"created", 1778062592},
                       {"model", "bench-model"},
                       {"choices", std::move(choices)}};
        c["usage"] = with_usage ? json::value(usage) : json::value(nullptr);
        sse += "data: " + json::serialize(c) + "\n\n";
      };
      chunk(json::object{{"role", "assistant"}, {"content", ""}}, nullptr, false);
      const std::size_t half = content.size() / 2;
      chunk(json::object{{"content", content.substr(0, half)}}, nullptr, false);
      chunk(json::object{{"content", content.substr(half)}}, nullptr, false);
      chunk(json::object{}, json::value("stop"), false);
      chunk(json::object{}, nullptr, true);
      sse += "data: [DONE]\n\n";
      r.content_type = "text/event-stream";
      r.body = std::move(sse);
    }
    r.delay = drawn.delay;
    return r;
  }
};

sim_llm::sim_llm(dependency_spec llm, dependency_spec rag, conversation_ledger& ledger,
                 std::uint64_t seed, int threads, std::string api_key)
    : state_(std::make_shared<state>(llm, rag, ledger, seed, std::move(api_key))) {
  auto st = state_;
  server_ = std::make_unique<sim_http_server>([st](const sim_request& r) { return st->route(r); },
                                              threads);
}

sim_llm::~sim_llm() {
  stop();
}

expected<void, std::string> sim_llm::start() {
  return server_->start();
}

void sim_llm::stop() {
  server_->stop();
}

std::string sim_llm::base_url() const {
  return server_->base_url();
}

sim_llm_counts sim_llm::counts() const {
  sim_llm_counts c;
  {
    std::lock_guard lock(state_->mutex);
    c = state_->counts;
  }
  c.server = server_->stats();
  return c;
}

}  // namespace frontdesk::bench
