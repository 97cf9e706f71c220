#include "core/shard.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>

#include "core/sha256.h"

namespace fs = std::filesystem;

namespace assay {
namespace {

// A plain decimal whole number in [lo, hi] (no sign, no spaces, no leading '+'), else nullopt.
std::optional<long long> WholeNumber(const std::string& s, long long lo, long long hi) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const long long v = std::stoll(s);
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

Error Usage(const std::string& message) { return Error{"usage", message}; }

}  // namespace

std::string ShardSpec::Text() const { return std::to_string(index) + "/" + std::to_string(count); }

std::string ShardSpec::MarkerName() const {
  return "shard-" + std::to_string(index) + "-of-" + std::to_string(count) + ".done";
}

Result<ShardSpec> ParseShard(const std::string& text) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) {
    return Usage("--shard " + text + ": expected K/N, e.g. 0/4 (K from 0 to N-1)");
  }
  auto n = WholeNumber(text.substr(slash + 1), 1, kMaxShards);
  if (!n) {
    return Usage("--shard " + text + ": N must be a whole number from 1 to " +
                 std::to_string(kMaxShards));
  }
  auto k = WholeNumber(text.substr(0, slash), 0, *n - 1);
  if (!k) {
    return Usage("--shard " + text +
                 ": K must be a whole number from 0 to N-1 = " + std::to_string(*n - 1));
  }
  return ShardSpec{static_cast<int>(*k), static_cast<int>(*n)};
}

Result<std::optional<ShardSpec>> ResolveShard(
    const std::string& shard_option, std::optional<int> shards,
    const std::function<const char*(const char*)>& getenv) {
  if (!shard_option.empty()) {
    auto s = ParseShard(shard_option);
    if (!s.ok()) return s.error();
    if (shards && *shards != s.value().count) {
      return Usage("--shard " + shard_option + " and --shards " + std::to_string(*shards) +
                   " disagree");
    }
    return std::optional<ShardSpec>(s.value());
  }
  auto env = [&](const char* name) -> std::optional<std::string> {
    const char* v = getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
  const char* source = "SLURM_ARRAY_TASK_ID";
  std::optional<std::string> index = env(source);
  if (!index) {
    source = "JOB_COMPLETION_INDEX";
    index = env(source);
  }
  if (!index) {
    if (shards) {
      return Usage("--shards " + std::to_string(*shards) +
                   " needs --shard K/N, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX for K");
    }
    return std::optional<ShardSpec>();
  }
  std::optional<long long> count;
  if (shards) {
    count = *shards;
  } else if (std::string(source) == "SLURM_ARRAY_TASK_ID") {
    // SLURM_ARRAY_TASK_COUNT is the number of tasks of this submission, which is the number of
    // shards only for --array=0-(N-1) (docs/scale.md: re-submitting some shards).
    auto c = env("SLURM_ARRAY_TASK_COUNT");
    auto lo = env("SLURM_ARRAY_TASK_MIN");
    auto hi = env("SLURM_ARRAY_TASK_MAX");
    auto step = env("SLURM_ARRAY_TASK_STEP");
    auto n = c ? WholeNumber(*c, 1, kMaxShards) : std::nullopt;
    if (n && lo == "0" && hi && WholeNumber(*hi, 0, kMaxShards) == *n - 1 &&
        (!step || *step == "1")) {
      count = n;
    } else {
      return Usage(
          "SLURM_ARRAY_TASK_ID is set but the array is not 0-(N-1) (SLURM_ARRAY_TASK_COUNT=" +
          c.value_or("") + ", MIN=" + lo.value_or("") + ", MAX=" + hi.value_or("") +
          "): give the number of shards with --shards N (or ASSAY_SHARDS=N)");
    }
  } else {
    return Usage(
        "JOB_COMPLETION_INDEX is set: give the number of shards with --shards N "
        "(or ASSAY_SHARDS=N)");
  }
  auto k = WholeNumber(*index, 0, *count - 1);
  if (!k) {
    return Usage(std::string(source) + "=" + *index + " is not a shard index from 0 to " +
                 std::to_string(*count - 1));
  }
  return std::optional<ShardSpec>(ShardSpec{static_cast<int>(*k), static_cast<int>(*count)});
}

bool ShardOwns(const ShardSpec& shard, const std::string& relative_path) {
  if (shard.count <= 1) return true;
  const std::string hex = Sha256Hex(relative_path);
  const uint64_t h = std::stoull(hex.substr(0, 16), nullptr, 16);
  return static_cast<int>(h % static_cast<uint64_t>(shard.count)) == shard.index;
}

Status WriteCompletionMarker(const fs::path& out_dir, const ShardSpec& shard,
                             const std::string& content) {
  const fs::path final_path = out_dir / shard.MarkerName();
  const fs::path tmp = out_dir / (shard.MarkerName() + ".tmp");
  auto fail = [&](const std::string& what) {
    return Error{"shard",
                 "cannot write " + final_path.string() + ": " + what + ": " + std::strerror(errno)};
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("open");
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return fail("write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return fail("fsync");
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) return fail("rename");
  // The rename itself must reach the disk before anyone trusts the marker.
  const int dir = ::open(out_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status();
}

std::optional<ShardSpec> ShardOfMarkerName(const std::string& name) {
  static const std::regex kName("shard-([0-9]{1,7})-of-([0-9]{1,7})\\.done");
  std::smatch m;
  if (!std::regex_match(name, m, kName)) return std::nullopt;
  auto s = ParseShard(m[1].str() + "/" + m[2].str());
  if (!s.ok()) return std::nullopt;
  return s.value();
}

void RemoveCompletionMarkers(const fs::path& out_dir) {
  std::error_code ec;
  for (fs::directory_iterator it(out_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (ShardOfMarkerName(name)) fs::remove(it->path(), ec);
  }
}

}  // namespace assay
