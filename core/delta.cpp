#include "core/delta.h"

#include "core/sha256.h"

namespace assay {
namespace {

using Type = CanonicalJson::value_t;

bool Integral(Type t) { return t == Type::number_integer || t == Type::number_unsigned; }

// RFC 6901: "~" and "/" in a key are escaped.
std::string PointerToken(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

void Diff(const CanonicalJson& a, const CanonicalJson& b, const std::string& path,
          CanonicalJson& ops) {
  const Type ta = a.type(), tb = b.type();
  const bool same_kind = ta == tb || (Integral(ta) && Integral(tb));
  if (!same_kind) {
    ops.push_back({{"op", "replace"}, {"path", path}, {"value", b}});
    return;
  }
  if (ta == Type::object) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      const std::string child = path + "/" + PointerToken(it.key());
      auto other = b.find(it.key());
      if (other == b.end()) {
        ops.push_back({{"op", "remove"}, {"path", child}});
      } else {
        Diff(*it, *other, child, ops);
      }
    }
    for (auto it = b.begin(); it != b.end(); ++it) {
      if (!a.contains(it.key())) {
        ops.push_back(
            {{"op", "add"}, {"path", path + "/" + PointerToken(it.key())}, {"value", *it}});
      }
    }
    return;
  }
  if (ta == Type::array) {
    const size_t common = std::min(a.size(), b.size());
    for (size_t i = 0; i < common; ++i) Diff(a[i], b[i], path + "/" + std::to_string(i), ops);
    // Removed from the end first, so each index is still valid when it is removed.
    for (size_t i = a.size(); i > common; --i) {
      ops.push_back({{"op", "remove"}, {"path", path + "/" + std::to_string(i - 1)}});
    }
    for (size_t i = common; i < b.size(); ++i) {
      ops.push_back({{"op", "add"}, {"path", path + "/-"}, {"value", b[i]}});
    }
    return;
  }
  if (!SameContent(a, b)) ops.push_back({{"op", "replace"}, {"path", path}, {"value", b}});
}

}  // namespace

bool SameContent(const CanonicalJson& a, const CanonicalJson& b) {
  const Type ta = a.type(), tb = b.type();
  if (Integral(ta) && Integral(tb)) return a == b;  // by value
  if (ta != tb) return false;
  switch (ta) {
    case Type::object: {
      if (a.size() != b.size()) return false;
      for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia.key() != ib.key() || !SameContent(*ia, *ib)) return false;
      }
      return true;
    }
    case Type::array: {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!SameContent(a[i], b[i])) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

CanonicalJson ContentDelta(const CanonicalJson& before, const CanonicalJson& after) {
  CanonicalJson ops = CanonicalJson::array();
  Diff(before, after, "", ops);
  return ops;
}

CanonicalJson ApplyDelta(const CanonicalJson& content, const CanonicalJson& delta) {
  return content.patch(delta);
}

std::optional<CanonicalJson> ReplayDelta(const CanonicalJson& content,
                                         const std::string& delta_text,
                                         const std::string& delta_sha256,
                                         const std::string& input_sha256,
                                         const std::string& output_sha256) {
  if (Sha256Hex(delta_text) != delta_sha256) return std::nullopt;
  try {
    const CanonicalJson ops = CanonicalJson::parse(delta_text);
    if (NextStateSha256(input_sha256, delta_sha256, ops.empty()) != output_sha256) {
      return std::nullopt;
    }
    return ApplyDelta(content, ops);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string NextStateSha256(const std::string& state_sha256, const std::string& delta_sha256,
                            bool delta_is_empty) {
  if (delta_is_empty) return state_sha256;
  return Sha256Hex(state_sha256 + "\n" + delta_sha256);
}

}  // namespace assay
