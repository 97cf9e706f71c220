"""Annotation routing end to end (docs/annotation.md): a mixed batch of samples and corpora
documents routed by the shipped routing file, a Label Studio round trip with consensus,
agreement and adjudication, re-routing, and bad routing files and imports refused whole."""

import hashlib
import json
import os
import shutil
import tempfile
import unittest

from assay_e2e import (CORPORA, EXIT_INTERNAL, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, SAMPLES,
                       export, query, run_assay)

EXIT_REFUSED = 5
ALTTEXT = os.path.join(CORPORA, "alttext_w3c_wai", "dev")
ICDAR = os.path.join(CORPORA, "tables_icdar2013", "dev")
PUBTABNET = os.path.join(CORPORA, "tables_pubtabnet_images", "dev")
SHIPPED_ROUTING = os.path.join(os.path.dirname(SAMPLES), "contracts", "routing", "default.toml")


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def draw_circuit(path):
    """A two-input AND gate, drawn: a domain diagram no general annotator should judge."""
    from PIL import Image, ImageDraw
    im = Image.new("RGB", (320, 200), "white")
    d = ImageDraw.Draw(im)
    d.line((20, 60, 110, 60), fill="black", width=3)
    d.line((20, 140, 110, 140), fill="black", width=3)
    d.line((110, 40, 110, 160), fill="black", width=3)
    d.arc((50, 40, 170, 160), -90, 90, fill="black", width=3)
    d.line((170, 100, 300, 100), fill="black", width=3)
    d.text((5, 52), "A", fill="black")
    d.text((5, 132), "B", fill="black")
    d.text((280, 80), "Y", fill="black")
    im.save(path)


# The mixed batch: path -> (manifest entry, expected routing). Table documents are routed by
# their manifest tag `table` (no stage measures tables yet; see contracts/routing/default.toml).
def batch(tmp):
    draw_circuit(os.path.join(tmp, "and_gate.png"))
    return [
        {"path": os.path.join(SAMPLES, "photo.jpg"),
         "alt_text": "A landscape: mountains, a green hill and a meadow under a blue sky.",
         "tags": ["photo"]},
        {"path": os.path.join(SAMPLES, "ruled_table.pdf"), "tags": ["pdf", "table"]},
        {"path": os.path.join(SAMPLES, "born_digital.pdf"), "tags": ["pdf"]},
        {"path": os.path.join(SAMPLES, "scanned_page.png"),
         "ground_truth": os.path.join(SAMPLES, "scanned_page.gt.txt"), "tags": ["scan"]},
        {"path": "and_gate.png", "alt_text": "A two-input AND gate: inputs A and B, output Y.",
         "tags": ["circuit"]},
        {"path": os.path.join(ALTTEXT, "counter-clockwise.jpg"),
         "alt_text": "Push the cap down and turn it counter-clockwise (from right to left)",
         "tags": ["diagram"]},
        {"path": os.path.join(ALTTEXT, "castle-etching.jpg"),
         "alt_text": "The castle has one tower, and a tall wall around it.", "tags": ["photo"]},
        {"path": os.path.join(ALTTEXT, "castle-painting.jpg"),
         "alt_text": "The castle now has two towers and two walls.", "tags": ["photo"]},
        {"path": os.path.join(ALTTEXT, "castle-fluro.jpg"),
         "alt_text": "The castle lies in ruins, the original tower all that remains in one piece.",
         "tags": ["photo"]},
        {"path": os.path.join(PUBTABNET, "PMC2753619_002_00.png"), "tags": ["table"]},
        {"path": os.path.join(ICDAR, "eu-006.pdf"), "tags": ["table"]},
    ]


def sample_draw(routing_sha256, doc_id, region, task_type):
    """core/routing.cpp SampleDraw, recomputed independently: the first 52 bits of SHA-256."""
    h = hashlib.sha256(f"{routing_sha256}\n{doc_id}\n{region}\n{task_type}".encode()).hexdigest()
    return int(h[:13], 16) / float(1 << 52)


def label_studio_export(tasks, votes_by_task):
    """A Label Studio JSON export of `tasks` (as `annotate export --format label-studio` wrote
    them, imported into a project), in the documented format of annotated tasks
    (docs/source/includes/task_format.md, Label Studio 1.x): task id, data copied from the
    import, annotations with id, completed_by (a user id), result (a choices result from the
    "label" control to the "text" object), was_cancelled, created_at, updated_at, lead_time."""
    out = []
    ann_id = 5000
    for n, task in enumerate(tasks):
        ls_id = 100 + n  # Label Studio numbers tasks itself; assay keys on data.assay_task_id
        annotations = []
        for user, label in votes_by_task.get(task["data"]["assay_task_id"], []):
            ann_id += 1
            annotations.append({
                "id": ann_id,
                "completed_by": user,
                "result": [{"id": f"r{ann_id}", "from_name": "label", "to_name": "text",
                            "type": "choices", "origin": "manual",
                            "value": {"choices": [label]}}],
                "was_cancelled": False, "ground_truth": False,
                "created_at": "2026-11-30T10:00:00.000000Z",
                "updated_at": "2026-11-30T10:01:00.000000Z",
                "lead_time": 12.5, "result_count": 1, "task": ls_id, "project": 7})
        out.append({"id": ls_id, "data": task["data"], "annotations": annotations,
                    "predictions": [], "project": 7,
                    "created_at": "2026-11-30T09:00:00.000000Z",
                    "updated_at": "2026-11-30T10:01:00.000000Z"})
    return out


class AnnotateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="assay-annotate-")
        entries = batch(cls.tmp)
        cls.manifest = os.path.join(cls.tmp, "manifest.jsonl")
        with open(cls.manifest, "w") as f:
            for e in entries:
                f.write(json.dumps(e) + "\n")
        cls.out = os.path.join(cls.tmp, "out")
        # The manifest names samples and corpora by absolute path, outside its own folder.
        r = run_assay(["run", cls.manifest, "--out", cls.out, "-j", "2",
                       "--allow-outside-inputs"])
        # The pubtabnet table image is rejected by its contract (OCR finds no words).
        assert r.returncode == EXIT_REJECTED, r.describe()

    @classmethod
    def tearDownClass(cls):
        if not os.environ.get("ASSAY_E2E_KEEP"):
            shutil.rmtree(cls.tmp, True)

    def fresh_copy(self):
        """A copy of the routed store for a test that changes it."""
        d = tempfile.mkdtemp(prefix="assay-annotate-copy-", dir=self.tmp)
        out = os.path.join(d, "out")
        shutil.copytree(self.out, out, ignore=shutil.ignore_patterns("logs"))
        return out

    def tasks_by_name(self, out):
        rows = query(out, "SELECT t.*, d.path FROM annotation_tasks t JOIN documents d "
                          "ON d.doc_id = t.doc_id ORDER BY t.task_id")
        by = {}
        for r in rows:
            r["reason"] = json.loads(r["reason"])
            by.setdefault(os.path.basename(r["path"]), []).append(r)
        return by

    def test_mixed_batch_reaches_the_right_pools(self):
        by = self.tasks_by_name(self.out)
        routing_sha = hashlib.sha256(read(SHIPPED_ROUTING, "rb")).hexdigest()

        def only(name, task_type):
            ts = [t for t in by.get(name, []) if t["task_type"] == task_type]
            self.assertEqual(len(ts), 1, (name, task_type, by.get(name)))
            return ts[0]

        # Tables (tagged) and diagrams (tagged circuit / diagram): specialists, 3 votes.
        for name, task_type, rule, tag in [
                ("ruled_table.pdf", "table_header_check", "tables", "table"),
                ("eu-006.pdf", "table_header_check", "tables", "table"),
                ("and_gate.png", "diagram_review", "diagrams", "circuit"),
                ("counter-clockwise.jpg", "diagram_review", "diagrams", "diagram")]:
            t = only(name, task_type)
            self.assertEqual((t["pool"], t["votes_required"], t["state"], t["rule"]),
                             ("specialist", 3, "open", rule), name)
            self.assertEqual(t["agreement_required"], 0.66)
            self.assertIn({"tags": [tag]}, t["reason"]["matched"], name)
            self.assertEqual(t["routing_sha256"], routing_sha)
            self.assertGreater(t["complexity"], 0)
        # Plain photos: the general pool, 1 vote, a 10% sample drawn from the hash of the
        # routing and the document, never from a random generator.
        photos = ["photo.jpg", "castle-etching.jpg", "castle-painting.jpg", "castle-fluro.jpg",
                  "and_gate.png", "counter-clockwise.jpg"]
        for name in photos:
            t = only(name, "caption_check")
            self.assertEqual((t["pool"], t["votes_required"], t["rule"]),
                             ("general", 1, "photos"), name)
            sample = t["reason"]["sample"]
            self.assertEqual(sample["rate"], 0.1)
            draw = sample_draw(routing_sha, t["doc_id"], "", "caption_check")
            self.assertAlmostEqual(sample["draw"], draw, places=12)
            self.assertEqual(t["state"], "open" if draw < 0.1 else "unsampled", name)
            self.assertIn({"modality": "photo"}, t["reason"]["matched"])
        # A plain photo gets no specialist task.
        self.assertEqual([t["task_type"] for t in by["castle-etching.jpg"]], ["caption_check"])
        # Borderline OCR pages: checked per page, the recorded value inside 1-2%.
        for name, ts in by.items():
            for t in ts:
                if t["task_type"] != "ocr_line_check":
                    continue
                self.assertTrue(t["region"].startswith("page:"), t)
                m = t["reason"]["matched"][1]
                self.assertIn(m["metric"], ("ocr.cer", "ocr.cer_estimate"))
                self.assertTrue(0.01 <= m["value"] <= 0.02, m)
        # A born-digital text and a rejected document get no task.
        self.assertNotIn("born_digital.pdf", by)
        self.assertNotIn("PMC2753619_002_00.png", by)
        # Every task records why: its creation event names rule, pool and votes.
        ev = query(self.out, "SELECT e.note FROM annotation_events e JOIN annotation_tasks t "
                             "ON t.task_id = e.task_id WHERE e.action='created' AND "
                             "t.rule='tables' LIMIT 1")
        self.assertTrue(ev[0]["note"].startswith("rule tables: pool specialist, 3 votes"), ev)
        # The export carries them, and routing again with the same file changes nothing.
        recs = {os.path.basename(r["source"]["path"]): r for r in export(self.out)[0]}
        self.assertEqual([t["type"] for t in recs["and_gate.png"]["annotations"]["tasks"]],
                         ["caption_check", "diagram_review"])
        self.assertEqual(recs["born_digital.pdf"]["annotations"], {"tasks": []})
        out = self.fresh_copy()
        before = query(out, "SELECT * FROM annotation_tasks ORDER BY task_id")
        r = run_assay(["annotate", "route", "--out", out, "--json"])
        self.assertEqual(r.returncode, EXIT_OK, r.describe())
        self.assertEqual(query(out, "SELECT * FROM annotation_tasks ORDER BY task_id"), before)

    def test_label_studio_round_trip(self):
        out = self.fresh_copy()
        tasks_file = os.path.join(out, "specialist.json")
        config_file = os.path.join(out, "specialist.xml")
        r = run_assay(["annotate", "export", "--out", out, "--pool", "specialist",
                       "--format", "label-studio", "--to", tasks_file, "--label-config",
                       config_file])
        self.assertEqual(r.returncode, EXIT_OK, r.describe())
        tasks = json.loads(read(tasks_file))
        self.assertEqual(len(tasks), 4)  # 2 tables, 2 diagrams
        # Field by field against Label Studio's "Basic Label Studio JSON format" (1.x): a list
        # of tasks, each with a `data` object whose keys the labeling config references
        # ($image, $text, $question); `predictions` only where there are earlier votes.
        for t in tasks:
            self.assertEqual(set(t), {"data"})
            d = t["data"]
            self.assertIsInstance(d["assay_task_id"], int)
            for key in ("image", "text", "question"):
                self.assertIsInstance(d[key], str)
            if d["path"].endswith((".png", ".jpg")):
                self.assertTrue(d["image"].startswith("/data/local-files/?d="), d["image"])
                self.assertTrue(os.path.exists("/" + d["image"][len("/data/local-files/?d="):]))
        config = read(config_file)
        for piece in ('<Image name="image" value="$image"/>', '<Text name="text" value="$text"/>',
                      '<Choices name="label" toName="text" choice="single"',
                      '<Choice value="correct"/>'):
            self.assertIn(piece, config)

        # The same tasks as JSON Lines: one object per task, keyed by task_id.
        r = run_assay(["annotate", "export", "--out", out, "--pool", "specialist", "--format",
                       "jsonl"])
        self.assertEqual(r.returncode, EXIT_OK, r.describe())
        lines = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertEqual([list(x)[0] for x in lines], ["task_id"] * 4)
        self.assertEqual([x["task_id"] for x in lines],
                         [t["data"]["assay_task_id"] for t in tasks])
        self.assertEqual(lines[0]["question"], tasks[0]["data"]["question"])
        self.assertEqual(lines[0]["votes"], [])

        ids = {t["data"]["task_type"] + ":" + os.path.basename(t["data"]["path"]):
               t["data"]["assay_task_id"] for t in tasks}
        table_a, table_b = ids["table_header_check:ruled_table.pdf"], ids["table_header_check:eu-006.pdf"]
        gate, arrow = ids["diagram_review:and_gate.png"], ids["diagram_review:counter-clockwise.jpg"]
        # Users 1, 2 and 3 agree on three tasks (one 2-1 split); on the AND gate they disagree
        # three ways: no majority, so it goes to adjudication.
        votes = {table_a: [(1, "correct"), (2, "correct"), (3, "correct")],
                 table_b: [(1, "wrong"), (2, "wrong"), (3, "correct")],
                 arrow: [(1, "correct"), (2, "correct"), (3, "correct")],
                 gate: [(1, "correct"), (2, "minor_errors"), (3, "wrong")]}
        ls = label_studio_export(tasks, votes)
        # A skipped (cancelled) annotation is not a vote.
        ls[0]["annotations"].append({"id": 9999, "completed_by": 4, "result": [],
                                     "was_cancelled": True})
        export_file = os.path.join(out, "project-7-at-2026-11-30.json")
        write(export_file, json.dumps(ls, indent=2))
        r = run_assay(["annotate", "import", export_file, "--out", out, "--json"])
        self.assertEqual(r.returncode, EXIT_OK, r.describe())
        summary = json.loads(r.stdout)
        self.assertEqual(summary["votes_added"], 12)
        self.assertEqual(summary["tasks"], {"adjudication": 1, "complete": 3})

        rows = {t["task_id"]: t for t in query(out, "SELECT * FROM annotation_tasks")}
        self.assertEqual((rows[table_a]["state"], rows[table_a]["label"]), ("complete", "correct"))
        self.assertEqual((rows[table_b]["state"], rows[table_b]["label"]), ("complete", "wrong"))
        self.assertAlmostEqual(rows[table_b]["agreement"], 2 / 3)
        self.assertEqual(rows[gate]["state"], "adjudication")
        self.assertIsNone(rows[gate]["label"])
        self.assertAlmostEqual(rows[gate]["agreement"], 1 / 3)
        voters = query(out, "SELECT annotator, label, annotated_at, source_ref FROM annotations "
                            "WHERE task_id=? ORDER BY annotator", (gate,))
        self.assertEqual([v["annotator"] for v in voters], ["ls-user:1", "ls-user:2", "ls-user:3"])
        self.assertEqual(voters[0]["annotated_at"], "2026-11-30T10:01:00.000000Z")
        self.assertTrue(voters[0]["source_ref"].startswith("label-studio:"))

        # The adjudication queue, for the specialist pool, with the votes.
        st = json.loads(run_assay(["annotate", "status", "--out", out, "--json"]).stdout)
        self.assertEqual([q["task_id"] for q in st["adjudication_queue"]], [gate])
        self.assertEqual(st["adjudication_queue"][0]["pool"], "specialist")
        self.assertEqual(st["pools"]["specialist"]["adjudication"], 1)
        # Agreement: user 3 dissents on table_b; Fleiss over the two table tasks of 3 votes.
        ag = json.loads(run_assay(["annotate", "agreement", "--out", out, "--json"]).stdout)
        tables = ag["task_types"]["table_header_check"]
        self.assertEqual(tables["annotators"]["ls-user:3"]["agreed_with_consensus"], 1)
        self.assertEqual(tables["annotators"]["ls-user:1"]["agreed_with_consensus"], 2)
        self.assertEqual(tables["fleiss_kappa"]["tasks"], 2)
        # Fleiss by hand: rows (3,0) and (1,2) over labels (correct, wrong) -> P = (1 + 1/3)/2,
        # p = (4/6, 2/6), Pe = 5/9, kappa = (2/3 - 5/9) / (4/9) = 0.25.
        self.assertAlmostEqual(tables["fleiss_kappa"]["value"], 0.25)
        self.assertEqual(len(tables["cohen_kappa"]), 3)
        self.assertIsNotNone(tables["krippendorff_alpha_nominal"])

        # The adjudication queue's own export carries the earlier votes as predictions.
        r = run_assay(["annotate", "export", "--out", out, "--pool", "specialist",
                       "--adjudication"])
        adj = json.loads(r.stdout)
        self.assertEqual([t["data"]["assay_task_id"] for t in adj], [gate])
        self.assertEqual(len(adj[0]["predictions"]), 3)
        # A specialist decides; the audit trail shows every step.
        r = run_assay(["annotate", "adjudicate", str(gate), "--label", "correct", "--as",
                       "dana", "--note", "an AND gate indeed", "--out", out])
        self.assertEqual(r.returncode, EXIT_OK, r.describe())
        r = run_assay(["annotate", "adjudicate", str(gate), "--label", "wrong", "--as", "eve",
                       "--out", out])
        self.assertEqual(r.returncode, EXIT_REFUSED, r.describe())
        self.assertIn("is adjudicated, not in adjudication", r.stderr)
        shown = json.loads(run_assay(["annotate", "show", str(gate), "--out", out]).stdout)
        self.assertEqual([e["action"] for e in shown["events"]],
                         ["created", "voted", "adjudication", "adjudicated"])
        self.assertEqual(shown["events"][-1]["actor"], "dana")
        self.assertEqual((shown["state"], shown["label"]), ("adjudicated", "correct"))
        # The export's annotations object: results and confidence per document.
        recs = {os.path.basename(r["source"]["path"]): r for r in export(out)[0]}
        t = [x for x in recs["eu-006.pdf"]["annotations"]["tasks"]
             if x["type"] == "table_header_check"][0]
        self.assertEqual((t["label"], t["votes"], t["decided_by"]), ("wrong", 3, "consensus:majority"))
        self.assertAlmostEqual(t["agreement"], 2 / 3)
        # Importing the same export again adds nothing and changes nothing.
        r = run_assay(["annotate", "import", export_file, "--out", out, "--json"])
        self.assertEqual(r.returncode, EXIT_OK, r.describe())
        self.assertEqual(json.loads(r.stdout)["votes_added"], 0)
        self.assertEqual(json.loads(r.stdout)["already_imported"], 12)

    def test_bad_imports_import_nothing(self):
        out = self.fresh_copy()
        tasks = json.loads(run_assay(["annotate", "export", "--out", out, "--pool",
                                      "specialist"]).stdout)
        first = tasks[0]["data"]["assay_task_id"]
        good = [(1, "correct"), (2, "correct"), (3, "correct")]

        def snapshot():
            return (query(out, "SELECT COUNT(*) AS n FROM annotations")[0]["n"],
                    query(out, "SELECT COUNT(*) AS n FROM annotation_imports")[0]["n"],
                    query(out, "SELECT COUNT(*) AS n FROM annotation_events")[0]["n"],
                    query(out, "SELECT task_id, state FROM annotation_tasks ORDER BY task_id"))
        before = snapshot()

        def refused(name, content, *expected):
            path = os.path.join(out, name)
            write(path, content if isinstance(content, str) else json.dumps(content))
            r = run_assay(["annotate", "import", path, "--out", out])
            self.assertEqual(r.returncode, EXIT_USAGE, r.describe())
            self.assertIn("nothing was imported", r.stderr)
            for e in expected:
                self.assertIn(e, r.stderr)
            self.assertEqual(snapshot(), before, name)

        # A good task and an unknown one: the good votes are not imported either.
        ls = label_studio_export(tasks[:1], {first: good})
        unknown = json.loads(json.dumps(ls[0]))
        unknown["data"]["assay_task_id"] = 987654
        refused("unknown.json", ls + [unknown], "unknown task 987654")
        refused("label.json", label_studio_export(tasks[:1], {first: good[:2] + [(3, "maybe")]}),
                "label 'maybe' is not in task " + str(first))
        refused("dup.json", label_studio_export(tasks[:1], {first: good + [(2, "wrong")]}),
                "a second vote of 'ls-user:2' on task " + str(first))
        text = json.dumps(label_studio_export(tasks[:1], {first: good}))
        refused("truncated.json", text[: len(text) // 2], "not valid JSON", "truncated?")
        refused("notls.json", [{"data": {"image": "x"}, "annotations": []}],
                "no data.assay_task_id")
        jsonl = "".join(json.dumps({"task_id": first, "annotator": a, "label": l}) + "\n"
                        for a, l in [("ann", "correct"), ("bob", "correct")])
        refused("votes.jsonl", jsonl + '{"task_id": %d, "annotator": "cy", "labl": "x"}\n' % first,
                "unknown key 'labl'")
        refused("cut.jsonl", jsonl + '{"task_id": %d, "annot' % first, "truncated file?")
        # A stored vote cannot be changed by a later file.
        path = os.path.join(out, "ok.jsonl")
        write(path, jsonl)
        self.assertEqual(run_assay(["annotate", "import", path, "--out", out]).returncode, EXIT_OK)
        before = snapshot()
        refused("change.jsonl", json.dumps({"task_id": first, "annotator": "ann",
                                            "label": "wrong"}) + "\n",
                "'ann' already voted 'correct' on task " + str(first))

    def test_bad_routing_files_are_refused_before_anything_is_written(self):
        shipped = read(SHIPPED_ROUTING)
        cases = [
            ("typo", shipped.replace("votes = 3\nagreement = 0.66\nconsensus = \"majority\"",
                                     "vote = 3\nagreement = 0.66\nconsensus = \"majority\"", 1),
             "unknown key 'vote' in rule"),
            ("metric", shipped.replace('metric = "ocr.low_conf_word_ratio"',
                                       'metric = "chart.count"'),
             "unknown metric 'chart.count' (see `assay metrics`)"),
            ("pool", shipped.replace('pool = "general"', 'pool = "generalists"', 1),
             "unknown pool 'generalists' (pools: general, specialist, transcribers)"),
        ]
        for name, text, expected in cases:
            self.assertNotEqual(text, shipped, name)
            path = os.path.join(self.tmp, name + ".toml")
            write(path, text)
            r = run_assay(["annotate", "check", path])
            self.assertEqual(r.returncode, EXIT_USAGE, r.describe())
            self.assertIn(expected, r.stderr)
            self.assertRegex(r.stderr, r"^" + path.replace(".", r"\.") + r":\d+:\d+: ")
            out = os.path.join(self.tmp, "bad-" + name)
            r = run_assay(["run", os.path.join(SAMPLES, "born_digital.pdf"), "--out", out,
                           "--routing", path])
            self.assertEqual(r.returncode, EXIT_INTERNAL, r.describe())
            self.assertIn(expected, r.stderr)
            self.assertFalse(os.path.exists(os.path.join(out, "assay.db")))
            # Re-routing a store with it changes nothing either.
            copy = self.fresh_copy()
            before = query(copy, "SELECT * FROM annotation_tasks ORDER BY task_id")
            r = run_assay(["annotate", "route", "--out", copy, "--routing", path])
            self.assertEqual(r.returncode, EXIT_USAGE, r.describe())
            self.assertEqual(query(copy, "SELECT * FROM annotation_tasks ORDER BY task_id"), before)

    def test_rerouting_is_explicit_and_versioned(self):
        out = self.fresh_copy()
        new = os.path.join(self.tmp, "all_photos.toml")
        write(new, read(SHIPPED_ROUTING).replace("sample = 0.10", "sample = 1.0"))
        new_sha = hashlib.sha256(read(new, "rb")).hexdigest()
        r = run_assay(["annotate", "route", "--out", out, "--routing", new, "--json"])
        self.assertEqual(r.returncode, EXIT_OK, r.describe())
        self.assertEqual(json.loads(r.stdout)["routing_sha256"], new_sha)
        caption = query(out, "SELECT state, routing_sha256 FROM annotation_tasks "
                             "WHERE task_type='caption_check'")
        self.assertEqual({c["state"] for c in caption}, {"open"})
        self.assertEqual({c["routing_sha256"] for c in caption}, {new_sha})
        self.assertEqual(query(out, "SELECT COUNT(*) AS n FROM routing_files")[0]["n"], 2)
        ev = query(out, "SELECT DISTINCT action FROM annotation_events ORDER BY 1")
        self.assertIn({"action": "rerouted"}, ev)


if __name__ == "__main__":
    unittest.main()
