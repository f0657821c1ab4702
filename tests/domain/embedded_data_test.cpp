// The data files compiled into the binary are byte-identical to domain/data/*.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "domain/data/embedded_data.hpp"

namespace {

std::string read_source(const std::string& name) {
  std::ifstream in(std::string(FRONTDESK_SOURCE_DIR) + "/domain/data/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(embedded_data, matches_the_source_files) {
  for (const char* name :
       {"sentiment_lexicon.tsv", "language_stopwords.tsv", "intent_cues.tsv", "triage_cues.tsv"}) {
    const auto embedded = frontdesk::domain::data::embedded_file(name);
    EXPECT_FALSE(embedded.empty()) << name;
    EXPECT_EQ(std::string(embedded), read_source(name)) << name;
  }
  EXPECT_TRUE(frontdesk::domain::data::embedded_file("").empty());
  EXPECT_TRUE(frontdesk::domain::data::embedded_file("../CMakeLists.txt").empty());
}

}  // namespace
