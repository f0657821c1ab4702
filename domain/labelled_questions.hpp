#pragma once
// A labelled retrieval set: customer questions, each with the id of the knowledge-base article
// that answers it (kb/eval/questions.tsv), for measuring retrieval and calibrating confidence.

#include <string>
#include <string_view>
#include <vector>

namespace frontdesk::domain {

struct labelled_question {
  std::string question;
  std::string article_id;
};

/// One "question<TAB>article id" per line. Blank lines, lines starting with '#' and lines
/// without a tab are skipped; a trailing '\r' is dropped.
std::vector<labelled_question> parse_labelled_questions(std::string_view text);

}  // namespace frontdesk::domain
