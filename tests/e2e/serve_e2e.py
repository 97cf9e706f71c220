"""Helpers of the `assay serve` tests: a run over samples/ whose queue has pages to look at,
and a server started on a free port and stopped at the end."""

import os
import shutil
import signal
import subprocess
import urllib.error
import urllib.request

from assay_e2e import ASSAY_BIN, SOURCE_DIR, log, run_assay

# A rule every born-digital PDF fails, so the queue holds documents with pages and words
# (the shipped contracts reject none of the samples; only corrupt.pdf errors).
STRICT_RULE = """
[[rule]]
id = "review_words"
metric = "pdf.word_count"
min = 1000000
severity = "reject"
"""


def run_samples_for_review(out_root):
    """`assay run samples` with the shipped contracts plus STRICT_RULE; returns the out dir."""
    contracts = os.path.join(out_root, "contracts")
    shutil.copytree(os.path.join(SOURCE_DIR, "contracts"), contracts,
                    ignore=shutil.ignore_patterns("*.cpp", "*.h", "routing"))
    with open(os.path.join(contracts, "pdf_text.toml"), "a") as f:
        f.write(STRICT_RULE)
    # The shipped routing samples 10% of photos by a draw seeded with the routing file's hash,
    # so any edit of that file may leave the one sample photo unsampled: every photo here.
    with open(os.path.join(SOURCE_DIR, "contracts", "routing", "default.toml")) as f:
        routing_text = f.read()
    if "sample = 0.10" not in routing_text:
        raise RuntimeError("the shipped routing no longer samples photos at 0.10: update this")
    routing = os.path.join(out_root, "routing.toml")
    with open(routing, "w") as f:
        f.write(routing_text.replace("sample = 0.10", "sample = 1.0"))
    out = os.path.join(out_root, "out")
    r = run_assay(["run", "samples", "--out", out, "-j", "2", "--contracts", contracts,
                   "--routing", routing], cwd=SOURCE_DIR)
    if r.returncode not in (0, 1, 4):
        raise RuntimeError(r.describe())
    return out


class Server:
    """`assay serve` in the background (cwd: the source folder, where the run was made, so the
    recorded relative source paths resolve)."""

    def __init__(self, out, *args):
        self.proc = subprocess.Popen(
            [ASSAY_BIN, "serve", "--out", out] + list(args), cwd=SOURCE_DIR,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline()
        if not first.startswith("assay serve: http://"):
            self.proc.kill()
            raise RuntimeError(f"serve did not start: {first!r} {self.proc.stderr.read()}")
        self.url = first.split()[2].rstrip("/")
        self.token = None
        if "--token-file" not in args and not self.url.startswith("http://127."):
            line = self.proc.stdout.readline()
            if "token" in line:
                self.token = line.strip().split()[-1]
        log(f"serving {out} at {self.url}")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def http(method, url, body=None, headers=None):
    """(status, body text) of one request; never raises on an HTTP error status."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read().decode(errors="replace"), res.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace"), e.headers
