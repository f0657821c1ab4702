#include "io/http_responder.hpp"

namespace frontdesk::io {

detail::responder_state::~responder_state() {
  if (sink && !used.exchange(true))
    sink->deliver(
        http_response::error(500, "no_response", "The request was dropped without an answer."));
}

responder::responder(std::shared_ptr<detail::response_sink> sink)
    : state_(std::make_shared<detail::responder_state>()) {
  state_->sink = std::move(sink);
}

bool responder::operator()(http_response r) const {
  if (state_->used.exchange(true)) return false;
  state_->sink->deliver(std::move(r));
  return true;
}

std::shared_ptr<sse_stream> responder::start_sse(const sse_options& options) const {
  if (state_->used.exchange(true)) return nullptr;
  return state_->sink->open_stream(options);
}

}  // namespace frontdesk::io
