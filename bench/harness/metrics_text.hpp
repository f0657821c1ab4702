// Reads values out of a Prometheus text exposition (the server's /metrics).
#pragma once

#include <optional>
#include <string_view>

namespace frontdesk::bench {

/// The sum of every sample of metric `name` (all label sets), or nullopt when it has none.
/// Comment lines, other metrics sharing the prefix (name_sum, name_bucket) and malformed lines
/// are skipped.
std::optional<double> metric_sum(std::string_view text, std::string_view name);

/// The same, counting only samples whose label set contains `label` (e.g. gateway="llm").
std::optional<double> metric_sum_with(std::string_view text, std::string_view name,
                                      std::string_view label);

/// The upper bound (`le`) of the first bucket of histogram `name` (its `name_bucket` series,
/// samples whose label set contains `label`) that holds at least the fraction `q` of the
/// samples: an upper bound of the q-quantile. +Inf when only the last bucket reaches it;
/// nullopt when the histogram has no samples.
std::optional<double> histogram_quantile_bound(std::string_view text, std::string_view name,
                                               std::string_view label, double q);

}  // namespace frontdesk::bench
