#include "core/process_identity.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace assay {
namespace {

std::string BootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

// Field 3 (state) and field 22 (start time in clock ticks since boot) of /proc/PID/stat;
// false when the process does not exist. The command name (field 2) may hold spaces and
// parentheses, so fields are counted after its last ')'.
bool ReadStat(int64_t pid, char* state, std::string* start_ticks) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return false;
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(text.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  if (fields.size() < 20) return false;
  *state = fields[0].empty() ? '?' : fields[0][0];  // field 3
  *start_ticks = fields[19];                        // field 22
  return true;
}

}  // namespace

ProcessIdentity SelfIdentity() {
  ProcessIdentity me;
  me.pid = ::getpid();
  char state = 0;
  std::string ticks;
  const std::string boot = BootId();
  if (!boot.empty() && ReadStat(me.pid, &state, &ticks)) me.start = boot + ":" + ticks;
  return me;
}

std::string HostName() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

Liveness ProcessLiveness(const std::string& host, const ProcessIdentity& who) {
  if (who.pid <= 0 || who.start.empty() || host != HostName()) return Liveness::kUnknown;
  const size_t colon = who.start.rfind(':');
  if (colon == std::string::npos) return Liveness::kUnknown;
  if (who.start.substr(0, colon) != BootId()) return Liveness::kGone;  // the host rebooted
  char state = 0;
  std::string ticks;
  if (!ReadStat(who.pid, &state, &ticks)) return Liveness::kGone;
  if (ticks != who.start.substr(colon + 1)) return Liveness::kGone;  // the pid was reused
  if (state == 'Z' || state == 'X') return Liveness::kGone;
  return Liveness::kAlive;
}

}  // namespace assay
