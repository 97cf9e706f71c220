// The roles an image plays where it is shown, after the W3C WAI images tutorial
// (https://www.w3.org/WAI/tutorials/images/): they decide what a good alt-text is. A manifest
// entry names one as `image_role`; absent, an image is `informative`.
#pragma once

#include <string>
#include <string_view>

namespace assay {

// informative, decorative, functional, functional-redundant, image-of-text, complex, group,
// imagemap.
bool IsImageRole(std::string_view role);

// The roles, comma-separated, for messages.
std::string ImageRoleList();

// True for the roles whose right alt-text is empty: `decorative`, and `functional-redundant`
// (an icon inside a link whose text already says what it does).
bool EmptyAltIsRight(std::string_view role);

// True for `group`: a member of a group of images may have an empty alt-text when another
// member carries the group's (W3C: the first star of a rating says "3.5 out of 5 stars", the
// others are empty). Absent alt-text is still missing.
bool EmptyAltMayBeCarriedElsewhere(std::string_view role);

}  // namespace assay
