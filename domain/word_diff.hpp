#pragma once
// Word-level diff between a draft and the sent text, for showing operators what changed.

#include <string>
#include <string_view>
#include <vector>

namespace frontdesk::domain {

enum class diff_op { equal, insert, del };

/// "equal", "insert", "delete".
std::string_view to_string(diff_op op) noexcept;

struct diff_segment {
  diff_op op = diff_op::equal;
  std::string text;  ///< words with their following whitespace, as in the source text
  bool operator==(const diff_segment&) const = default;
};

/// Splits both texts into words (each with its trailing whitespace), aligns them with a
/// longest common subsequence and merges runs. Concatenating the equal + delete segments
/// gives `before`; equal + insert gives `after`. When the differing middle is larger than
/// max_cells word pairs it is reported as one delete and one insert (bounded time/memory).
std::vector<diff_segment> word_diff(std::string_view before, std::string_view after,
                                    std::size_t max_cells = 4'000'000);

}  // namespace frontdesk::domain
