#include "stages/video_frames_export.h"

#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <system_error>

#include "core/exit_codes.h"
#include "core/path_text.h"
#include "core/sha256.h"
#include "core/sqlite.h"
#include "core/store_views.h"
#include "stages/video_reader.h"

namespace assay {
namespace {

namespace fs = std::filesystem;

// Decodes `path` up to the last wanted frame and writes each wanted one under `dir`.
Status WriteFramesOf(const std::string& doc_id, const std::string& path,
                     const std::set<int64_t>& wanted, const fs::path& dir) {
  VideoLimits limits;
  limits.max_decoded_frames = *wanted.rbegin() + 1;
  auto opened = VideoReader::Open(path, limits);
  if (!opened.ok()) return opened.error();
  VideoReader& reader = *opened.value();
  std::error_code ec;
  fs::create_directories(dir / doc_id, ec);
  if (ec) return Error{"export", "cannot make " + (dir / doc_id).string() + ": " + ec.message()};
  size_t written = 0;
  while (written < wanted.size()) {
    auto more = reader.Next();
    if (!more.ok()) return more.error();
    if (!more.value()) break;
    if (!wanted.contains(reader.index())) continue;
    const fs::path file = dir / VideoFrameFile(doc_id, reader.index());
    // Written beside and renamed: a reader never sees half a file. (The encoder is chosen by
    // the extension, so the temporary name keeps it.)
    const fs::path part = file.string() + ".part.png";
    if (!cv::imwrite(part.string(), reader.Bgr()) || (fs::rename(part, file, ec), ec)) {
      return Error{"export", "cannot write " + PathToText(file.string())};
    }
    ++written;
  }
  if (written < wanted.size()) {
    return Error{"export", "the video has fewer frames than were sampled from it"};
  }
  return Status();
}

}  // namespace

int ExportVideoFrames(Store& store, const std::string& dir, std::ostream* errors) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    if (errors != nullptr)
      *errors << "assay export: cannot make " << dir << ": " << ec.message() << "\n";
    return kExitInternal;
  }
  Statement q(store.db().handle(),
              "SELECT doc_id, path, source_id FROM documents WHERE outcome IS NOT NULL AND "
              "modality = 'video' ORDER BY doc_id");
  int code = kExitOk;
  while (q.Step()) {
    const std::string doc_id = q.Text(0), path = q.Text(1), source_id = q.Text(2);
    const auto content = store.DocumentContent(doc_id);
    if (!content || !content->contains("video")) continue;
    std::set<int64_t> wanted;
    for (const CanonicalJson& f : content->at("video").at("frames"))
      wanted.insert(f.at("index").get<int64_t>());
    if (wanted.empty()) continue;
    Status s;
    if (Sha256File(path) != std::optional<std::string>(source_id)) {
      s = Error{"export", "the source " + PathToText(path) + " is gone or changed"};
    } else {
      s = WriteFramesOf(doc_id, path, wanted, dir);
    }
    if (!s.ok()) {
      if (errors != nullptr) {
        *errors << "assay export: frames of " << doc_id << " skipped: " << s.error().message
                << "\n";
      }
      code = kExitInternal;
    }
  }
  return code;
}

}  // namespace assay
