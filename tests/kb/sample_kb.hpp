// The sample knowledge base and its labelled questions, for retrieval tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "domain/labelled_questions.hpp"

namespace frontdesk::test {

inline const std::filesystem::path sample_kb_dir =
    std::filesystem::path(FRONTDESK_SOURCE_DIR) / "kb";

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// tests/kb/data/retrieval_labelled.tsv: questions and the article that answers each.
inline std::vector<domain::labelled_question> sample_kb_questions() {
  return domain::parse_labelled_questions(read_file(std::filesystem::path(FRONTDESK_SOURCE_DIR) /
                                                    "tests/kb/data/retrieval_labelled.tsv"));
}

}  // namespace frontdesk::test
