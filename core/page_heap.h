// How a worker's heap holds page-sized buffers: one policy, set at the worker's start and kept
// up between the pages of a page-major block (docs/benchmarks.md, "Page buffers kept mapped"
// and "One 300-page scan again").
#pragma once

namespace assay {

// A page's pixels (9 MB at 300 dpi, up to ~35 MB enlarged) are copied, converted and freed a
// dozen times a page. Above glibc's default thresholds each buffer was a fresh mmap, faulted in
// and zeroed page by page, and unmapped again: on this kind of VM half the worker's page faults
// and several per cent of its CPU. After this call they are served from the heap, and freed
// heap is kept for the next buffer. Call once, at the worker's start.
void ServePageBuffersFromHeap();

// After a page: hands the free heap back to the system when more of it is free than a few
// pages' buffers. Kept whole, the holes the page buffers leave between a page's lasting results
// (words, boxes) grew a 300-page scan's worker by ~0.4 MiB a page; handed back after every
// page, every page faulted its buffers in again (8 pages: page faults 54k -> 117k, CPU +9%).
void ReturnSurplusFreeHeap();

}  // namespace assay
