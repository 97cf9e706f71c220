// `assay release diff A B`: what changed between two releases: documents added, removed and
// changed (with the stages whose output changed), shifts of metric distributions (two-sample
// Kolmogorov–Smirnov), contract pass rates (from the datasheets) and processing versions.
#pragma once

#include <filesystem>
#include <string>

#include "core/document.h"
#include "core/result.h"

namespace assay {

// Error (stage "usage") when a folder holds no readable release.
Result<Json> DiffReleases(const std::filesystem::path& a, const std::filesystem::path& b);

// The diff for people.
std::string DiffText(const Json& diff);

}  // namespace assay
