#include "domain/kb_article.hpp"

#include <charconv>

#include "domain/kb_article_text.hpp"

namespace frontdesk::domain {
namespace {

std::string normalise_newlines(std::string_view in) {
  if (in.size() >= 3 && in.substr(0, 3) == "\xEF\xBB\xBF") in.remove_prefix(3);
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < in.size() && in[i + 1] == '\n') ++i;
    } else {
      out.push_back(in[i]);
    }
  }
  return utf8_sanitize(out);
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(pos));
      break;
    }
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view unquote(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    return v.substr(1, v.size() - 2);
  return v;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// "Shipping Policy (v2)" -> "shipping-policy-v2"; empty when nothing usable is left.
std::string slug_from(std::string_view raw) {
  std::string out;
  for (char c : lower_ascii(raw)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (ok) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  while (!out.empty() && out.front() == '-') out.erase(out.begin());
  if (out.size() > 64) out.resize(64);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

/// Heading text of a `#`-line with exactly `level` hashes, or nullopt-like empty+false.
bool heading_of(std::string_view line, std::size_t level, std::string_view& text) {
  if (line.size() < level || line.substr(0, level) != std::string(level, '#')) return false;
  if (line.size() > level && line[level] == '#') return false;  // deeper level
  if (line.size() > level && line[level] != ' ' && line[level] != '\t') return false;
  auto t = trim_ascii(line.substr(level));
  while (!t.empty() && t.back() == '#') t.remove_suffix(1);  // closing hashes
  text = trim_ascii(t);
  return true;
}

kb_parse_error make_error(kb_parse_error_code code, std::string message, std::size_t line = 0) {
  return kb_parse_error{code, std::move(message), line};
}

}  // namespace

bool is_valid_kb_article_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

expected<kb_article, kb_parse_error> parse_kb_article(std::string_view markdown,
                                                      std::string_view fallback_id) {
  if (markdown.size() > kb_article_max_bytes)
    return unexpected{make_error(kb_parse_error_code::too_large, "article larger than 4 MiB")};
  const std::string text = normalise_newlines(markdown);
  const auto lines = split_lines(text);

  kb_article article;
  std::string id;
  std::string title;
  std::size_t body_start = 0;

  if (!lines.empty() && rtrim(lines[0]) == "---") {
    std::size_t i = 1;
    for (; i < lines.size(); ++i) {
      const auto line = rtrim(lines[i]);
      if (line == "---" || line == "...") break;
      const auto trimmed = trim_ascii(line);
      if (trimmed.empty() || trimmed.front() == '#') continue;
      const auto colon = trimmed.find(':');
      if (colon == std::string_view::npos || colon == 0)
        return unexpected{make_error(kb_parse_error_code::malformed_front_matter,
                                     "front matter line is not 'key: value'", i + 1)};
      const auto key = lower_ascii(trim_ascii(trimmed.substr(0, colon)));
      const auto value = unquote(trim_ascii(trimmed.substr(colon + 1)));
      if (key == "id") {
        if (!is_valid_kb_article_id(value))
          return unexpected{make_error(kb_parse_error_code::invalid_id,
                                       "id must be 1-64 characters of [a-z0-9_-]", i + 1)};
        id = std::string(value);
      } else if (key == "title") {
        title = std::string(value);
      } else if (key == "version") {
        int v = 0;
        const auto* first = value.data();
        const auto* last = value.data() + value.size();
        const auto [ptr, ec] = std::from_chars(first, last, v);
        if (value.empty() || ec != std::errc{} || ptr != last || v <= 0)
          return unexpected{make_error(kb_parse_error_code::invalid_version,
                                       "version must be a positive integer", i + 1)};
        article.version = v;
      }
    }
    if (i >= lines.size())
      return unexpected{make_error(kb_parse_error_code::unterminated_front_matter,
                                   "front matter opened with '---' is never closed", 1)};
    body_start = i + 1;
  }

  if (id.empty()) id = slug_from(fallback_id);
  if (id.empty())
    return unexpected{make_error(kb_parse_error_code::missing_id,
                                 "no id in front matter and no usable fallback id")};
  article.id = std::move(id);

  kb_section current{"Overview", {}};
  bool in_fence = false;
  bool have_h1 = false;
  auto flush = [&] {
    const auto body = trim_ascii(current.text);
    if (!body.empty() || current.heading != "Overview") {
      article.sections.push_back(kb_section{current.heading, std::string(body)});
    }
    current.text.clear();
  };
  for (std::size_t i = body_start; i < lines.size(); ++i) {
    const auto line = rtrim(lines[i]);
    const auto trimmed = trim_ascii(line);
    if (trimmed.substr(0, 3) == "```" || trimmed.substr(0, 3) == "~~~") in_fence = !in_fence;
    std::string_view heading;
    if (!in_fence && heading_of(line, 2, heading)) {
      flush();
      current.heading = heading.empty() ? std::string("Section") : std::string(heading);
      continue;
    }
    if (!in_fence && !have_h1 && heading_of(line, 1, heading)) {
      have_h1 = true;
      if (title.empty()) title = std::string(heading);
      continue;
    }
    current.text.append(line);
    current.text.push_back('\n');
  }
  flush();
  article.title = title.empty() ? article.id : std::move(title);
  return article;
}

std::vector<kb_chunk> chunk_article(const kb_article& article, std::size_t max_chars) {
  if (max_chars < 40) max_chars = 40;
  std::vector<kb_chunk> chunks;
  for (const auto& section : article.sections) {
    if (section.text.empty()) continue;
    if (utf8_length(section.text) <= max_chars) {
      chunks.push_back(kb_chunk{section.heading, section.text});
      continue;
    }
    // Paragraphs, separated by blank lines.
    std::vector<std::string> paragraphs;
    std::string_view rest = section.text;
    while (!rest.empty()) {
      const auto gap = rest.find("\n\n");
      const auto para = trim_ascii(rest.substr(0, gap));
      if (!para.empty()) {
        if (utf8_length(para) > max_chars) {
          for (auto& part : split_at_sentence_boundaries(para, max_chars))
            paragraphs.push_back(std::move(part));
        } else {
          paragraphs.emplace_back(para);
        }
      }
      if (gap == std::string_view::npos) break;
      rest.remove_prefix(gap + 2);
    }
    std::string current;
    for (const auto& para : paragraphs) {
      if (!current.empty() && utf8_length(current) + 2 + utf8_length(para) > max_chars) {
        chunks.push_back(kb_chunk{section.heading, std::move(current)});
        current.clear();
      }
      if (!current.empty()) current.append("\n\n");
      current.append(para);
    }
    if (!current.empty()) chunks.push_back(kb_chunk{section.heading, std::move(current)});
  }
  return chunks;
}

}  // namespace frontdesk::domain
