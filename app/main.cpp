// frontdesk: one executable, several commands.

#include <cstring>
#include <iostream>

#include "app/serve.hpp"
#include "app/tools.hpp"

namespace {

void usage() {
  std::cerr << "usage: frontdesk <command> [options]\n"
               "  serve [--config PATH] [--demo]            run the server\n"
               "  trace ID [--format text|json|chrome]     a conversation's transitions\n"
               "  replay ID                                 re-run recorded events through the "
               "state machine\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage();
    return 2;
  }
  const std::string command = argv[1];
  if (command == "serve") return frontdesk::app::run_serve(argc - 2, argv + 2);
  if (command == "trace") return frontdesk::app::run_trace(argc - 2, argv + 2);
  if (command == "replay") return frontdesk::app::run_replay(argc - 2, argv + 2);
  if (command == "--help" || command == "-h" || command == "help") {
    usage();
    return 0;
  }
  std::cerr << "frontdesk: unknown command " << command << "\n";
  usage();
  return 2;
}
