#pragma once
// `frontdesk serve`: the server process.

namespace frontdesk::app {

/// frontdesk serve [--config PATH] [--demo]
int run_serve(int argc, char** argv);

}  // namespace frontdesk::app
