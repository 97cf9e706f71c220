// `assay serve`'s HTTP interface: the JSON API over the queue (core/queue.h, the same store
// code as `assay queue`), the item view (core/review_view.h), page images
// (core/page_image.h), and the page's assets (cli/web/, compiled in). Every request passes
// the checks of cli/serve_auth.h first. docs/review.md describes the API.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/serve_auth.h"
#include "core/reprocess.h"

namespace assay::cli {

struct ServeOptions {
  std::filesystem::path out_dir;
  std::string host = "127.0.0.1";
  int port = 8080;
  bool read_only = false;
  // Reviewers allowed in. Empty: no token asked (loopback only); every request acts as
  // `local_user`.
  std::vector<Reviewer> reviewers;
  std::string local_user;
  // The contracts, routing and pipeline configuration a reprocess runs with (item and bulk);
  // the item, actor and parameters are the request's.
  ReprocessOptions reprocess;
};

// Installs the checks and routes on `server`. `options` and `sessions` must outlive it.
void InstallRoutes(httplib::Server& server, const ServeOptions& options, Sessions& sessions);

}  // namespace assay::cli
