// The OpenMP entry points libtesseract calls, run serially in the calling thread.
//
// Why: a worker runs Tesseract on one thread (OMP_THREAD_LIMIT=1, set by the supervisor, as
// `tesseract` is run in the bench's limit). libgomp still opens and closes a one-thread team
// for every `#pragma omp parallel` in Tesseract's LSTM, once per time step of every text line,
// and closing a team wakes its barrier with a futex system call even when nobody waits: about
// 90,000 system calls for one 300-dpi page (strace -c), which this virtual machine makes dear
// (perf: libgomp 5% and the kernel's syscall entry most of the rest of a 10% kernel share).
// Defined in the executable, these symbols take precedence over libgomp's for every library the
// worker loads (ELF symbol interposition; libgomp stays loaded and unused). What runs is what
// libgomp runs with one thread: the region's body once, as thread 0 of 1, the sections of a
// `parallel sections` in their order. The only libraries that call OpenMP here are
// libtesseract (GOMP_parallel, GOMP_parallel_sections, GOMP_sections_next,
// GOMP_sections_end_nowait, omp_get_num_threads, omp_get_thread_num: `nm -D --undefined-only`)
// and libsoxr (GOMP_parallel), both with OMP_THREAD_LIMIT=1 already. If a library ever calls
// another OpenMP entry point, it still reaches libgomp, whose state (no team open) stays valid.

namespace {

// The sections of the `parallel sections` region running on this thread: the next one to hand
// out (1-based, as libgomp numbers them) and how many there are.
thread_local unsigned next_section = 0;
thread_local unsigned section_count = 0;

}  // namespace

extern "C" {

void GOMP_parallel(void (*fn)(void*), void* data, unsigned /*num_threads*/, unsigned /*flags*/) {
  fn(data);
}

void GOMP_parallel_sections(void (*fn)(void*), void* data, unsigned /*num_threads*/,
                            unsigned count, unsigned /*flags*/) {
  const unsigned saved_next = next_section, saved_count = section_count;  // nested regions
  next_section = 1;
  section_count = count;
  fn(data);
  next_section = saved_next;
  section_count = saved_count;
}

// The next section for this thread to run, 0 when none is left.
unsigned GOMP_sections_next() { return next_section <= section_count ? next_section++ : 0; }

void GOMP_sections_end_nowait() {}

int omp_get_num_threads() { return 1; }

int omp_get_thread_num() { return 0; }

}  // extern "C"
