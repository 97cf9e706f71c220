#include "core/image_role.h"

#include <array>

namespace assay {
namespace {

constexpr std::array<std::string_view, 8> kRoles = {
    "informative",   "decorative", "functional", "functional-redundant",
    "image-of-text", "complex",    "group",      "imagemap"};

}  // namespace

bool IsImageRole(std::string_view role) {
  for (std::string_view r : kRoles) {
    if (r == role) return true;
  }
  return false;
}

std::string ImageRoleList() {
  std::string out;
  for (std::string_view r : kRoles) out += (out.empty() ? "" : ", ") + std::string(r);
  return out;
}

bool EmptyAltIsRight(std::string_view role) {
  return role == "decorative" || role == "functional-redundant";
}

bool EmptyAltMayBeCarriedElsewhere(std::string_view role) { return role == "group"; }

}  // namespace assay
