// Accumulates an OpenAI text/event-stream answer (data: {...} deltas, data: [DONE]) incrementally.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "io/openai_chat.hpp"

namespace frontdesk::io {

class openai_stream_accumulator {
 public:
  static constexpr std::size_t max_line_bytes = 1024 * 1024;
  static constexpr std::size_t max_content_bytes = 1024 * 1024;

  /// Feeds the next bytes (any split, even mid-line). False once the stream is malformed;
  /// `finish` then reports why.
  bool feed(std::string_view bytes);
  /// True after `data: [DONE]`.
  bool done() const noexcept { return done_; }
  /// The delta text so far (for live previews).
  const std::string& content() const noexcept { return content_; }
  /// Ends the stream (a trailing event without blank line is still processed) and validates.
  chat_result finish(const token_prices& prices);

 private:
  void line(std::string_view l);
  void dispatch();
  void fail(std::string why);

  std::string pending_;  // bytes of an unfinished line
  std::string data_;     // data lines of the current event
  bool has_data_ = false;
  std::string content_;
  std::string model_;
  std::string finish_reason_;
  token_usage usage_;
  bool done_ = false;
  bool failed_ = false;
  bool refused_ = false;
  openai_error error_;
};

}  // namespace frontdesk::io
