"""Limits against absurd options and hostile images (issue 7, defects 6, 7, 14, 15), through
the real binary: every numeric option is checked (finite, in range, short message, exit 2);
-j is capped by cores and memory with a message; image sizes are read from headers before
anything is decoded, with the true reason; a compressed BMP is read; Ctrl-C does not wait for
a hanging document's whole --timeout, and a second Ctrl-C ends the run at once, leaving the
documents in flight pending for the next run."""

import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import time
import unittest
import zlib

from assay_e2e import (ASSAY_BIN, EXIT_USAGE, SAMPLES, AssayTestCase, copy_with_marker,
                       integrity_check, log, query, run_assay)

EXIT_INTERRUPTED = 130


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


def write_png(path, width, height, rows=None):
    """A white RGB PNG of width x height whose IDAT holds `rows` rows (all when None): a
    20000 x 20000 one is about 1 MB on disk and 1.6 GB decoded."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * (width * 3)
    parts = [compressor.compress(row) for _ in range(height if rows is None else rows)]
    parts.append(compressor.flush())
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
                png_chunk(b"IDAT", b"".join(parts)) + png_chunk(b"IEND", b""))


def write_rle8_bmp(path, width, height):
    """A valid run-length encoded (BI_RLE8) 8-bit gray BMP: bands of dark and light rows."""
    palette = b"".join(bytes([i, i, i, 0]) for i in range(256))
    data = bytearray()
    for y in range(height):
        x = 0
        while x < width:
            n = min(255, width - x)
            data += bytes([n, 255 if (y // 8) % 2 else 30])
            x += n
        data += b"\x00\x00"  # end of line
    data += b"\x00\x01"  # end of bitmap
    offset = 14 + 40 + len(palette)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 8, 1, len(data), 11811, 11811,
                       256, 0)
    with open(path, "wb") as f:
        f.write(b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset) + info + palette +
                bytes(data))


def decided(out):
    """Documents with an outcome; 0 while the store or its schema does not exist yet."""
    try:
        return query(out, "SELECT COUNT(*) AS n FROM documents WHERE outcome IS NOT NULL")[0]["n"]
    except (AssertionError, sqlite3.OperationalError):
        return 0


class NumericOptions(AssayTestCase):
    """Defect 7 (and -j's lower bound, defect 6): nonsense is bad usage with a short reason."""

    CASES = [
        (["run", "IN", "--timeout", "nan"],
         '--timeout: must be a number of seconds from 0.1 to 604800, got "nan"'),
        (["run", "IN", "--timeout", "inf"],
         '--timeout: must be a number of seconds from 0.1 to 604800, got "inf"'),
        (["run", "IN", "--timeout", "1e400"],
         '--timeout: must be a number of seconds from 0.1 to 604800, got "1e400"'),
        (["run", "IN", "--timeout", "0"],
         '--timeout: must be a number of seconds from 0.1 to 604800, got "0"'),
        (["run", "IN", "--timeout", "0x10"],
         '--timeout: must be a number of seconds from 0.1 to 604800, got "0x10"'),
        (["run", "IN", "--max-file-size", "-1"],
         '--max-file-size: must be a whole number of MiB from 1 to 1048576, got "-1"'),
        (["run", "IN", "--max-file-size", "1e30"],
         '--max-file-size: must be a whole number of MiB from 1 to 1048576, got "1e30"'),
        (["run", "IN", "--max-memory", "1e400"],
         '--max-memory: must be a whole number of MiB from 64 to 1048576, got "1e400"'),
        (["run", "IN", "--max-memory", "32"],
         '--max-memory: must be a whole number of MiB from 64 to 1048576, got "32"'),
        (["run", "IN", "-j", "0"],
         '--jobs: must be a whole number of workers from 1 to 1024, got "0"'),
        (["run", "IN", "-j", "-3"],
         '--jobs: must be a whole number of workers from 1 to 1024, got "-3"'),
        (["run", "IN", "-j", "1.5"],
         '--jobs: must be a whole number of workers from 1 to 1024, got "1.5"'),
        (["run", "IN", "-j", "9" * 300],
         '--jobs: must be a whole number of workers from 1 to 1024, got '
         '"999999999999999999999999"... (300 characters)'),
        (["queue", "reprocess", "1", "--timeout", "nan"],
         '--timeout: must be a number of seconds from 0.1 to 604800, got "nan"'),
        (["queue", "reprocess", "1", "--max-memory", "-5"],
         '--max-memory: must be a whole number of MiB from 64 to 1048576, got "-5"'),
        (["queue", "show", "1e400"],
         'id: must be a whole number from 1 to 9223372036854775807, got "1e400"'),
        (["queue", "claim", "0", "--as", "x"],
         'id: must be a whole number from 1 to 9223372036854775807, got "0"'),
        (["run", "IN", "--set", "image_load.max_megapixels=nan"],
         'assay run: --set: image_load.max_megapixels must be a number from 1 to 10000, '
         'got "nan"'),
    ]

    def test_nonsense_numbers_are_bad_usage_with_a_short_reason(self):
        d = self.temp_dir("numeric")
        out = os.path.join(d, "out")
        for args, message in self.CASES:
            with self.subTest(args=" ".join(args)[:60]):
                argv = [os.path.join(SAMPLES, "photo.jpg") if a == "IN" else a for a in args]
                r = run_assay(argv + ["--out", out])
                self.assertExit(r, EXIT_USAGE)
                self.assertEqual(r.stderr.splitlines()[0], message, r.stderr)
                self.assertLess(len(r.stderr), 300, r.stderr)
                self.assertFalse(os.path.exists(out), "a refused command created the store")


class WorkerCap(AssayTestCase):
    """Defect 6: -j is capped by the cores and by memory / --max-memory, with a message."""

    def run_photo(self, *extra):
        out = os.path.join(self.temp_dir("jobs"), "out")
        r = run_assay(["run", os.path.join(SAMPLES, "photo.jpg"), "--out", out, "--json",
                       *extra])
        self.assertIn(r.returncode, (0, 1), r.describe())
        workers = query(out, "SELECT workers FROM runs")[0]["workers"]
        return r, workers

    def test_more_workers_than_cores_are_capped_with_a_message(self):
        cores = os.cpu_count()
        r, workers = self.run_photo("-j", "1000")
        self.assertLessEqual(workers, cores)
        self.assertRegex(r.stderr, rf"assay run: {workers} workers?, not -j 1000: ")
        self.assertIn(f"the machine has {cores} core" if workers == cores else
                      "MiB per worker (--max-memory)", r.stderr)

    def test_workers_are_capped_by_memory(self):
        # 1 TiB per worker: no machine running this test holds two.
        r, workers = self.run_photo("-j", "2", "--max-memory", "1048576")
        self.assertEqual(workers, 1)
        self.assertRegex(r.stderr, r"assay run: 1 worker, not -j 2: \d+ MiB of memory "
                                   r"available, 1048576 MiB per worker \(--max-memory\)")

    def test_a_sensible_count_says_nothing(self):
        r, workers = self.run_photo("-j", "1")
        self.assertEqual(workers, 1)
        self.assertEqual(r.stderr, "")


class ImageLimits(AssayTestCase):
    """Defect 14: sizes are read from the header before decoding; the reason is the true one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inp = cls.temp_dir("images")
        t0 = time.monotonic()
        write_png(os.path.join(cls.inp, "huge.png"), 20000, 20000)
        write_png(os.path.join(cls.inp, "header.png"), 60000, 60000, rows=4)
        write_rle8_bmp(os.path.join(cls.inp, "rle.bmp"), 640, 480)
        log(f"[test images written in {time.monotonic() - t0:.1f} s]")
        cls.out = os.path.join(cls.temp_dir("images-out"), "out")
        # 300 MiB per worker: decoding the 20000 x 20000 image (1.6 GB) would be killed.
        cls.result = run_assay(["run", cls.inp, "--out", cls.out, "-j", "2", "--max-memory",
                                "300", "--json"], timeout=300)

    def doc(self, name):
        return self.doc_by_path(self.out, os.path.join(self.inp, name))

    def test_a_huge_image_is_refused_for_its_size_before_decoding(self):
        d = self.doc("huge.png")
        self.assertEqual(d["outcome"], "error", self.result.describe())
        self.assertEqual(d["error_message"], "image is 20000×20000 = 400 MP, limit 150 MP")

    def test_a_huge_header_is_refused_for_its_size_not_called_corrupt(self):
        d = self.doc("header.png")
        self.assertEqual(d["outcome"], "error", self.result.describe())
        self.assertEqual(d["error_message"], "image is 60000×60000 = 3600 MP, limit 150 MP")

    def test_a_run_length_encoded_bmp_is_read(self):
        d = self.doc("rle.bmp")
        self.assertNotEqual(d["outcome"], "error", d["error_message"])
        rows = query(self.out, "SELECT name, value FROM metrics WHERE doc_id=? AND scope=''",
                     (d["doc_id"],))
        m = {r["name"]: r["value"] for r in rows}
        self.assertEqual((m["image.width"], m["image.height"], m["image.dpi"]), (640, 480, 300))

    def test_the_limit_follows_the_parameter(self):
        out = os.path.join(self.temp_dir("images-set"), "out")
        r = run_assay(["run", os.path.join(self.inp, "header.png"), "--out", out, "--set",
                       "image_load.max_megapixels=1000", "--json"])
        self.assertEqual(r.json()["outcomes"], {"error": 1}, r.describe())
        self.assertEqual(query(out, "SELECT error_message FROM documents")[0]["error_message"],
                         "image is 60000×60000 = 3600 MP, limit 1000 MP")


class Interrupt(AssayTestCase):
    """Defect 15: Ctrl-C while a document hangs does not wait for the whole --timeout."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inp = cls.temp_dir("interrupt-in")
        # Sorted first, so a worker takes it at once; it hangs (with --fault-injection).
        shutil.copy(os.path.join(SAMPLES, "photo.jpg"),
                    os.path.join(cls.inp, "__assay_fault_hang__.jpg"))
        for k in range(3):
            copy_with_marker(os.path.join(SAMPLES, "photo.jpg"),
                             os.path.join(cls.inp, f"photo{k}.jpg"), f"interrupt copy {k}")

    def interrupt(self, signals):
        """Starts a run with a 600 s timeout, sends SIGINT at the given delays (seconds after
        the first decided document); returns (exit code, seconds from first signal to exit,
        out)."""
        out = os.path.join(self.temp_dir("interrupt"), "out")
        argv = [ASSAY_BIN, "run", self.inp, "--out", out, "-j", "2", "--timeout", "600",
                "--fault-injection", "--json"]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                if decided(out) >= 1:
                    break
                time.sleep(0.05)
            self.assertIsNone(proc.poll(), "the run ended before the signal")
            t0 = time.monotonic()
            for delay in signals:
                time.sleep(max(0, t0 + delay - time.monotonic()))
                os.kill(proc.pid, signal.SIGINT)
            proc.communicate(timeout=120)
            seconds = time.monotonic() - t0
            log(f"[SIGINT x{len(signals)}: exit {proc.returncode} {seconds:.1f} s after the "
                "first]")
            return proc.returncode, seconds, out
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()

    def check_pending_then_resume(self, out):
        hang = self.doc_by_path(out, os.path.join(self.inp, "__assay_fault_hang__.jpg"))
        self.assertIsNone(hang["outcome"], "the interrupted document was recorded as failed")
        self.assertEqual(query(out, "SELECT status FROM runs")[0]["status"], "interrupted")
        self.assertEqual(integrity_check(out), ["ok"])
        # Resumed without fault injection, the interrupted document is done this time.
        again = run_assay(["run", self.inp, "--out", out, "-j", "2", "--json"])
        self.assertNotIn("pending", again.json()["outcomes"], again.describe())
        hang = self.doc_by_path(out, os.path.join(self.inp, "__assay_fault_hang__.jpg"))
        self.assertIsNotNone(hang["outcome"])

    def test_first_sigint_waits_only_the_grace(self):
        code, seconds, out = self.interrupt([0])
        self.assertEqual(code, EXIT_INTERRUPTED)
        self.assertLess(seconds, 30, "the run waited for the hanging document")
        self.assertGreaterEqual(seconds, 9, "the grace of 10 s was not given")
        self.check_pending_then_resume(out)

    def test_second_sigint_ends_the_run_now(self):
        code, seconds, out = self.interrupt([0, 1])
        self.assertEqual(code, EXIT_INTERRUPTED)
        self.assertLess(seconds, 5, "the second SIGINT did not end the run at once")
        self.check_pending_then_resume(out)


if __name__ == "__main__":
    unittest.main()
