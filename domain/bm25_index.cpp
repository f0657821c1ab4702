#include "domain/bm25_index.hpp"

#include <algorithm>
#include <cmath>

namespace frontdesk::domain {

std::uint32_t bm25_index::row_index(std::int64_t row) {
  auto [it, added] = row_index_.try_emplace(row, static_cast<std::uint32_t>(row_ids_.size()));
  if (added) {
    row_ids_.push_back(row);
    row_tokens_.push_back(0);
  }
  return it->second;
}

void bm25_index::add_row(std::int64_t row) {
  (void)row_index(row);
}

void bm25_index::add(std::string_view token, std::int64_t row, double weight) {
  const std::uint32_t r = row_index(row);
  ++row_tokens_[r];
  ++occurrences_;
  auto it = postings_.find(token);
  if (it == postings_.end())
    it = postings_.emplace(std::string(token), std::vector<posting>{}).first;
  std::vector<posting>& list = it->second;  // kept in row order
  if (!list.empty() && list.back().row == r) {
    list.back().frequency += weight;
    return;
  }
  const auto at = std::lower_bound(list.begin(), list.end(), r,
                                   [](const posting& p, std::uint32_t x) { return p.row < x; });
  if (at != list.end() && at->row == r) {
    at->frequency += weight;
  } else {
    list.insert(at, posting{r, weight});
  }
}

const std::vector<bm25_index::posting>* bm25_index::postings_of(std::string_view token) const {
  const auto it = postings_.find(token);
  return it == postings_.end() ? nullptr : &it->second;
}

std::size_t bm25_index::rows_with(std::string_view token) const {
  const auto* list = postings_of(token);
  return list ? list->size() : 0;
}

std::vector<bm25_index::match> bm25_index::search(std::span<const std::string> phrases,
                                                  std::size_t limit) const {
  std::vector<match> out;
  if (row_ids_.empty() || limit == 0) return out;
  // FTS5's constants and arithmetic, operation for operation, so the sums match to the bit.
  const double k1 = 1.2;
  const double b = 0.75;
  const auto n_rows = static_cast<std::int64_t>(row_ids_.size());
  const double avgdl = static_cast<double>(occurrences_) / static_cast<double>(n_rows);
  score_.resize(row_ids_.size(), 0.0);
  held_.resize(row_ids_.size(), 0);
  seen_.resize(row_ids_.size(), 0);
  std::vector<std::uint32_t> touched;
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    const auto* list = postings_of(phrases[i]);
    if (!list || list->empty()) continue;
    const auto hits = static_cast<std::int64_t>(list->size());
    double idf = std::log((n_rows - hits + 0.5) / (hits + 0.5));
    if (idf <= 0.0) idf = 1e-6;
    const std::uint64_t bit = i < 64 ? std::uint64_t{1} << i : 0;
    for (const posting& p : *list) {
      const double D = static_cast<double>(row_tokens_[p.row]);
      const double f = p.frequency;
      score_[p.row] += idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * D / avgdl)));
      held_[p.row] |= bit;
      if (!seen_[p.row]) {
        seen_[p.row] = 1;
        touched.push_back(p.row);
      }
    }
  }
  out.reserve(touched.size());
  for (const std::uint32_t r : touched) {
    out.push_back(match{row_ids_[r], score_[r], held_[r]});
    score_[r] = 0.0;
    held_[r] = 0;
    seen_[r] = 0;
  }
  const auto better = [](const match& a, const match& c) {
    return a.score != c.score ? a.score > c.score : a.row < c.row;
  };
  if (out.size() > limit) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(limit), out.end(),
                      better);
    out.resize(limit);
  } else {
    std::sort(out.begin(), out.end(), better);
  }
  return out;
}

}  // namespace frontdesk::domain
