"""Shared helpers of the end-to-end tests: run the real `assay` binary, read its store and export.

CTest sets ASSAY_BIN, ASSAY_CER, ASSAY_SOURCE_DIR and ASSAY_CORPORA (tests/CMakeLists.txt). Run
by hand from tests/e2e/ they default to the usual build folder:

    cd tests/e2e && python3 -m unittest -v test_samples

Set ASSAY_E2E_KEEP=1 to keep the temporary output folders (their paths are printed).
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.environ.get("ASSAY_SOURCE_DIR", os.path.join(HERE, "..", "..")))
ASSAY_BIN = os.path.abspath(os.environ.get("ASSAY_BIN", os.path.join(SOURCE_DIR, "build", "assay")))
CER_BIN = os.path.abspath(
    os.environ.get("ASSAY_CER", os.path.join(SOURCE_DIR, "build", "tests", "cer")))
CORPORA = os.path.abspath(
    os.environ.get("ASSAY_CORPORA", os.path.join(SOURCE_DIR, "..", "shared", "corpora")))
SAMPLES = os.path.join(SOURCE_DIR, "samples")
# Makes resized, re-encoded, cropped, colour-shifted and EXIF-turned copies (tests/tools).
IMAGE_COPIES_BIN = os.path.abspath(
    os.environ.get("ASSAY_IMAGE_COPIES", os.path.join(SOURCE_DIR, "build", "tests", "image_copies")))


def require_image_copies():
    """Skips the calling test class when the image_copies tool is not built."""
    if not os.access(IMAGE_COPIES_BIN, os.X_OK):
        raise unittest.SkipTest(f"image_copies tool not built at {IMAGE_COPIES_BIN}")

# Exit codes (core/exit_codes.h).
EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_INTERNAL, EXIT_DOC_ERRORS = 0, 1, 2, 3, 4

# Plans (core/stage_registry.cpp): the stages every document of a container goes through.
PLAN = {"pdf": ["pdf_text", "rasterize", "preprocess", "handwriting", "ocr", "layout",
                "tables", "alt_text", "quality", "pii"],
        "image": ["image_load", "image_checks", "preprocess", "handwriting", "ocr", "layout",
                  "tables", "alt_text", "quality", "pii"],
        "transcript": ["transcript"],
        "video": ["video"]}

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def log(*args):
    """Prints to stderr, which `unittest -v` and CTest both show."""
    print(*args, file=sys.stderr, flush=True)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def normalize_ws(text):
    """Same rule as assay::NormalizeWhitespace: ASCII whitespace runs -> one space, trimmed."""
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip(" ")


def tail(path, lines=40):
    try:
        with open(path, "r", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"({e})"


class Result:
    """One finished `assay` invocation."""

    def __init__(self, argv, proc, out_dir, seconds):
        self.argv = argv
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.out_dir = out_dir
        self.seconds = seconds

    def json(self):
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            raise AssertionError(f"stdout is not JSON ({e})\n{self.describe()}")

    def describe(self):
        """Everything useful when a test fails: command, exit code, output, worker logs."""
        parts = [f"command: {' '.join(self.argv)}",
                 f"exit code: {self.returncode} after {self.seconds:.1f} s",
                 f"--- stdout ---\n{self.stdout[-6000:]}",
                 f"--- stderr ---\n{self.stderr[-6000:]}"]
        logs = os.path.join(self.out_dir, "logs") if self.out_dir else None
        if logs and os.path.isdir(logs):
            for name in sorted(os.listdir(logs)):
                text = tail(os.path.join(logs, name))
                if text.strip():
                    parts.append(f"--- {name} (tail) ---\n{text}")
        if self.out_dir and os.path.exists(os.path.join(self.out_dir, "assay.db")):
            st = run_assay(["status", "--out", self.out_dir])
            parts.append(f"--- assay status ---\n{st.stdout}{st.stderr}")
        return "\n".join(parts)


def run_assay(args, cwd=None, timeout=600, env=None):
    """Runs `assay ARGS...` and returns a Result; never raises on a non-zero exit."""
    argv = [ASSAY_BIN] + list(args)
    out_dir = None
    if "--out" in args:
        out_dir = os.path.join(cwd or os.getcwd(), args[args.index("--out") + 1])
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    t0 = time.monotonic()
    try:
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, errors="replace",
                              timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"assay did not finish within {timeout} s: {' '.join(argv)}\n"
                             f"stdout: {e.stdout}\nstderr: {e.stderr}")
    return Result(argv, proc, out_dir, time.monotonic() - t0)


def open_db(out_dir):
    """Read-only connection to OUT/assay.db; rows are sqlite3.Row."""
    path = os.path.join(out_dir, "assay.db")
    if not os.path.exists(path):
        raise AssertionError(f"no store at {path}")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    return con


def query(out_dir, sql, params=()):
    con = open_db(out_dir)
    try:
        return [dict(r) for r in con.execute(sql, params).fetchall()]
    finally:
        con.close()


def documents(out_dir):
    return query(out_dir, "SELECT * FROM documents ORDER BY path, doc_id")


def metrics(out_dir, doc_id):
    rows = query(out_dir, "SELECT name, value FROM metrics WHERE doc_id=? AND scope=''", (doc_id,))
    return {r["name"]: r["value"] for r in rows}


def integrity_check(out_dir):
    return [r[0] for r in open_db(out_dir).execute("PRAGMA integrity_check").fetchall()]


def export(out_dir):
    """`assay export --format jsonl` parsed: a list of records (raises with details on failure)."""
    r = run_assay(["export", "--out", out_dir, "--format", "jsonl"])
    if r.returncode != 0:
        raise AssertionError(f"export failed\n{r.describe()}")
    records = []
    for n, line in enumerate(r.stdout.splitlines(), 1):
        try:
            records.append(json.loads(line))
        except ValueError as e:
            raise AssertionError(f"export line {n} is not JSON ({e}): {line[:300]}")
    return records, r.stdout


VOLATILE_LINEAGE = ("ingested_at", "run_id")
VOLATILE_TRANSFORMATION = ("started_at", "duration_ms", "run_id", "page_tasks")


def strip_volatile(record):
    """A copy of an export record without the facts that change from run to run."""
    rec = json.loads(json.dumps(record))
    lineage = rec.get("lineage") or {}
    for k in VOLATILE_LINEAGE:
        lineage.pop(k, None)
    for t in lineage.get("transformations") or []:
        for k in VOLATILE_TRANSFORMATION:
            t.pop(k, None)
    for t in (rec.get("annotations") or {}).get("tasks") or []:
        t.pop("task_id", None)  # numbered in the order documents were decided
    return rec


def canonical_export(stdout):
    """Export text with volatile fields removed, each line re-serialised with sorted keys."""
    lines = []
    for line in stdout.splitlines():
        lines.append(json.dumps(strip_volatile(json.loads(line)), sort_keys=True,
                                ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n"


def cer_files(hyp_path, ref_path):
    """Whitespace-normalised CER of a hypothesis file against a reference, by the cer tool."""
    p = subprocess.run([CER_BIN, hyp_path, ref_path], capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"cer failed ({p.returncode}): {p.stderr}")
    return float(p.stdout.strip())


def cer_text(hyp_text, ref_path):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write(hyp_text)
    try:
        return cer_files(f.name, ref_path)
    finally:
        os.unlink(f.name)


def make_temp_dir(prefix):
    d = tempfile.mkdtemp(prefix=f"assay-e2e-{prefix}-")
    if os.environ.get("ASSAY_E2E_KEEP"):
        log(f"[keeping {d}]")
    return d


def remove_temp_dir(d):
    if not os.environ.get("ASSAY_E2E_KEEP"):
        shutil.rmtree(d, ignore_errors=True)


def copy_with_marker(src, dst, marker):
    """Copies a file and appends `marker`, so the copy has its own bytes (its own source id)."""
    with open(src, "rb") as f:
        data = f.read()
    with open(dst, "wb") as f:
        f.write(data + b"\n" + marker.encode())
    return dst


class AssayTestCase(unittest.TestCase):
    """Base class: temp folders cleaned up per class, and assertions that print assay's output."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if not os.access(ASSAY_BIN, os.X_OK):
            raise unittest.SkipTest(f"assay binary not found at {ASSAY_BIN} (build it first)")
        cls._temp_dirs = []

    @classmethod
    def tearDownClass(cls):
        for d in getattr(cls, "_temp_dirs", []):
            remove_temp_dir(d)

    @classmethod
    def temp_dir(cls, prefix="t"):
        d = make_temp_dir(prefix)
        cls._temp_dirs.append(d)
        return d

    def assertExit(self, result, code):
        self.assertEqual(result.returncode, code,
                         f"expected exit code {code}, got {result.returncode}\n{result.describe()}")

    def doc_by_path(self, out_dir, path):
        rows = query(out_dir, "SELECT * FROM documents WHERE path=?", (path,))
        self.assertEqual(len(rows), 1, f"expected one document at path {path}, got {rows}")
        return rows[0]
