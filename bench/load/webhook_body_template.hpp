// Turns the Chatwoot message_created fixture into a cheap template that yields a unique,
// well-formed webhook body per request (message id, conversation id, contact id, content).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/expected.hpp"

namespace frontdesk::bench {

class webhook_body_template {
 public:
  /// Parses the fixture and marks the ids to vary; the error names what is missing.
  static expected<webhook_body_template, std::string> from_fixture(std::string_view json);

  /// The fixture with these ids in every place they appear, and the message id in its content.
  std::string render(std::int64_t message_id, std::int64_t conversation_id,
                     std::int64_t contact_id) const;

 private:
  enum class slot { message, conversation, contact };
  struct piece {
    std::string text;  // literal text before the slot
    slot what;
  };
  std::vector<piece> pieces_;
  std::string tail_;
  std::size_t size_hint_ = 0;
};

}  // namespace frontdesk::bench
