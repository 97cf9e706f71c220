#include "stages/video_frames_export.h"

#include <filesystem>
#include <fstream>
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

// Decodes `path`'s wanted frames and writes each under `dir`.
Status WriteFramesOf(const std::string& doc_id, const std::string& path,
                     const std::set<int64_t>& wanted, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir / doc_id, ec);
  if (ec) return Error{"export", "cannot make " + (dir / doc_id).string() + ": " + ec.message()};
  return ForEachVideoFrame(path, wanted, [&](int64_t index, const cv::Mat& bgr) -> Status {
    const fs::path file = dir / VideoFrameFile(doc_id, index);
    // Written beside and renamed: a reader never sees half a file.
    const fs::path part = file.string() + ".part";
    const std::string png = VideoFramePng(bgr);
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out.write(png.data(), static_cast<std::streamsize>(png.size()));
    out.close();
    if (!out || (fs::rename(part, file, ec), ec)) {
      return Error{"export", "cannot write " + PathToText(file.string())};
    }
    return Status();
  });
}

}  // namespace

std::string VideoFramePng(const cv::Mat& bgr) {
  std::vector<uchar> buf;
  const std::vector<int> params = {cv::IMWRITE_PNG_COMPRESSION, 6, cv::IMWRITE_PNG_STRATEGY,
                                   cv::IMWRITE_PNG_STRATEGY_DEFAULT};
  if (!cv::imencode(".png", bgr, buf, params)) return "";
  return std::string(buf.begin(), buf.end());
}

Status ForEachVideoFrame(const std::string& path, const std::set<int64_t>& indices,
                         const std::function<Status(int64_t, const cv::Mat&)>& each) {
  if (indices.empty()) return Status();
  VideoLimits limits;
  limits.max_decoded_frames = *indices.rbegin() + 1;
  auto opened = VideoReader::Open(path, limits);
  if (!opened.ok()) return opened.error();
  VideoReader& reader = *opened.value();
  size_t done = 0;
  while (done < indices.size()) {
    auto more = reader.Next();
    if (!more.ok()) return more.error();
    if (!more.value()) break;
    if (!indices.contains(reader.index())) continue;
    if (Status st = each(reader.index(), reader.Bgr()); !st.ok()) return st;
    ++done;
  }
  if (done < indices.size()) {
    return Error{"video", "the video has fewer frames than were sampled from it"};
  }
  return Status();
}

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
