// One retrieved knowledge-base passage, as returned by the search index and consumed by drafters.
#pragma once

#include <string>

namespace frontdesk::domain {

/// A section (or part of a section) of a knowledge-base article that matched a query.
struct knowledge_passage {
  std::string article_id;  ///< stable article id from the front matter ("shipping")
  std::string title;       ///< article title
  int version = 1;         ///< article version from the front matter
  std::string section;     ///< the `##` heading the passage comes from
  std::string text;        ///< the passage body (Markdown, no heading line)
  double relevance = 0.0;  ///< 0..1, higher is better (see persistence/kb_index.hpp)
};

}  // namespace frontdesk::domain
