// Length-prefixed frames over pipes between the supervisor and its workers.
#pragma once

#include <optional>
#include <string>

namespace assay {

// Writes a 4-byte little-endian length then the bytes. False if the peer is gone.
bool WriteFrame(int fd, const std::string& payload);

// Reads one whole frame, blocking. nullopt on end of file, error or an absurd length.
std::optional<std::string> ReadFrame(int fd);

}  // namespace assay
