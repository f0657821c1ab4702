#pragma once
// The command-line tools beside `serve`: each takes the arguments after its name and
// returns the process exit code.

namespace frontdesk::app {

/// frontdesk trace CONVERSATION_ID [--format text|json|chrome] [--db URI]
int run_trace(int argc, char** argv);
/// frontdesk replay CONVERSATION_ID [--db URI]
int run_replay(int argc, char** argv);

}  // namespace frontdesk::app
