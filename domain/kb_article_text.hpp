// Text helpers shared by knowledge-base indexing and drafting: UTF-8 hygiene, terms, sentences.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace frontdesk::domain {

/// Replaces every invalid UTF-8 sequence (overlong forms, surrogates, truncated sequences,
/// stray continuation bytes, code points above U+10FFFF) with `replacement`. NUL bytes are
/// replaced too.
std::string utf8_sanitize(std::string_view text, std::string_view replacement = "\xEF\xBF\xBD");

/// Number of code points in valid UTF-8 (invalid bytes count as one each).
std::size_t utf8_length(std::string_view text) noexcept;

/// Longest prefix of `text` with at most `max_code_points` code points, never cutting a sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_code_points) noexcept;

/// Search terms of free text: UTF-8 sanitised, split on ASCII punctuation/space and common
/// Unicode punctuation, ASCII-lowercased, English stopwords and support chatter removed, numbers
/// longer than 4 digits (order and tracking numbers) removed, duplicates removed (first occurrence
/// order kept), terms longer than 64 bytes dropped, at most `max_terms` returned.
std::vector<std::string> extract_terms(std::string_view text, std::size_t max_terms = 64);

/// True for stopwords (lowercase ASCII input).
bool is_stopword(std::string_view lowercase_word) noexcept;

/// A light English suffix stemmer for overlap scoring ("shipping", "shipped", "ships" -> "ship").
std::string light_stem(std::string_view lowercase_word);

/// Splits Markdown-ish text into sentences: list items and paragraphs are separate units;
/// heading lines (`#`) are skipped; `**`, `__` and backticks are removed; a sentence ends at
/// `.`, `!` or `?` followed by whitespace and an upper-case letter, digit or opening quote,
/// except after common abbreviations ("e.g.", "Mr.", single letters as in "U.S.").
std::vector<std::string> split_sentences(std::string_view text);

/// Splits `text` into parts of at most `max_code_points` code points, preferring sentence
/// boundaries, then whitespace, then any code-point boundary. Parts are trimmed and non-empty.
std::vector<std::string> split_at_sentence_boundaries(std::string_view text,
                                                      std::size_t max_code_points);

/// Trims ASCII whitespace on both ends.
std::string_view trim_ascii(std::string_view text) noexcept;

}  // namespace frontdesk::domain
