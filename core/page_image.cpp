#include "core/page_image.h"

#include <leptonica/allheaders.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "core/document.h"
#include "core/sha256.h"

extern char** environ;

namespace fs = std::filesystem;

namespace assay {
namespace {

Error Fail(const std::string& message) { return Error{"page_image", message}; }

// Runs argv (no shell) and waits up to `seconds`; true when it exited 0.
bool RunProgram(const std::vector<std::string>& argv, int seconds) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (r < 0) return false;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

bool IsPageImageDpi(int dpi) { return dpi == 72 || dpi == 100 || dpi == 150 || dpi == 200; }

Result<fs::path> PageImage(Store& store, const std::string& doc_id, int page, int dpi,
                           const fs::path& cache_dir) {
  if (!IsPageImageDpi(dpi)) return Fail("unsupported resolution " + std::to_string(dpi));
  auto record = store.GetDocument(doc_id);
  if (!record || !record->source_id) return Fail("no readable document " + doc_id);
  if (page < 1) return Fail("no page " + std::to_string(page));
  // A page rendered before is served as it is: the name is the source's bytes, page and dpi.
  const std::string name =
      *record->source_id + ".p" + std::to_string(page) + ".d" + std::to_string(dpi) + ".png";
  const fs::path target = cache_dir / name;
  std::error_code ec;
  if (fs::exists(target, ec)) return target;
  // Only a page the document has is rendered (its stored content rebuilt once, here).
  auto content = store.DocumentContent(doc_id);
  const int pages =
      content ? static_cast<int>(Document::FromContentJson(*content).pages.size()) : 0;
  if (page > pages) return Fail("no page " + std::to_string(page));
  // The recorded file, and only while it is still the recorded source.
  if (Sha256File(record->path) != record->source_id) {
    return Fail("the source file changed or is gone: " + record->path);
  }
  fs::create_directories(cache_dir, ec);
  const fs::path tmp =
      cache_dir / (name + ".tmp" + std::to_string(::getpid()) + "." +
                   std::to_string(std::hash<std::thread::id>()(std::this_thread::get_id())));
  if (record->container == "pdf") {
    // pdftoppm appends ".png" to the output root with -singlefile.
    const fs::path root = tmp.string() + ".out";
    const bool ok =
        RunProgram({"pdftoppm", "-png", "-singlefile", "-r", std::to_string(dpi), "-f",
                    std::to_string(page), "-l", std::to_string(page), record->path, root.string()},
                   60);
    if (!ok) {
      fs::remove(root.string() + ".png", ec);
      return Fail("page " + std::to_string(page) + " did not render");
    }
    fs::rename(root.string() + ".png", tmp, ec);
  } else {
    Pix* pix = pixRead(record->path.c_str());
    if (pix == nullptr) return Fail("the image cannot be read");
    // Scaled to the asked resolution as if the image were 150 dpi, at most 1:1.
    const float scale = std::min(1.0f, dpi / 150.0f);
    Pix* scaled = scale < 1.0f ? pixScale(pix, scale, scale) : pixClone(pix);
    pixDestroy(&pix);
    const int bad = scaled == nullptr ? 1 : pixWrite(tmp.c_str(), scaled, IFF_PNG);
    pixDestroy(&scaled);
    if (bad != 0) return Fail("the image cannot be converted");
  }
  if (ec) return Fail("the page cannot be cached: " + ec.message());
  fs::rename(tmp, target, ec);
  if (ec) return Fail("the page cannot be cached: " + ec.message());
  return target;
}

}  // namespace assay
