#pragma once
// An API client together with the HTTP client it runs on, owned as one object: an actor holds
// it by shared_ptr and its gateway attempts by weak_ptr, so a late attempt never uses a client
// that is gone.

#include "io/http_client.hpp"

namespace frontdesk::io {

template <class Client>
struct client_on_http {
  http_client http;
  Client client;

  template <class ClientOptions>
  client_on_http(const http_client_options& h, const ClientOptions& c) : http(h), client(http, c) {}
};

}  // namespace frontdesk::io
