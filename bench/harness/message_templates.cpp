#include "bench/harness/message_templates.hpp"

#include <array>
#include <charconv>

namespace frontdesk::bench {
namespace {

using namespace std::string_view_literals;

constexpr std::array order_status{
    "Hi, my order #1042 hasn't arrived yet. Can you check where it is?"sv,
    "Could you tell me the status of order 2231? The tracking page shows nothing."sv,
    "When will my order ship? I placed it three days ago."sv,
};
constexpr std::array shipping{
    "Do you ship to Canada, and how long does delivery take?"sv,
    "My package is delayed, the carrier says it is stuck in transit."sv,
    "What are the shipping options for express delivery?"sv,
};
constexpr std::array returns{
    "I would like to return the shoes I bought, they are too small."sv,
    "How do I start a return? The jacket does not fit."sv,
    "The blender arrived damaged, I want to send it back."sv,
};
constexpr std::array refunds{
    "I returned my order two weeks ago and still have no refund of $40."sv,
    "Please refund the duplicate charge of $25 on my card."sv,
    "When will I get my money back for the cancelled order?"sv,
};
constexpr std::array product_info{
    "Is the travel mug dishwasher safe?"sv,
    "Does the backpack come in green?"sv,
    "What is the warranty on the headphones?"sv,
};
constexpr std::array feedback{
    "Just wanted to say the new app is great, thanks!"sv,
    "A suggestion: please add gift wrapping at checkout."sv,
};
constexpr std::array angry{
    "This is the THIRD time I am writing. Your service is terrible and nobody answers!"sv,
    "I am extremely disappointed, the product broke after one day. Worst purchase ever."sv,
};
constexpr std::array legal{
    "If this is not fixed today my lawyer will contact you."sv,
    "I am preparing a lawsuit over the damaged goods you refuse to replace."sv,
    "My attorney says this is fraud. Expect to hear from us."sv,
};

constexpr std::array<intent_templates, 8> intents{{
    {"order_status", false, order_status},
    {"shipping", false, shipping},
    {"returns", false, returns},
    {"refunds", false, refunds},
    {"product_info", false, product_info},
    {"feedback", false, feedback},
    {"angry", false, angry},
    {"legal", true, legal},
}};

}  // namespace

std::span<const intent_templates> all_intents() {
  return intents;
}

std::optional<std::size_t> intent_index(std::string_view name) {
  for (std::size_t i = 0; i < intents.size(); ++i) {
    if (intents[i].name == name) return i;
  }
  return std::nullopt;
}

std::string render_message(std::size_t intent, std::uint64_t variant, std::int64_t conversation_id,
                           int seq) {
  const auto& t = intents[intent % intents.size()];
  std::string out(t.texts[variant % t.texts.size()]);
  out += " [ref T";
  out += std::to_string(conversation_id);
  out += 'x';
  out += std::to_string(seq);
  out += ']';
  return out;
}

std::optional<std::int64_t> find_conversation_ref(std::string_view text) {
  static constexpr std::string_view mark = "[ref T";
  const auto at = text.find(mark);
  if (at == std::string_view::npos) return std::nullopt;
  const char* first = text.data() + at + mark.size();
  const char* last = text.data() + text.size();
  std::int64_t id = 0;
  const auto r = std::from_chars(first, last, id);
  if (r.ec != std::errc{} || r.ptr == last || *r.ptr != 'x' || id <= 0) return std::nullopt;
  return id;
}

}  // namespace frontdesk::bench
