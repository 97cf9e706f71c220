"""Helpers of the shard and merge tests (test_shards.py, test_slurm.py): a corpus slice, the
shard an input belongs to (computed here independently of assay), and the parts of a store
that must be equal between one unsharded run and merged shards."""

import glob
import hashlib
import json
import os
import shutil

from assay_e2e import CORPORA, SAMPLES, query, run_assay


def shard_of(relative_path, count):
    """The shard owning an input (core/shard.h ShardOwns): SHA-256 of its path relative to its
    input root, first 8 bytes big-endian, modulo N."""
    digest = hashlib.sha256(os.fsencode(relative_path)).digest()
    return int.from_bytes(digest[:8], "big") % count


SLOW_OCR = {"issue7229.pdf"}


def make_slice(root, leave_out=SLOW_OCR):
    """A corpus slice in `root`: samples/ (with its manifest), 16 hostile PDFs, 10 born-digital
    PDFs. Accepted, rejected and errored documents, a manifest, a photo with alt-text."""
    picks = [("robust", "pdf_robustness/dev/*.pdf", 16), ("born", "text_born_digital/dev/*.pdf", 10)]
    for sub, pattern, n in picks:
        # issue7229.pdf, a dense 2-page Russian form read by the English model, is ~90% of the
        # slice's OCR time: these tests are about sharding and merging, and test_robustness
        # and test_contracts still read it.
        files = [f for f in sorted(glob.glob(os.path.join(CORPORA, pattern)))
                 if os.path.basename(f) not in leave_out][:n]
        if len(files) < n:
            return None
        os.makedirs(os.path.join(root, sub))
        for f in files:
            shutil.copy(f, os.path.join(root, sub))
    shutil.copytree(SAMPLES, os.path.join(root, "samples"))
    return root


def export_stable(out):
    r = run_assay(["export", "--out", out, "--format", "jsonl", "--stable"])
    if r.returncode != 0:
        raise AssertionError(f"export failed\n{r.describe()}")
    return r.stdout


def contract_outcomes(out):
    return query(out, "SELECT doc_id, scope, rule, metric, value, operator, threshold, severity, "
                      "outcome, contract_sha256 FROM contract_results "
                      "ORDER BY doc_id, scope, rule")


def queue_items(out):
    """Queue items by document, kind, state and reasons (ids and times differ)."""
    rows = query(out, "SELECT doc_id, kind, state, reasons FROM queue_items "
                      "ORDER BY doc_id, kind, state, reasons")
    for r in rows:
        r["reasons"] = json.loads(r["reasons"])
    return rows


def annotation_tasks(out):
    return query(out, "SELECT doc_id, region, task_type, pool, state, rule, complexity "
                      "FROM annotation_tasks ORDER BY doc_id, region, task_type")


def outcomes(out):
    return query(out, "SELECT doc_id, outcome, modality, processing_version, output_sha256 "
                      "FROM documents ORDER BY doc_id")
