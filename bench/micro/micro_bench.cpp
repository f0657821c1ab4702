// Micro-benchmarks of the per-message hot paths: state machine transitions, triage, webhook
// parse + signature check, draft and private-note formatting, edit distance, event codec,
// a conversation's snapshot as each commit encodes it, retrieval from the embedded knowledge index.
//
//   micro_bench [--benchmark_filter=REGEX] [--benchmark_min_time=0.5s] ...
//
// The webhook benchmark reads FRONTDESK_SHARED_DIR/fixtures/chatwoot/signed_delivery.*.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "actors/conversation_snapshot.hpp"
#include "domain/drafter.hpp"
#include "domain/edit_distance.hpp"
#include "domain/private_note.hpp"
#include "domain/triage.hpp"
#include "fsm/event_codec.hpp"
#include "fsm/machine.hpp"
#include "io/chatwoot_event.hpp"
#include "io/webhook_signature.hpp"
#include "persistence/kb_index.hpp"

namespace {
namespace fsm = frontdesk::fsm;
namespace domain = frontdesk::domain;
namespace io = frontdesk::io;

const fsm::time_point t0{std::chrono::milliseconds(1'778'062'532'000)};

fsm::conversation must(const fsm::conversation& c, const fsm::event& e) {
  auto r = fsm::apply(c, e, fsm::context{t0, "bench", "bench"}, fsm::machine_config{});
  if (!r) throw std::runtime_error(r.error().message);
  return r->next;
}

void bm_fsm(benchmark::State& state, const fsm::conversation& c, const fsm::event& e) {
  const fsm::machine_config cfg;
  const fsm::context ctx{t0, "webhook:message_created:4521", "customer"};
  for (auto _ : state) {
    auto r = fsm::apply(c, e, ctx, cfg);
    benchmark::DoNotOptimize(r);
  }
}

void BM_fsm_customer_message(benchmark::State& state) {
  const fsm::conversation fresh{.id = 9001};
  bm_fsm(state, fresh, fsm::ev::customer_message{4521});
}
BENCHMARK(BM_fsm_customer_message);

void BM_fsm_triage(benchmark::State& state) {
  const fsm::conversation received =
      must(fsm::conversation{.id = 9001}, fsm::ev::customer_message{1});
  bm_fsm(state, received, fsm::ev::triaged{domain::priority::p2, false, ""});
}
BENCHMARK(BM_fsm_triage);

void BM_fsm_approve(benchmark::State& state) {
  fsm::conversation c = must(fsm::conversation{.id = 9001}, fsm::ev::customer_message{1});
  c = must(c, fsm::ev::triaged{domain::priority::p2, false, ""});
  c = must(c, fsm::ev::draft_ready{c.draft_request, 0.9});
  bm_fsm(state, c, fsm::ev::approve{c.draft_version, "alice", "fp-approve-1"});
}
BENCHMARK(BM_fsm_approve);

void BM_triage(benchmark::State& state) {
  domain::triage_input in;
  in.text =
      "Hi, my order #1042 hasn't arrived yet. It was supposed to be here on Monday. Can you "
      "check where it is?";
  in.channel = domain::channel::email;
  in.custom_attributes = {{"order_number", "1042"}, {"order_value", "84.50"}};
  const domain::triage_config cfg;
  for (auto _ : state) {
    auto r = domain::triage(in, cfg);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_triage);

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct signed_delivery {
  std::string body, secret, signature, timestamp;
  bool ok = false;
};

signed_delivery load_delivery() {
  const std::string dir = std::string(FRONTDESK_SHARED_DIR) + "/fixtures/chatwoot/";
  signed_delivery d;
  d.body = read_file(dir + "signed_delivery.body.json");
  boost::system::error_code ec;
  const auto meta = boost::json::parse(read_file(dir + "signed_delivery.headers.json"), ec);
  if (ec || d.body.empty()) return d;
  const auto& o = meta.as_object();
  const auto& h = o.at("headers").as_object();
  d.secret = o.at("secret").as_string();
  d.signature = h.at("X-Chatwoot-Signature").as_string();
  d.timestamp = h.at("X-Chatwoot-Timestamp").as_string();
  d.ok = true;
  return d;
}

void BM_webhook_parse_and_verify(benchmark::State& state) {
  const signed_delivery d = load_delivery();
  if (!d.ok) {
    state.SkipWithError("signed_delivery fixtures not found");
    return;
  }
  const std::int64_t ts = std::stoll(d.timestamp);
  const io::chatwoot_signature_verifier verifier({.secrets = {d.secret}}, [ts] { return ts; });
  if (!verifier.verify(d.signature, d.timestamp, d.body) || !io::parse_chatwoot_event(d.body)) {
    state.SkipWithError("the fixture does not verify or parse");
    return;
  }
  for (auto _ : state) {
    auto v = verifier.verify(d.signature, d.timestamp, d.body);
    auto e = io::parse_chatwoot_event(d.body);
    benchmark::DoNotOptimize(v);
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.body.size()));
}
BENCHMARK(BM_webhook_parse_and_verify);

void BM_webhook_parse_only(benchmark::State& state) {
  const signed_delivery d = load_delivery();
  if (!d.ok) {
    state.SkipWithError("signed_delivery fixtures not found");
    return;
  }
  for (auto _ : state) {
    auto e = io::parse_chatwoot_event(d.body);
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.body.size()));
}
BENCHMARK(BM_webhook_parse_only);

domain::draft_request shipping_question() {
  domain::draft_request r;
  r.customer_message = "How long does standard shipping take and how much does it cost?";
  r.via = domain::channel::email;
  r.contact_name = "Priya Patel";
  r.intent = "shipping";
  r.passages = {
      {"shipping", "Shipping options, costs and delivery times", 3, "Shipping methods and costs",
       "We ship to all 50 US states, Washington D.C. and Puerto Rico with UPS, USPS and FedEx.\n\n"
       "- Standard shipping: 3-5 business days, $5.99. Free on orders of $50 or more after "
       "discounts.\n- Expedited shipping: 2 business days, $12.99.\n- Overnight shipping: next "
       "business day, $24.99. Order before 1:00 pm ET for same-day dispatch.\n\nDelivery times "
       "are counted from the day your order leaves the warehouse, not from the day you place it.",
       0.91},
      {"shipping", "Shipping options, costs and delivery times", 3, "Free shipping threshold",
       "Free standard shipping applies automatically when your order total is $50 or more after "
       "promo codes and before tax. Gift card purchases do not count towards the $50 threshold.",
       0.84},
      {"order-tracking", "Tracking your order", 3, "Tracking number",
       "When your order ships, we email you a shipping confirmation with the carrier name and a "
       "tracking number, usually within 24 hours of dispatch.",
       0.72},
  };
  return r;
}

void BM_draft_offline_reply(benchmark::State& state) {
  const domain::draft_request r = shipping_question();
  for (auto _ : state) {
    auto d = domain::draft_offline_reply(r);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_draft_offline_reply);

void BM_format_private_note(benchmark::State& state) {
  const auto draft = domain::draft_offline_reply(shipping_question());
  domain::private_note_input in;
  in.draft = draft.reply;
  in.confidence = draft.retrieval_confidence;
  for (const auto& s : draft.sources) {
    in.sources.push_back({s.article_id, s.title, s.version, s.relevance});
  }
  in.tags = {"shipping", "order-status"};
  in.sentiment = "neutral";
  in.urgency = "medium";
  in.recommended_action = std::string(domain::to_string(draft.action));
  in.generated_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'778'062'532));
  for (auto _ : state) {
    auto note = domain::format_private_note(in);
    benchmark::DoNotOptimize(note);
  }
}
BENCHMARK(BM_format_private_note);

/// ~2 KB of English-like text, and a copy with about 5 % of its characters edited.
std::pair<std::string, std::string> two_kb_texts() {
  const std::string words[] = {"order", "shipping", "refund", "the",   "your", "we", "package",
                               "days",  "business", "will",   "email", "and",  "to", "arrive"};
  std::mt19937 rng(7);
  std::string a;
  while (a.size() < 2048) {
    a += words[rng() % std::size(words)];
    a += ' ';
  }
  a.resize(2048);
  std::string b = a;
  for (int i = 0; i < 100; ++i) {
    const std::size_t at = rng() % b.size();
    switch (rng() % 3) {
      case 0:
        b[at] = static_cast<char>('a' + rng() % 26);
        break;
      case 1:
        b.erase(at, 1);
        break;
      default:
        b.insert(at, 1, static_cast<char>('a' + rng() % 26));
        break;
    }
  }
  return {a, b};
}

void BM_edit_distance_2kb(benchmark::State& state) {
  const auto [a, b] = two_kb_texts();
  for (auto _ : state) {
    auto d = domain::edit_distance(a, b);
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * (a.size() + b.size())));
}
BENCHMARK(BM_edit_distance_2kb)->Unit(benchmark::kMicrosecond);

void BM_event_codec_round_trip(benchmark::State& state) {
  const fsm::event e = fsm::ev::escalate{3, "alice", "fp-0123456789abcdef", 17};
  for (auto _ : state) {
    auto back = fsm::decode_event(fsm::encode_event(e));
    benchmark::DoNotOptimize(back);
  }
}
BENCHMARK(BM_event_codec_round_trip);

/// A conversation's snapshot as every commit writes it: a draft waiting for approval.
void BM_encode_snapshot(benchmark::State& state) {
  frontdesk::actors::conversation_snapshot s;
  s.fsm = must(must(fsm::conversation{4521}, fsm::ev::customer_message{9001}),
               fsm::ev::triaged{domain::priority::p2, false, ""});
  s.fsm = must(s.fsm, fsm::ev::draft_ready{s.fsm.draft_request, 0.82});
  s.info.contact = {77, "Jane Doe", "jane@example.com"};
  s.info.labels = {"order_status"};
  s.info.custom_attributes = {{"order_number", "1042"}};
  s.info.last_customer_text = "Where is my order #1042? It was due Monday.";
  frontdesk::actors::draft_content d;
  d.request_id = s.fsm.draft_request;
  d.text = std::string(600, 'x');
  d.confidence = 0.82;
  d.recommended_action = "approve";
  d.sources_json = R"([{"id":"kb-shipping-times","title":"Shipping times","relevance":0.86}])";
  d.tags_json = R"(["order_status"])";
  d.sentiment_json = R"({"score":-0.2,"label":"negative","urgency":"normal"})";
  d.drafter_version = "openai:bench-model";
  d.intent = "order_status";
  d.draft_version = s.fsm.draft_version;
  d.status = "pending";
  s.draft = d;
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = frontdesk::actors::encode_snapshot(s);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_encode_snapshot);

}  // namespace

/// Retrieval of one customer question from the sample knowledge base (embedded index), ranked
/// in memory (argument 1) or by FTS5's bm25() in SQLite (argument 0).
void BM_kb_query(benchmark::State& state) {
  frontdesk::persistence::kb_index_options options;
  if (state.range(0) == 0) options.memory_ranking_limit = 0;
  auto index = frontdesk::persistence::kb_index::open(":memory:", options);
  if (!index || !index->index_folder(FRONTDESK_SOURCE_DIR "/kb")) {
    state.SkipWithError("cannot index the sample knowledge base");
    return;
  }
  for (auto _ : state) {
    auto r = index->query("Where is my order? It was supposed to arrive yesterday.", 3, 0.7);
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(index->last_ranked_in_memory() ? "in memory" : "in SQLite");
}
BENCHMARK(BM_kb_query)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
