"""Shards and merge (issue 14) without a scheduler: `assay run --shard K/N` (and the Slurm and
Kubernetes environment variables), completion markers, and `assay merge`: equality with one
unsharded run, overlapping inputs, refusals (missing marker or shard, mixed versions),
idempotence. The same on a real Slurm cluster: test_slurm.py."""

import json
import os
import shutil
import sqlite3
import unittest

from assay_e2e import (EXIT_OK, EXIT_USAGE, SOURCE_DIR, AssayTestCase, log, query, run_assay)
from shard_e2e import (annotation_tasks, contract_outcomes, export_stable, make_slice, outcomes,
                       queue_items, shard_of)

EXIT_REFUSED = 5
N = 4


def dump(out):
    """Every row of the store, for comparing a store before and after something."""
    con = sqlite3.connect(os.path.join(out, "assay.db"))
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


class ShardsEqualOneRun(AssayTestCase):
    """A corpus slice run once, and as 4 shards merged: the same store contents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.d = cls.temp_dir("shards")
        if make_slice(os.path.join(cls.d, "slice")) is None:
            raise unittest.SkipTest("corpus files not found")
        cls.full = run_assay(["run", "slice", "--out", "full", "--json"], cwd=cls.d)
        cls.shards = []
        for k in range(N):
            # Half the shards take K and N from a Slurm array's environment, as sbatch sets it.
            if k % 2:
                env = {"SLURM_ARRAY_TASK_ID": str(k), "SLURM_ARRAY_TASK_COUNT": str(N),
                       "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": str(N - 1)}
                args = ["run", "slice", "--out", f"s{k}", "--json"]
            else:
                env, args = None, ["run", "slice", "--out", f"s{k}", "--shard", f"{k}/{N}", "--json"]
            cls.shards.append(run_assay(args, cwd=cls.d, env=env))
        cls.out = lambda self, name: os.path.join(self.d, name)
        cls.merge = run_assay(["merge", *[f"s{k}" for k in range(N)], "--into", "merged", "--json"],
                              cwd=cls.d)
        log(f"\nunsharded {cls.full.seconds:.1f} s; shards "
            f"{', '.join(f'{r.seconds:.1f}' for r in cls.shards)} s; merge {cls.merge.seconds:.2f} s")

    def test_shards_split_the_inputs_by_path_hash(self):
        total = self.full.json()["documents"]
        seen = 0
        for k, r in enumerate(self.shards):
            s = r.json()
            self.assertEqual(s["shard"], f"{k}/{N}", r.stdout)
            seen += s["documents"]
            # Each shard's documents are exactly the inputs whose relative path hashes to it.
            for row in query(self.out(f"s{k}"), "SELECT relative_path FROM source_paths"):
                self.assertEqual(shard_of(row["relative_path"], N), k, row)
            marker = json.load(open(os.path.join(self.d, f"s{k}", f"shard-{k}-of-{N}.done")))
            self.assertEqual(marker["shard"], f"{k}/{N}")
            self.assertEqual(marker["documents"], s["documents"])
            self.assertEqual(marker["outcomes"], s["outcomes"])
            runs = query(self.out(f"s{k}"), "SELECT shard FROM runs")
            self.assertEqual(runs, [{"shard": f"{k}/{N}"}])
        self.assertEqual(seen, total)

    def test_merge_succeeded(self):
        self.assertExit(self.merge, EXIT_OK)
        m = self.merge.json()
        self.assertEqual(m["documents"], self.full.json()["documents"])
        self.assertEqual(sorted(s["shard"] for s in m["shards"]), [f"{k}/{N}" for k in range(N)])
        self.assertEqual(query(self.out("merged"), "PRAGMA integrity_check"),
                         [{"integrity_check": "ok"}])
        # Each shard's run is kept, with its shard.
        self.assertEqual(sorted(r["shard"] for r in query(self.out("merged"), "SELECT shard FROM runs")),
                         [f"{k}/{N}" for k in range(N)])

    def test_stable_export_is_byte_identical(self):
        a, b = export_stable(self.out("full")), export_stable(self.out("merged"))
        self.assertGreater(len(a.splitlines()), 30)
        self.assertEqual(a, b)

    def test_same_outcomes_contract_results_queue_and_tasks(self):
        for what in (outcomes, contract_outcomes, queue_items, annotation_tasks):
            self.assertEqual(what(self.out("full")), what(self.out("merged")), what.__name__)
        self.assertTrue(queue_items(self.out("full")), "the slice has rejected documents")
        self.assertEqual(self.full.json()["outcomes"].keys(), {"accepted", "rejected", "error"})

    def test_merged_store_answers_status_and_lineage(self):
        r = run_assay(["status", "--out", "merged", "--json"], cwd=self.d)
        self.assertExit(r, EXIT_OK)
        self.assertEqual(r.json()["outcomes"], self.full.json()["outcomes"])
        doc = query(self.out("merged"), "SELECT doc_id FROM documents WHERE outcome='rejected' LIMIT 1")
        lin = run_assay(["lineage", doc[0]["doc_id"], "--out", "merged", "--json"], cwd=self.d)
        self.assertExit(lin, EXIT_OK)
        self.assertTrue(lin.json()["transformations"])
        self.assertEqual(len(lin.json()["queue"]), 1)

    def test_merging_again_changes_nothing(self):
        before = dump(self.out("merged"))
        again = run_assay(["merge", *[f"s{k}" for k in range(N)], "s1", "--into", "merged"],
                          cwd=self.d)
        self.assertExit(again, EXIT_OK)
        self.assertEqual(dump(self.out("merged")), before)

    def test_missing_marker_is_refused_by_name(self):
        d = os.path.join(self.d, "nomarker")
        os.makedirs(d)
        for k in range(N):
            shutil.copytree(self.out(f"s{k}"), os.path.join(d, f"s{k}"))
        os.remove(os.path.join(d, "s2", f"shard-2-of-{N}.done"))
        r = run_assay(["merge", "s0", "s1", "s2", "s3", "--into", "m"], cwd=d)
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn(f"shard 2/{N} (s2) has no completion marker", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(d, "m", "assay.db")) and
                         query(os.path.join(d, "m"), "SELECT COUNT(*) AS n FROM documents")[0]["n"],
                         "a refused merge copies nothing")
        # A shard left out entirely is named too.
        r = run_assay(["merge", "s0", "s1", "s3", "--into", "m"], cwd=d)
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn(f"shard 2/{N} missing", r.stderr)
        # Not a store at all: bad usage.
        self.assertExit(run_assay(["merge", "nowhere", "--into", "m"], cwd=d), EXIT_USAGE)


class OverlappingShards(AssayTestCase):
    """3 shards that each saw some of the same documents (the same bytes under several paths):
    after the merge every document is there once, with lineage from every shard that
    processed it, and the store equals one unsharded run of the same inputs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.d = cls.temp_dir("overlap")
        names = ["born_digital.pdf", "corrupt.pdf", "image_only.pdf", "two_column.pdf",
                 "ruled_table.pdf", "scanned_page.png"]
        # Each file under three folders: their relative paths hash to different shards.
        for sub in ("a", "b", "c"):
            os.makedirs(os.path.join(cls.d, "in", sub))
            for n in names:
                shutil.copy(os.path.join(SOURCE_DIR, "samples", n), os.path.join(cls.d, "in", sub))
        cls.names = names
        cls.full = run_assay(["run", "in", "--out", "full", "--json"], cwd=cls.d)
        cls.runs = [run_assay(["run", "in", "--out", f"s{k}", "--shard", f"{k}/3", "--json"],
                              cwd=cls.d) for k in range(3)]
        cls.merge = run_assay(["merge", "s0", "s1", "s2", "--into", "merged", "--json"], cwd=cls.d)

    def test_every_document_once_with_lineage_from_every_shard(self):
        self.assertExit(self.merge, EXIT_OK)
        out = os.path.join(self.d, "merged")
        docs = query(out, "SELECT doc_id, source_id FROM documents")
        self.assertEqual(len(docs), len(self.names))
        overlapping = 0
        for n in self.names:
            owners = sorted({shard_of(f"{sub}/{n}", 3) for sub in ("a", "b", "c")})
            overlapping += len(owners) > 1
            src = query(out, "SELECT source_id FROM source_paths WHERE path LIKE ?", (f"%/{n}",))
            self.assertEqual(len({s["source_id"] for s in src}), 1, n)
            self.assertEqual(len(src), 3, f"{n}: every path it was seen at")
            doc = query(out, "SELECT doc_id FROM documents WHERE source_id=?", (src[0]["source_id"],))
            lin = run_assay(["lineage", doc[0]["doc_id"], "--out", "merged", "--json"], cwd=self.d)
            shards = sorted(int(p["shard"].split("/")[0]) for p in lin.json()["processed_by"])
            self.assertEqual(shards, owners, f"{n}: processed by the shards owning its paths")
        self.assertGreaterEqual(overlapping, 3, "the split makes several documents overlap")

    def test_equal_to_one_unsharded_run(self):
        full, merged = os.path.join(self.d, "full"), os.path.join(self.d, "merged")
        self.assertEqual(export_stable(full), export_stable(merged))
        for what in (outcomes, contract_outcomes, queue_items, annotation_tasks):
            self.assertEqual(what(full), what(merged), what.__name__)
        folded = sum(s["folded"] for s in self.merge.json()["shards"])
        self.assertGreater(folded, 0, "duplicate queue items and tasks were folded, not copied")


class ShardRefusals(AssayTestCase):
    """Markers follow the store; mixed processing versions or contract sets are refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.d = cls.temp_dir("refusals")
        # Refusals and markers do not depend on what the documents are: the two OCR'd samples
        # (most of a run's time, and this class runs seven) are left out.
        shutil.copytree(os.path.join(SOURCE_DIR, "samples"), os.path.join(cls.d, "in"),
                        ignore=shutil.ignore_patterns("image_only.pdf", "scanned_page.*"))
        manifest = os.path.join(cls.d, "in", "manifest.jsonl")
        present = set(os.listdir(os.path.dirname(manifest)))
        with open(manifest) as f:
            kept = [line for line in f if json.loads(line)["path"] in present]
        with open(manifest, "w") as f:
            f.writelines(kept)
        contracts = os.path.join(cls.d, "contracts")
        shutil.copytree(os.path.join(SOURCE_DIR, "contracts"), contracts,
                        ignore=shutil.ignore_patterns("routing", "*.cpp", "*.h"))
        with open(os.path.join(contracts, "photo.toml"), "a") as f:
            f.write("\n# a changed contract set\n")
        cls.contracts = contracts

    def run_shard(self, k, out, *extra, env=None):
        return run_assay(["run", "in", "--out", out, *extra, "--json"]
                         + (["--shard", f"{k}/2"] if k is not None else []), cwd=self.d, env=env)

    def test_mixed_versions_and_contract_sets_refused_unless_allowed(self):
        self.run_shard(0, "a0")
        self.run_shard(1, "a1", "--set", "rasterize.dpi=200")
        self.run_shard(1, "c1", "--contracts", self.contracts)
        r = run_assay(["merge", "a0", "a1", "--into", "m1"], cwd=self.d)
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn("another processing version", r.stderr)
        r = run_assay(["merge", "a0", "c1", "--into", "m2"], cwd=self.d)
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn("another contract set", r.stderr)
        r = run_assay(["merge", "a0", "a1", "--into", "m3", "--allow-mixed"], cwd=self.d)
        self.assertExit(r, EXIT_OK)

    def test_marker_only_after_a_complete_run(self):
        # An unsharded run writes none; a rerun of a shard removes the old one first, and a
        # run stopped before the end writes none (test_slurm.py kills one with scancel).
        self.run_shard(None, "plain")
        self.assertEqual([f for f in os.listdir(os.path.join(self.d, "plain")) if f.endswith(".done")], [])
        r = self.run_shard(1, "b1")
        self.assertTrue(r.json()["completion_marker"].endswith("shard-1-of-2.done"))
        marker = os.path.join(self.d, "b1", "shard-1-of-2.done")
        first = json.load(open(marker))
        again = self.run_shard(1, "b1").json()
        self.assertEqual(again["processed"], 0, "a finished shard resumes with nothing to do")
        second = json.load(open(marker))
        self.assertNotEqual(first["run_id"], second["run_id"])
        self.assertEqual(first["documents"], second["documents"])

    def test_bad_shard_arguments_are_usage_errors(self):
        for args, env, text in (
                (["--shard", "2/2"], None, "K must be"),
                (["--shard", "x"], None, "expected K/N"),
                ([], {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "2",
                      "SLURM_ARRAY_TASK_MIN": "2", "SLURM_ARRAY_TASK_MAX": "3"}, "--shards N"),
                ([], {"JOB_COMPLETION_INDEX": "1"}, "--shards N"),
                (["--shards", "2"], {"JOB_COMPLETION_INDEX": "2"}, "not a shard index")):
            r = run_assay(["run", "in", "--out", "bad", *args], cwd=self.d, env=env)
            self.assertExit(r, EXIT_USAGE)
            self.assertIn(text, r.stderr)
        # ASSAY_SHARDS gives N for a re-submitted Slurm task or a Kubernetes index.
        r = run_assay(["run", "in", "--out", "k8s", "--json"], cwd=self.d,
                      env={"JOB_COMPLETION_INDEX": "1", "ASSAY_SHARDS": "2"})
        self.assertEqual(r.json()["shard"], "1/2", r.describe())


if __name__ == "__main__":
    unittest.main()
