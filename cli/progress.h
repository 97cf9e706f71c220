// One-line progress on a terminal: documents done/total, pages/s, ETA. Silent when disabled.
#pragma once

#include <cstdint>

namespace assay {

class Progress {
 public:
  Progress(int64_t total, bool enabled);
  // Reports one more finished document with `pages` pages. Redraws at most 10 times a second.
  void Add(int pages);
  void Finish();

 private:
  void Draw(bool force);
  int64_t total_, done_ = 0, pages_ = 0;
  bool enabled_;
  double start_, last_draw_ = 0;
};

// True when progress should be drawn: stderr is a terminal and CI is not set.
bool ProgressWanted();

}  // namespace assay
