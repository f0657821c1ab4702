// Parses a Markdown knowledge-base article (front matter + `##` sections) and chunks it for search.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/expected.hpp"

namespace frontdesk::domain {

/// One `##` section of an article. Text before the first `##` becomes a section named "Overview".
struct kb_section {
  std::string heading;
  std::string text;  ///< body lines, trimmed, LF line endings; `###` sub-headings kept inline
};

struct kb_article {
  std::string id;     ///< [a-z0-9_-], 1..64 chars
  std::string title;  ///< front matter `title`, else the first `# ` heading, else the id
  int version = 1;    ///< front matter `version` (positive integer), default 1
  std::vector<kb_section> sections;
};

/// A searchable piece of an article: a whole section, or a paragraph-aligned part of a long one.
struct kb_chunk {
  std::string section;
  std::string text;
};

enum class kb_parse_error_code {
  too_large,  ///< input over kb_article_max_bytes
  unterminated_front_matter,
  malformed_front_matter,  ///< a line that is not `key: value`
  invalid_id,
  invalid_version,
  missing_id,  ///< no `id` in front matter and no fallback id
};

struct kb_parse_error {
  kb_parse_error_code code;
  std::string message;
  std::size_t line = 0;  ///< 1-based line of the problem, 0 when not tied to a line
};

inline constexpr std::size_t kb_article_max_bytes = 4 * 1024 * 1024;

/// Parses one article. `fallback_id` (usually the file stem) is used when the front matter has no
/// `id` or when there is no front matter at all. Accepts CRLF/CR line endings and a UTF-8 BOM.
/// Unknown front matter keys are ignored; values may be wrapped in single or double quotes.
expected<kb_article, kb_parse_error> parse_kb_article(std::string_view markdown,
                                                      std::string_view fallback_id = {});

/// Splits every section into chunks: one per section, or, for sections longer than
/// `max_chars`, consecutive paragraphs grouped up to about `max_chars` (a single paragraph longer
/// than that is split at sentence, then word boundaries). Empty sections produce no chunk.
std::vector<kb_chunk> chunk_article(const kb_article& article, std::size_t max_chars = 800);

/// True when `id` is a valid article id.
bool is_valid_kb_article_id(std::string_view id) noexcept;

}  // namespace frontdesk::domain
