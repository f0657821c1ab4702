// A simulated week of customer questions through the built-in drafting pipeline (triage,
// retrieval over kb/, the offline drafter, confidence), each draft reviewed by an oracle that
// knows which article answers the question, and the quality report's calibration table: the
// acceptance rate per confidence decile and the Brier score.
//
//   calibration_week [--kb DIR] [--questions FILE] [--per-day N] [--seed S]
//
// The oracle approves a draft whose first source is the expected article, makes a minor edit
// when the expected article is among the sources, and a major edit (not accepted) otherwise.
// Every AI draft is judged, also those the product would escalate for low confidence, so the
// table shows what the confidence predicts over its whole range.

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "actors/drafting_actor.hpp"
#include "domain/labelled_questions.hpp"
#include "domain/quality_metrics.hpp"
#include "domain/triage.hpp"
#include "persistence/kb_index.hpp"

namespace {

using namespace frontdesk;

std::vector<domain::labelled_question> load_questions(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return domain::parse_labelled_questions(text.str());
}

/// The same question as different customers would write it.
std::string dressed(const std::string& q, std::mt19937_64& rng) {
  static const char* greetings[] = {"", "Hi, ", "Hello there. ", "Good morning! ", "hey "};
  static const char* context[] = {"", " I ordered last week.", " My order number is 1042.",
                                  " This is the second time I ask.", " Thanks for your help."};
  static const char* signoffs[] = {"", " Thanks", " Regards, Sam", " Cheers"};
  std::string text = greetings[rng() % 5];
  text += q;
  text += context[rng() % 5];
  text += signoffs[rng() % 4];
  return text;
}

std::vector<std::string> source_ids(const std::string& sources_json) {
  std::vector<std::string> ids;
  boost::system::error_code ec;
  const auto v = boost::json::parse(sources_json, ec);
  if (ec || !v.is_array()) return ids;
  for (const auto& s : v.as_array()) {
    if (const auto* id = s.is_object() ? s.as_object().if_contains("id") : nullptr;
        id && id->is_string()) {
      ids.emplace_back(id->as_string());
    }
  }
  return ids;
}

}  // namespace

int main(int argc, char** argv) {
  std::string kb_dir = FRONTDESK_SOURCE_DIR "/kb";
  std::string questions_file = FRONTDESK_SOURCE_DIR "/kb/eval/questions.tsv";
  int per_day = 300;
  std::uint64_t seed = 20261122;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--kb") {
      kb_dir = argv[i + 1];
    } else if (a == "--questions") {
      questions_file = argv[i + 1];
    } else if (a == "--per-day") {
      per_day = std::max(1, std::atoi(argv[i + 1]));
    } else if (a == "--seed") {
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    } else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  const auto questions = load_questions(questions_file);
  auto index = persistence::kb_index::open(":memory:");
  if (questions.empty() || !index || !index->index_folder(kb_dir)) {
    std::cerr << "calibration_week: cannot read " << questions_file << " or index " << kb_dir
              << "\n";
    return 1;
  }
  std::mt19937_64 rng(seed);
  const domain::triage_config triage_config;
  const actors::builtin_drafter_options options{5, 0.7, "Customer Support"};
  std::vector<domain::learning_record> records;
  std::size_t to_human = 0;
  const auto week_start = std::chrono::sys_seconds(std::chrono::seconds(1'795'000'000));
  for (int day = 0; day < 7; ++day) {
    for (int n = 0; n < per_day; ++n) {
      const domain::labelled_question& q = questions[rng() % questions.size()];
      domain::triage_input in;
      in.text = dressed(q.question, rng);
      in.channel = domain::channel::email;
      const domain::triage_result t = domain::triage(in, triage_config);
      domain::learning_record r;
      r.created_at = week_start + std::chrono::hours(24 * day) + std::chrono::minutes(n);
      r.reviewed_at = r.created_at + std::chrono::minutes(4 + static_cast<int>(rng() % 10));
      r.priority = t.priority;
      if (t.route == domain::triage_route::human) {
        ++to_human;
        r.ai_drafted = false;
        r.action = domain::review_action::human_reply;
        records.push_back(r);
        continue;
      }
      actors::draft_request req;
      req.customer_message = in.text;
      req.channel = in.channel;
      req.contact.name = "Sam";
      req.priority = t.priority;
      req.intent = std::string(domain::to_string(t.intent.value));
      req.intent_certainty = t.intent.certainty;
      req.sentiment_score = t.sentiment.score;
      auto found = index->query(in.text, 5, options.min_relevance);
      const bool unavailable = !found;
      auto reply = actors::compose_builtin_draft(
          req, found ? std::move(*found) : std::vector<domain::knowledge_passage>{}, unavailable,
          options);
      const auto& d = reply->draft;
      const auto ids = source_ids(d.sources_json);
      r.confidence = d.confidence;
      r.draft_length = d.text.size();
      if (!ids.empty() && ids.front() == q.article_id) {
        r.action = domain::review_action::approve;
      } else if (std::find(ids.begin(), ids.end(), q.article_id) != ids.end()) {
        r.action = domain::review_action::edit;
        r.edit_distance = r.draft_length / 10;  // minor: the right article, another lead
      } else {
        r.action = domain::review_action::edit;
        r.edit_distance = r.draft_length * 6 / 10;  // major: the answer had to be rewritten
      }
      records.push_back(r);
    }
  }
  const domain::quality_report q = domain::compute_quality(records);
  std::printf("simulated week: %d questions a day from %zu labelled ones, seed %llu\n", per_day,
              questions.size(), static_cast<unsigned long long>(seed));
  std::printf("AI drafts %zu, straight to a human %zu\n\n", q.ai_drafts, to_human);
  std::printf("confidence   drafts   accepted (approve or minor edit)\n");
  for (const auto& bin : q.calibration) {
    if (bin.count == 0) {
      std::printf("%.1f-%.1f   %6zu   -\n", bin.lower, bin.lower + 0.1, bin.count);
    } else {
      std::printf("%.1f-%.1f   %6zu   %5.1f %%\n", bin.lower, bin.lower + 0.1, bin.count,
                  100.0 * bin.acceptance_rate.value_or(0));
    }
  }
  std::printf("\nBrier score %.3f (0 is perfect; always answering 0.5 scores 0.25)\n",
              q.brier_score.value.value_or(0));
  std::printf("approval %.1f %%, approval without major edits %.1f %%\n",
              100.0 * q.approval_rate.value.value_or(0),
              100.0 * q.approval_without_major_edits.value.value_or(0));
  return 0;
}
