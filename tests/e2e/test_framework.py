"""The stage framework end to end: honest reuse (a changed model, Poppler data or parameter is
never served from an old output), per-document parameters applied or refused, prefix reuse when
a plan grows, reuse across documents sharing a source, parameter validation, the pipeline
configuration, and the catalog commands."""

import json
import os
import shutil
import unittest

from assay_e2e import (CORPORA, EXIT_DOC_ERRORS, EXIT_INTERNAL, EXIT_OK, EXIT_REJECTED,
                       EXIT_USAGE, PLAN, SAMPLES, SOURCE_DIR, AssayTestCase, copy_with_marker, export,
                       log, query, run_assay)

TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"
SIMPLE3 = os.path.join(CORPORA, "text_born_digital", "dev", "pdfminer-simple3.pdf")


def transformations(out, path):
    """The transformations of the document at `path` in the run that decided it."""
    return query(out, "SELECT t.* FROM transformations t JOIN documents d ON d.doc_id=t.doc_id "
                      "WHERE d.path=? AND t.run_id=d.run_id ORDER BY t.seq", (path,))


def by_stage(rows):
    return {r["stage"]: r for r in rows}


class NewModelIsNotReused(AssayTestCase):
    """Defect: with TESSDATA_PREFIX naming another valid model under the same name, the store
    recorded the new model's hash but reused the old OCR output."""

    def test_another_model_reruns_ocr_and_says_which(self):
        other = os.path.join(TESSDATA, "deu.traineddata")
        if not os.path.exists(other):
            self.skipTest("tesseract-ocr-deu is not installed (build.sh installs it)")
        inp = self.temp_dir("model-in")
        page = os.path.join(inp, "page.png")
        shutil.copyfile(os.path.join(SAMPLES, "scanned_page.png"), page)
        out = self.temp_dir("model-out")
        first = run_assay(["run", inp, "--out", out, "--json"])
        self.assertIn(first.returncode, (EXIT_OK, EXIT_REJECTED), first.describe())
        before = by_stage(transformations(out, page))

        tessdata = self.temp_dir("tessdata")
        shutil.copyfile(other, os.path.join(tessdata, "eng.traineddata"))
        # The preprocess stage's orientation model, unchanged.
        shutil.copyfile(os.path.join(TESSDATA, "osd.traineddata"),
                        os.path.join(tessdata, "osd.traineddata"))
        second = run_assay(["run", inp, "--out", out, "--json"], env={"TESSDATA_PREFIX": tessdata})
        self.assertIn(second.returncode, (EXIT_OK, EXIT_REJECTED), second.describe())
        self.assertEqual((second.json()["processed"], second.json()["reused"]), (1, 0),
                         "a new model must make the document's processing version change")
        after = by_stage(transformations(out, page))
        # The stage before OCR did not change: reused. OCR and what follows ran again.
        self.assertIsNotNone(after["image_load"]["reused_from"])
        self.assertIsNone(after["ocr"]["reused_from"], "OCR was served from the old model")
        self.assertIsNone(after["quality"]["reused_from"])
        self.assertNotEqual(after["ocr"]["resources_sha256"], before["ocr"]["resources_sha256"])
        model = json.loads(after["ocr"]["resources"])["resources"][0]
        self.assertEqual((model["kind"], model["name"]), ("tesseract", "eng"))
        self.assertNotEqual(model["sha256"],
                            json.loads(before["ocr"]["resources"])["resources"][0]["sha256"])
        runs = query(out, "SELECT tessdata_sha256 FROM runs ORDER BY run_id")
        self.assertNotEqual(runs[0]["tessdata_sha256"], runs[1]["tessdata_sha256"])
        log(f"[ocr with the original model: {before['ocr']['duration_ms']:.0f} ms; with another "
            f"under the same name: {after['ocr']['duration_ms']:.0f} ms, re-run]")

        # Back to the original model: the first OCR output is reused again, by its key.
        third = run_assay(["run", inp, "--out", out, "--json"])
        self.assertEqual(third.json()["processed"], 1)
        again = by_stage(transformations(out, page))
        self.assertEqual(again["ocr"]["reused_from"], before["ocr"]["transformation_id"])


class PopplerDataIsPartOfTheKey(AssayTestCase):
    """Defect: the same PDF read 'Hello World' or 'Hello あいうえお' depending on whether the
    worker that took it saw Poppler's CMaps (poppler-data); outputs made without them were reused
    by runs that had them. The data folder is now a resource of pdf_text and rasterize."""

    def test_text_follows_the_data_and_is_not_reused_across_it(self):
        if not os.path.exists(SIMPLE3):
            self.skipTest(f"corpus file not found: {SIMPLE3}")
        if not os.path.isdir("/usr/share/poppler/cMap"):
            self.skipTest("poppler-data is not installed (build.sh installs it)")
        out = self.temp_dir("poppler-out")
        empty = self.temp_dir("no-poppler-data")
        without = run_assay(["run", SIMPLE3, "--out", out, "--json"],
                            env={"ASSAY_POPPLER_DATA": empty})
        self.assertIn(without.returncode, (EXIT_OK, EXIT_REJECTED), without.describe())
        text_without = export(out)[0][0]["text"]
        self.assertNotIn("あ", text_without)

        with_data = run_assay(["run", SIMPLE3, "--out", out, "--json"])
        self.assertEqual((with_data.json()["processed"], with_data.json()["reused"]), (1, 0))
        text_with = export(out)[0][0]["text"]
        self.assertIn("あいうえお", text_with)
        ts = by_stage(transformations(out, SIMPLE3))
        self.assertIsNone(ts["pdf_text"]["reused_from"])
        log(f"[pdfminer-simple3.pdf without poppler-data: {text_without[:24]!r}; "
            f"with: {text_with[:24]!r}]")


class PerDocumentParameters(AssayTestCase):
    """Defect: `queue reprocess --set ocr.lang=deu` (not installed) ended accepted and lineage
    claimed the parameter, while the worker's Tesseract had been set up from the run's
    parameters. A document's own parameters are applied, or it ends in error with the reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contracts = cls.temp_dir("strict-contracts")
        for name in os.listdir(os.path.join(SOURCE_DIR, "contracts")):
            if name.endswith(".toml"):
                shutil.copyfile(os.path.join(SOURCE_DIR, "contracts", name),
                                os.path.join(cls.contracts, name))
        # A page image is rejected unless OCR is all but certain: the sample lands in the queue.
        with open(os.path.join(cls.contracts, "page_image.toml"), "a") as f:
            f.write('\n[[rule]]\nid = "certain"\nmetric = "ocr.mean_confidence"\nmin = 99.5\n'
                    'severity = "reject"\n')
        cls.inp = cls.temp_dir("params-in")
        cls.page = os.path.join(cls.inp, "page.png")
        shutil.copyfile(os.path.join(SAMPLES, "scanned_page.png"), cls.page)

    def fresh_store(self):
        out = self.temp_dir("params-out")
        r = run_assay(["run", self.inp, "--out", out, "--contracts", self.contracts, "--json"])
        self.assertExit(r, EXIT_REJECTED)
        items = run_assay(["queue", "list", "--out", out, "--json"]).json()
        self.assertEqual(len(items), 1, items)
        return out, str(items[0]["item_id"])

    def reprocess(self, out, item, *sets):
        args = ["queue", "reprocess", item, "--out", out, "--contracts", self.contracts, "--as",
                "alice", "--json"]
        for s in sets:
            args += ["--set", s]
        return run_assay(args)

    def test_a_model_that_is_not_installed_is_an_error_of_that_document(self):
        out, item = self.fresh_store()
        r = self.reprocess(out, item, "ocr.lang=kor")
        self.assertExit(r, EXIT_DOC_ERRORS)
        self.assertEqual(r.json()["outcome"], "error")
        d = self.doc_by_path(out, self.page)
        self.assertEqual((d["outcome"], d["error_stage"]), ("error", "plan"))
        self.assertIn("ocr: no Tesseract language data for 'kor'", d["error_message"])
        self.assertIn("tesseract-ocr-kor", d["error_message"])
        # Lineage never says a stage ran with lang=kor.
        ts = transformations(out, self.page)
        ran_with_kor = [t for t in ts
                        if t["outcome"] != "error" and json.loads(t["params"]).get("lang") == "kor"]
        self.assertEqual(ran_with_kor, [])
        # The queue item is still open, with the reason; the request is in its audit trail.
        shown = run_assay(["queue", "show", item, "--out", out, "--json"]).json()
        self.assertEqual(shown["state"], "open")
        self.assertEqual(shown["reasons"][0]["stage"], "plan")
        self.assertEqual([e["action"] for e in shown["events"]],
                         ["opened", "reprocessed", "updated"])

        # A working model for the document: applied, and lineage says so.
        r = self.reprocess(out, item, "ocr.lang=deu")
        self.assertIn(r.returncode, (EXIT_OK, EXIT_REJECTED), r.describe())
        ocr = by_stage(transformations(out, self.page))["ocr"]
        self.assertEqual(json.loads(ocr["params"])["lang"], "deu")
        model = json.loads(ocr["resources"])["resources"][0]
        self.assertEqual(model["name"], "deu")

    def test_reprocess_keeps_the_run_parameters_and_adds_the_reviewers(self):
        out = self.temp_dir("params-keep")
        r = run_assay(["run", self.inp, "--out", out, "--contracts", self.contracts,
                       "--set", "ocr.psm=6", "--json"])
        self.assertExit(r, EXIT_REJECTED)
        item = str(run_assay(["queue", "list", "--out", out, "--json"]).json()[0]["item_id"])
        r = self.reprocess(out, item, "ocr.blank_max_ink_fraction=0.001")
        self.assertIn(r.returncode, (EXIT_OK, EXIT_REJECTED), r.describe())
        params = json.loads(by_stage(transformations(out, self.page))["ocr"]["params"])
        self.assertEqual((params["psm"], params["blank_max_ink_fraction"]), (6, 0.001))
        # A later run with the same --set keeps the document's own parameter: nothing to redo.
        again = run_assay(["run", self.inp, "--out", out, "--contracts", self.contracts,
                           "--set", "ocr.psm=6", "--json"])
        self.assertEqual(again.json()["processed"], 0, again.describe())

    def test_the_same_model_named_run_wide_is_a_run_level_failure(self):
        out = self.temp_dir("kor-run")
        r = run_assay(["run", self.inp, "--out", out, "--set", "ocr.lang=kor"])
        self.assertExit(r, EXIT_INTERNAL)
        self.assertIn("no Tesseract language data for 'kor'", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "assay.db")),
                         "nothing is recorded for a run that cannot start")

    def test_invalid_values_are_bad_usage_and_never_recorded(self):
        out, item = self.fresh_store()
        before = query(out, "SELECT COUNT(*) AS n FROM transformations")[0]["n"]
        for value, message in (("-300", "got -300"), ("1.5", "got 1.5"),
                               ("1e12", "got 1000000000000.0"), ("abc", 'got "abc"')):
            with self.subTest(value=value):
                r = run_assay(["run", self.inp, "--out", out, "--set", f"rasterize.dpi={value}"])
                self.assertExit(r, EXIT_USAGE)
                self.assertIn("rasterize.dpi must be an integer from 36 to 1200, " + message,
                              r.stderr)
                r = self.reprocess(out, item, f"rasterize.dpi={value}")
                self.assertExit(r, EXIT_USAGE)
        self.assertEqual(query(out, "SELECT COUNT(*) AS n FROM transformations")[0]["n"], before)
        overrides = query(out, "SELECT param_overrides FROM documents")[0]["param_overrides"]
        self.assertEqual(overrides, "{}")


class PrefixReuse(AssayTestCase):
    """Adding a stage at the end of a plan re-runs only that stage; inserting one re-runs it and
    what follows; a stage that needs pixels after a reused prefix gets them rebuilt."""

    CORPUS = os.path.join(CORPORA, "ocr_tesseract_testimages", "dev")

    def test_adding_quality_to_the_ocr_corpus_runs_only_quality(self):
        if not os.path.isdir(self.CORPUS):
            self.skipTest(f"corpus not found: {self.CORPUS}")
        config = os.path.join(self.temp_dir("config"), "no_quality.toml")
        with open(config, "w") as f:
            f.write('[pipeline.pdf]\nstages = ["pdf_text", "rasterize", "preprocess", '
                    '"handwriting", "ocr", "layout", "tables"]\n'
                    '[pipeline.image]\nstages = ["image_load", "image_checks", "preprocess", '
                    '"handwriting", "ocr", "layout", "tables"]\n')
        out = self.temp_dir("prefix")
        args = ["run", self.CORPUS, "--out", out, "-j", "2", "--json", "--exclude", "*.txt",
                "--exclude", "*.csv", "--exclude", "*.md", "--exclude", "*.uzn",
                "--exclude", "*.json"]
        first = run_assay(args + ["--config", config], timeout=900)
        self.assertIn(first.returncode, (EXIT_OK, EXIT_REJECTED, EXIT_DOC_ERRORS), first.describe())
        second = run_assay(args, timeout=900)
        self.assertIn(second.returncode, (EXIT_OK, EXIT_REJECTED, EXIT_DOC_ERRORS),
                      second.describe())
        s1, s2 = first.json(), second.json()
        # Documents that errored in run 1 run again from their failed stage; every other
        # document runs only the added stage.
        errored = {r["doc_id"] for r in query(out, "SELECT doc_id FROM transformations "
                                                   "WHERE run_id=1 AND outcome='error'")}
        rows = query(out, "SELECT doc_id, stage, reused_from IS NOT NULL AS reused "
                          "FROM transformations WHERE run_id=2")
        self.assertTrue(rows)
        ran = sorted({r["stage"] for r in rows if not r["reused"] and r["doc_id"] not in errored})
        self.assertEqual(ran, ["alt_text", "pii", "quality"], "only the added stages may run")
        self.assertEqual(sum(1 for r in rows if r["stage"] == "quality"),
                         s2["processed"] - len(errored & {r["doc_id"] for r in rows}) +
                         sum(1 for r in rows if r["stage"] == "quality" and r["doc_id"] in errored))
        log(f"[prefix reuse on {s1['documents']} documents: run 1 (no quality) "
            f"{s1['seconds']:.1f} s, run 2 (quality added) {s2['seconds']:.1f} s = "
            f"{s2['seconds'] / s1['seconds']:.1%}]")

    def test_a_stage_that_needs_pixels_after_a_reused_prefix_gets_them_rebuilt(self):
        config = os.path.join(self.temp_dir("config2"), "only_load.toml")
        with open(config, "w") as f:
            f.write('[pipeline.pdf]\nstages = ["pdf_text", "rasterize"]\n'
                    '[pipeline.image]\nstages = ["image_load"]\n')
        out = self.temp_dir("pixels")
        run_assay(["run", "samples", "--out", out, "--config", config], cwd=SOURCE_DIR)
        r = run_assay(["run", "samples", "--out", out, "--json"], cwd=SOURCE_DIR)
        self.assertExit(r, EXIT_DOC_ERRORS)  # samples/corrupt.pdf
        reference = self.temp_dir("pixels-ref")
        run_assay(["run", "samples", "--out", reference], cwd=SOURCE_DIR)
        a = run_assay(["export", "--out", out, "--stable"]).stdout
        b = run_assay(["export", "--out", reference, "--stable"]).stdout
        self.assertEqual(a, b, "resuming after a reused raster stage must give the same export")
        reused = query(out, "SELECT COUNT(*) AS n FROM transformations WHERE run_id=2 AND "
                            "stage IN ('rasterize','image_load') AND reused_from IS NOT NULL")
        self.assertGreaterEqual(reused[0]["n"], 3)


class CrossDocumentReuse(AssayTestCase):
    """Documents sharing a source share its stage outputs; ground truth reaches only the stage
    that measures against it."""

    def test_one_photo_under_two_alt_texts_shares_the_stages_that_do_not_read_them(self):
        inp = self.temp_dir("shared-in")
        shutil.copyfile(os.path.join(SAMPLES, "photo.jpg"), os.path.join(inp, "photo.jpg"))
        with open(os.path.join(inp, "manifest.jsonl"), "w") as f:
            for alt in ("A red kite over a field", "A bird of prey in flight"):
                f.write(json.dumps({"path": "photo.jpg", "alt_text": alt}) + "\n")
        out = self.temp_dir("shared-out")
        r = run_assay(["run", inp, "--out", out, "-j", "2", "--json"])
        self.assertExit(r, EXIT_OK)
        rows = query(out, "SELECT t.doc_id, t.stage, t.reused_from FROM transformations t "
                          "JOIN documents d ON d.doc_id=t.doc_id WHERE d.alt_text IS NOT NULL "
                          "ORDER BY t.seq")
        by_doc = {}
        for row in rows:
            by_doc.setdefault(row["doc_id"], []).append(row["reused_from"])
        self.assertEqual(len(by_doc), 2, rows)
        # One document ran its stages; the other copied every one before alt_text, which reads
        # the alt-text (its key holds the description) and so runs for each.
        before = PLAN["image"].index("alt_text")
        self.assertEqual(sorted(all(v is not None for v in vs[:before]) for vs in by_doc.values()),
                         [False, True])
        self.assertTrue(all(vs[before] is None for vs in by_doc.values()), rows)

    def test_ground_truth_added_later_reruns_only_the_stage_that_reads_it(self):
        inp = self.temp_dir("truth-in")
        page = os.path.join(inp, "page.png")
        shutil.copyfile(os.path.join(SAMPLES, "scanned_page.png"), page)
        shutil.copyfile(os.path.join(SAMPLES, "scanned_page.gt.txt"),
                        os.path.join(inp, "page.gt.txt"))
        out = self.temp_dir("truth-out")
        r = run_assay(["run", page, "--out", out, "--json"])
        self.assertIn(r.returncode, (EXIT_OK, EXIT_REJECTED), r.describe())
        with open(os.path.join(inp, "manifest.jsonl"), "w") as f:
            f.write(json.dumps({"path": "page.png", "ground_truth": "page.gt.txt"}) + "\n")
        r = run_assay(["run", inp, "--out", out, "--json", "--exclude", "*.txt"])
        self.assertIn(r.returncode, (EXIT_OK, EXIT_REJECTED), r.describe())
        self.assertEqual(r.json()["processed"], 1, "ground truth changes the document's decision")
        ts = by_stage(transformations(out, page))
        self.assertIsNotNone(ts["image_load"]["reused_from"])
        self.assertIsNotNone(ts["ocr"]["reused_from"], "OCR does not read ground truth")
        self.assertIsNone(ts["quality"]["reused_from"], "quality measures against it")
        self.assertIn("ocr.cer", {m["name"] for m in query(
            out, "SELECT name FROM metrics WHERE doc_id=?", (ts["quality"]["doc_id"],))})


class PipelineConfiguration(AssayTestCase):
    def test_bad_configuration_is_refused_with_file_and_line(self):
        cfg = os.path.join(self.temp_dir("cfg"), "bad.toml")
        with open(cfg, "w") as f:
            f.write('[pipeline.pdf]\nstages = ["pdf_text", "orc"]\n')
        r = run_assay(["run", os.path.join(SAMPLES, "born_digital.pdf"), "--out",
                       self.temp_dir("cfg-out"), "--config", cfg])
        self.assertExit(r, EXIT_USAGE)
        self.assertIn(f"{cfg}:2:23: unknown stage 'orc'", r.stderr)

    def test_configured_parameters_reach_lineage(self):
        cfg = os.path.join(self.temp_dir("cfg2"), "dpi.toml")
        with open(cfg, "w") as f:
            f.write('[params.rasterize]\ndpi = 200\n')
        out = self.temp_dir("cfg2-out")
        r = run_assay(["run", os.path.join(SAMPLES, "image_only.pdf"), "--out", out, "--config",
                       cfg, "--set", "ocr.psm=6", "--json"])
        self.assertIn(r.returncode, (EXIT_OK, EXIT_REJECTED), r.describe())
        ts = by_stage(transformations(out, os.path.join(SAMPLES, "image_only.pdf")))
        self.assertEqual(json.loads(ts["rasterize"]["params"])["dpi"], 200)
        self.assertEqual(json.loads(ts["ocr"]["params"])["psm"], 6)
        run = query(out, "SELECT config FROM runs")[0]["config"]
        self.assertEqual(json.loads(run)["pipelines"]["params"]["rasterize"]["dpi"], 200)


class CatalogCommands(AssayTestCase):
    def test_stages_and_metrics_are_listed_from_the_declarations(self):
        r = run_assay(["stages", "--json"])
        self.assertExit(r, EXIT_OK)
        stages = r.json()
        self.assertEqual([s["id"] for s in stages],
                         ["pdf_text", "rasterize", "image_load", "image_checks", "preprocess",
                          "handwriting", "ocr", "layout", "tables", "alt_text", "quality", "pii",
                          "transcript", "video"])
        dpi = next(p for s in stages if s["id"] == "rasterize" for p in s["params"]
                   if p["name"] == "dpi")
        self.assertEqual((dpi["type"], dpi["default"], dpi["min"], dpi["max"]),
                         ("int", 300, 36, 1200))
        r = run_assay(["metrics", "--json"])
        self.assertExit(r, EXIT_OK)
        metrics = {m["name"]: m for m in r.json()}
        self.assertEqual(metrics["ocr.cer_estimate"]["stage"], "quality")
        self.assertTrue(metrics["ocr.cer_estimate"]["per_page"])
        # Every metric a shipped contract names is listed.
        for name in os.listdir(os.path.join(SOURCE_DIR, "contracts")):
            if not name.endswith(".toml"):
                continue
            with open(os.path.join(SOURCE_DIR, "contracts", name)) as f:
                for line in f:
                    if line.startswith("metric"):
                        for m in json.loads("[" + line.split("=", 1)[1].split("#")[0].strip()
                                            .strip("[]") + "]"):
                            self.assertIn(m, metrics, f"{name}: {m}")
        text = run_assay(["stages"]).stdout
        self.assertIn("rasterize v3", text)
        self.assertIn("param dpi (int, default 300, 36..1200)", text)


if __name__ == "__main__":
    unittest.main()
