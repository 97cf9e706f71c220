"""A stage whose output changes must bump its version: otherwise stores made before keep the old
outputs as "done" (reuse is keyed by stage version), and lineage says two different outputs came
from one (stage, version). This test maps every (sample, stage, version, parameters, input) of a
run on samples/ to the hash of what the stage output (tests/golden/stage_outputs.json), so an
output change without a version bump fails CI.

When you bump a stage's version (or change a stage upstream of others), regenerate the file and
commit it with the change:

    cd build && ASSAY_UPDATE_GOLDEN=1 ctest -R e2e.test_stage_versions

Entries made with other libraries or models (the machine's `resources_sha256` differs) are not
compared: their outputs may legitimately differ, and the reuse key already tells them apart.
"""

import json
import os
import unittest

from assay_e2e import SOURCE_DIR, AssayTestCase, log, query, run_assay

GOLDEN = os.path.join(SOURCE_DIR, "tests", "golden", "stage_outputs.json")


def observed_chains(out):
    """Per sample, its transformations in plan order, with the key fields."""
    rows = query(out, """
        SELECT COALESCE(sp.relative_path, d.path) AS sample, t.seq, t.stage, t.stage_version,
               t.params_sha256, t.resources_sha256, t.input_sha256, t.delta_sha256, t.outcome
        FROM transformations t JOIN documents d ON d.doc_id = t.doc_id
        LEFT JOIN source_paths sp ON sp.source_id = d.source_id AND sp.path = d.path
        WHERE t.run_id = d.run_id
        ORDER BY sample, t.seq""")
    chains = {}
    for r in rows:
        chains.setdefault(r["sample"], []).append(r)
    return chains


def key(sample, r):
    return f"{sample} {r['stage']} v{r['stage_version']} params {r['params_sha256'][:16]} " \
           f"input {r['input_sha256'][:16]}"


class StageVersions(AssayTestCase):
    def test_no_stage_output_changed_without_a_version_bump(self):
        out = self.temp_dir("golden")
        r = run_assay(["run", "samples", "--out", out, "-j", "2", "--json"], cwd=SOURCE_DIR)
        self.assertIn(r.returncode, (0, 1, 4), r.describe())
        chains = observed_chains(out)
        self.assertGreaterEqual(len(chains), 7, chains.keys())

        if os.environ.get("ASSAY_UPDATE_GOLDEN"):
            entries = {}
            for sample, chain in chains.items():
                for t in chain:
                    if t["outcome"] == "error":
                        break
                    entries[key(sample, t)] = {"delta_sha256": t["delta_sha256"],
                                               "resources_sha256": t["resources_sha256"]}
            os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
            with open(GOLDEN, "w") as f:
                json.dump({"about": "tests/e2e/test_stage_versions.py: (sample, stage, version, "
                                    "params, input) -> the stage's output on samples/",
                           "entries": dict(sorted(entries.items()))}, f, indent=1)
                f.write("\n")
            log(f"[wrote {len(entries)} entries to {GOLDEN}]")
            return

        with open(GOLDEN) as f:
            golden = json.load(f)["entries"]
        changed, missing, compared, other_env = [], [], 0, 0
        for sample, chain in chains.items():
            for t in chain:
                if t["outcome"] == "error":
                    break
                k = key(sample, t)
                g = golden.get(k)
                same_stage = [v for gk, v in golden.items()
                              if gk.startswith(f"{sample} {t['stage']} ")]
                if g is None and same_stage and all(
                        v["resources_sha256"] != t["resources_sha256"] for v in same_stage):
                    other_env += 1
                    break  # other libraries or models here: this chain is not comparable on
                if g is None:
                    missing.append(k)
                    break  # its input is new: what follows is new too
                if g["resources_sha256"] != t["resources_sha256"]:
                    other_env += 1
                    break
                compared += 1
                if g["delta_sha256"] != t["delta_sha256"]:
                    changed.append(k)
        log(f"[{compared} stage outputs compared with the golden, {other_env} chains made with "
            f"other libraries or models left out]")
        self.assertEqual(changed, [],
                         "these stages changed their output without a version bump: bump the "
                         "stage's version, then regenerate (see this file's docstring)")
        self.assertEqual(missing, [],
                         "no golden output for these (a version was bumped or an upstream stage "
                         "changed): regenerate tests/golden/stage_outputs.json (see this file's "
                         "docstring) and commit it with the change")
        self.assertGreater(compared, 10)


if __name__ == "__main__":
    unittest.main()
