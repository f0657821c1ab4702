#pragma once
// Triage of a customer message: priority, AI-or-human route and escalation reason (PRODUCT.md
// "Triage").

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/channel.hpp"
#include "domain/intent.hpp"
#include "domain/language.hpp"
#include "domain/priority.hpp"
#include "domain/sentiment.hpp"

namespace frontdesk::domain {

enum class triage_route { ai_draft, human };
enum class escalation_category { billing, legal, security, technical, general };

/// "ai_draft", "human".
std::string_view to_string(triage_route r) noexcept;
/// "billing", "legal", "security", "technical", "general".
std::string_view to_string(escalation_category c) noexcept;
std::optional<escalation_category> parse_escalation_category(std::string_view text) noexcept;

struct customer_history {
  int unresolved_conversations = 0;  ///< open conversations of this contact, this one excluded
  std::optional<double> last_ai_reply_grade;  ///< mean grade (1..5) of the previous AI reply
};

struct triage_input {
  std::string text;
  domain::channel channel = channel::other;  ///< carried for callers; does not change the result
  std::vector<std::string> labels;           ///< labels already on the conversation
  std::map<std::string, std::string> custom_attributes;  ///< order_number, order_value, ...
  customer_history history;
};

struct team_assignment {
  std::optional<std::int64_t> team_id;
  std::optional<std::int64_t> assignee_id;
};

struct triage_config {
  bool keywords_enabled = true;
  std::vector<std::string> keywords = {"urgent", "emergency",  "lawyer",   "lawsuit",
                                       "fraud",  "chargeback", "attorney", "sue"};
  /// Category of a keyword trigger; keywords not listed use the message's category.
  std::map<std::string, escalation_category> keyword_categories = {
      {"lawyer", escalation_category::legal},   {"lawsuit", escalation_category::legal},
      {"attorney", escalation_category::legal}, {"sue", escalation_category::legal},
      {"fraud", escalation_category::security}, {"chargeback", escalation_category::billing}};

  bool unresolved_enabled = true;
  int max_unresolved_conversations = 2;  ///< escalate when the count is greater
  bool low_grade_enabled = true;
  double min_last_grade = 3.0;  ///< escalate when the last AI reply's grade is below
  bool order_value_enabled = true;
  double max_order_value_usd = 500.0;  ///< escalate when the order value is greater
  std::vector<std::string> order_value_attributes = {"order_value", "order_total", "total"};
  bool refund_enabled = true;
  double max_refund_usd = 100.0;  ///< escalate when a refund over this is mentioned
  bool anger_enabled = true;
  double anger_threshold = 0.6;  ///< escalate when sentiment anger is at least this

  std::map<escalation_category, team_assignment> routing;  ///< where each category goes
};

struct triage_trigger {
  std::string reason;  ///< "p0", "keyword:<word>", "refund_amount", "order_value", "high_anger",
                       ///< "low_grade", "unresolved_conversations"
  std::string detail;  ///< human-readable evidence ("mentions \"Lawyers\"", "$250.00 refund")
  escalation_category category = escalation_category::general;
};

struct triage_result {
  domain::priority priority = priority::p2;
  std::string priority_cue;  ///< the cue that set P0/P1/P3, empty for the P2 default
  triage_route route = triage_route::ai_draft;
  std::string escalation_reason;         ///< primary trigger's reason; empty on the AI route
  std::vector<triage_trigger> triggers;  ///< all triggers, primary first
  escalation_category category = escalation_category::general;
  team_assignment assignment;  ///< from config.routing for the category (human route only)
  intent_result intent;
  language_guess language;
  sentiment_result sentiment;
  std::vector<std::string> labels_to_apply;  ///< new labels (not already on the conversation)
};

/// Rules, in order:
///  1. Priority from the cue list (embedded domain/data/triage_cues.tsv): any P0 cue → P0;
///     else any P1 cue → P1; else a P3 cue or the feedback intent → P3 unless the intent is
///     a concrete request (order_status, shipping, returns, refund, payment, account); else P2.
///  2. Triggers (each can be switched off in config): P0 itself ("p0"); a keyword
///     ("keyword:<word>", first in the text); a refund over the threshold near a refund word
///     ("refund_amount"); the order value attribute over the threshold ("order_value"); anger
///     at or over the threshold ("high_anger"); the last AI grade under the minimum
///     ("low_grade"); more unresolved conversations than allowed ("unresolved_conversations").
///     The primary reason is the first present in that order.
///  3. Any trigger routes to a human and raises P2/P3 to P1 (P0 stays P0).
///  4. Category: P0 → its cue's category; keyword → config.keyword_categories, else the
///     message category; refund/order value → billing; otherwise the message category, taken
///     from the intent (payment, refund → billing; account → technical; else general).
///  5. Labels: "priority_pN", "intent_<intent>" (not for other), "lang_<code>" (not en/und),
///     and on the human route "ai_escalated" and "escalation_<category>".
triage_result triage(const triage_input& input, const triage_config& config);

}  // namespace frontdesk::domain
