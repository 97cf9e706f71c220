"""The alt_text stage end to end (docs/alt_text.md): a manifest of W3C tutorial images with good
and bad alt-texts, captions and roles. Bad ones reach the remediation queue with the rule, the
metric, its value and the threshold, and a sentence in lineage; good ones (a decorative image
with an empty alt-text included) pass; export images[] carries alt-text, caption, role and
the findings."""
import json
import os
import shutil
import unittest

from assay_e2e import (CORPORA, EXIT_DOC_ERRORS, EXIT_REJECTED, SAMPLES, AssayTestCase, export,
                       metrics, query, run_assay)

W3C = os.path.join(CORPORA, "alttext_w3c_wai", "dev")
ETCHING_ALT = "The castle has one tower, and a tall wall around it."

# (file in the input folder, corpus or samples file, manifest entry without "path", the alt_text
# rules expected to fail: empty = passes every one)
CASES = [
    ("castle-etching.jpg", "castle-etching.jpg",
     {"alt_text": ETCHING_ALT, "image_role": "group", "caption": "Charcoal on wood, circa 1423."},
     set()),
    ("castle-painting.jpg", "castle-painting.jpg", {"alt_text": "", "image_role": "decorative"},
     set()),
    ("searchbutton.png", "searchbutton.png", {"alt_text": "Search", "image_role": "functional"},
     set()),
    ("pdfdocument.png", "pdfdocument.png", {"alt_text": "PDF"}, set()),
    ("repeat1.png", "repeat1.png",
     {"alt_text": "0.3333 recurring (a line over the last 3)", "image_role": "image-of-text"},
     set()),
    ("photo.jpg", "photo.jpg", {"alt_text": "IMG_2031.jpg"},
     {"alt_text_filename", "alt_text_boilerplate", "alt_text_too_short"}),
    ("castle-fluro.jpg", "castle-fluro.jpg", {"alt_text": "Castle"}, {"alt_text_too_short"}),
    ("castle-fluro.jpg", "castle-fluro.jpg", {"image_role": "informative"}, {"alt_text_missing"}),
    ("castle-fluro.jpg", "castle-fluro.jpg", {"alt_text": "", "image_role": "informative"},
     {"alt_text_missing"}),
    ("castle-fluro.jpg", "castle-fluro.jpg",
     {"alt_text": "Das Schloss liegt in Trümmern, nur der alte Turm ist noch ganz."},
     {"alt_text_language"}),
    ("castle-fluro.jpg", "castle-fluro.jpg", {"alt_text": "castle, ruins, tower, medieval"},
     {"alt_text_keywords"}),
    ("repeat1.png", "repeat1.png",
     {"alt_text": "Push the cap down and turn it", "image_role": "image-of-text"},
     {"alt_text_ocr"}),
    ("figure-2.jpg", "castle-etching.jpg",
     {"alt_text": ETCHING_ALT, "caption": "Figure 5: The castle in 1423."},
     {"alt_text_caption_figure"}),
]


class AltTextRun(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.path.isdir(W3C):
            raise unittest.SkipTest(f"corpus not found: {W3C}")
        cls.inp = cls.temp_dir("alt-in")
        with open(os.path.join(cls.inp, "manifest.jsonl"), "w", encoding="utf-8") as f:
            for name, source, entry, _ in CASES:
                src = os.path.join(SAMPLES if source == "photo.jpg" else W3C, source)
                shutil.copyfile(src, os.path.join(cls.inp, name))
                f.write(json.dumps(dict(path=name, **entry), ensure_ascii=False) + "\n")
        cls.out = cls.temp_dir("alt-out")
        cls.result = run_assay(["run", cls.inp, "--out", cls.out, "-j", "2", "--json"])
        cls.records, _ = export(cls.out)

    def doc_of(self, name, entry):
        rows = query(self.out, "SELECT * FROM documents WHERE path LIKE ?", ("%/" + name,))
        rows = [r for r in rows if (r["alt_text"], r["caption"], r["image_role"]) ==
                (entry.get("alt_text"), entry.get("caption"), entry.get("image_role"))]
        self.assertEqual(len(rows), 1, f"{name} {entry}: {rows}\n{self.result.describe()}")
        return rows[0]

    def failed_alt_rules(self, doc_id):
        rows = query(self.out, "SELECT rule FROM contract_results WHERE doc_id=? AND "
                               "outcome='fail' AND rule LIKE 'alt_text_%'", (doc_id,))
        return {r["rule"] for r in rows}

    def test_run_finishes_with_rejections(self):
        self.assertExit(self.result, EXIT_REJECTED)
        self.assertEqual(self.result.json()["documents"], len(CASES))

    def test_each_case_fails_exactly_its_rules(self):
        for name, _, entry, expected in CASES:
            with self.subTest(name=name, entry=entry):
                d = self.doc_of(name, entry)
                self.assertEqual(self.failed_alt_rules(d["doc_id"]), expected)

    def test_failures_reach_the_queue_with_value_and_threshold(self):
        d = self.doc_of("repeat1.png", CASES[11][2])
        items = query(self.out, "SELECT reasons, state FROM queue_items WHERE doc_id=?",
                      (d["doc_id"],))
        self.assertEqual(len(items), 1, items)
        reasons = json.loads(items[0]["reasons"])
        self.assertEqual(items[0]["state"], "open")
        self.assertIn({"rule": "alt_text_ocr", "metric": "alt_text.ocr_agreement", "value": 0.0,
                       "threshold": 0.5, "operator": "min", "severity": "reject"}, reasons)
        d = self.doc_of("photo.jpg", CASES[5][2])
        reasons = json.loads(query(self.out, "SELECT reasons FROM queue_items WHERE doc_id=?",
                                   (d["doc_id"],))[0]["reasons"])
        self.assertIn({"rule": "alt_text_filename", "metric": "alt_text.filename_like",
                       "value": 1.0, "threshold": 0.0, "operator": "max", "severity": "reject"},
                      reasons)

    def test_lineage_says_why_in_words(self):
        d = self.doc_of("photo.jpg", CASES[5][2])
        note = query(self.out, "SELECT note FROM transformations WHERE doc_id=? AND "
                               "stage='alt_text'", (d["doc_id"],))[0]["note"]
        self.assertIn('alt-text "IMG_2031.jpg" looks like a file name: it ends in a file extension',
                      note)
        d = self.doc_of("figure-2.jpg", CASES[12][2])
        note = query(self.out, "SELECT note FROM transformations WHERE doc_id=? AND "
                               "stage='alt_text'", (d["doc_id"],))[0]["note"]
        self.assertIn("the caption names figure 5, the file name figure 2", note)

    def test_decorative_with_empty_alt_text_is_accepted(self):
        d = self.doc_of("castle-painting.jpg", CASES[1][2])
        self.assertEqual(d["outcome"], "accepted")
        self.assertEqual(metrics(self.out, d["doc_id"])["alt_text.missing"], 0)

    def test_export_images_carry_alt_text_caption_role_and_findings(self):
        d = self.doc_of("castle-etching.jpg", CASES[0][2])
        rec = next(r for r in self.records if r["doc_id"] == d["doc_id"])
        self.assertEqual(rec["outcome"], "accepted")
        [image] = rec["images"]
        self.assertEqual((image["alt_text"], image["caption"], image["role"]),
                         (ETCHING_ALT, "Charcoal on wood, circa 1423.", "group"))
        self.assertEqual(image["alt_text_checks"]["alt_text.filename_like"], 0)
        self.assertEqual(image["alt_text_checks"]["alt_text.words"], 11)
        d = self.doc_of("castle-fluro.jpg", CASES[7][2])
        rec = next(r for r in self.records if r["doc_id"] == d["doc_id"])
        [image] = rec["images"]
        self.assertNotIn("alt_text", image)
        self.assertEqual(image["role"], "informative")
        self.assertEqual(image["alt_text_checks"]["alt_text.missing"], 1)

    def test_rerun_reuses_every_decision(self):
        r = run_assay(["run", self.inp, "--out", self.out, "--json"])
        self.assertExit(r, EXIT_REJECTED)
        self.assertEqual((r.json()["processed"], r.json()["reused"]), (0, len(CASES)))


class AltTextKeys(AssayTestCase):
    def test_pii_of_one_photo_under_two_alt_texts_is_counted_for_each(self):
        # One photo under two alt-texts, one with an e-mail address. pii reads the alt-text, so
        # it must not reuse the other's count. (In the default pipeline alt_text runs first and
        # its key already sets the two apart; a pipeline without it shows pii's own key.)
        config = os.path.join(self.temp_dir("alt-pii-config"), "pii_only.toml")
        with open(config, "w") as f:
            f.write('[pipeline.image]\nstages = ["image_load", "pii"]\n')
        inp = self.temp_dir("alt-pii-in")
        shutil.copyfile(os.path.join(SAMPLES, "photo.jpg"), os.path.join(inp, "photo.jpg"))
        alts = ["Hills by jo@ex.com at noon", "Hills by joXexYcom at noon"]
        with open(os.path.join(inp, "manifest.jsonl"), "w") as f:
            for alt in alts:
                f.write(json.dumps({"path": "photo.jpg", "alt_text": alt}) + "\n")
        out = self.temp_dir("alt-pii-out")
        run_assay(["run", inp, "--out", out, "-j", "1", "--json", "--config", config])
        emails = {}
        for alt in alts:
            [d] = query(out, "SELECT doc_id FROM documents WHERE alt_text=?", (alt,))
            emails[alt] = metrics(out, d["doc_id"])["pii.emails"]
        self.assertEqual(emails, {alts[0]: 1, alts[1]: 0})


class AltTextManifestMistakes(AssayTestCase):
    def test_unknown_role_is_an_ingest_error_naming_the_roles(self):
        inp = self.temp_dir("alt-bad-in")
        shutil.copyfile(os.path.join(SAMPLES, "photo.jpg"), os.path.join(inp, "photo.jpg"))
        with open(os.path.join(inp, "manifest.jsonl"), "w") as f:
            f.write(json.dumps({"path": "photo.jpg", "alt_text": "Hills", "image_role": "pretty"})
                    + "\n")
        out = self.temp_dir("alt-bad-out")
        r = run_assay(["run", inp, "--out", out, "--json"])
        self.assertExit(r, EXIT_DOC_ERRORS)
        # The line is an error document; the photo, no longer listed, is a plain file.
        [d] = query(out, "SELECT error_stage, error_message FROM documents "
                         "WHERE outcome='error'")
        self.assertEqual(d["error_stage"], "ingest")
        self.assertIn('unknown image_role "pretty" (one of informative, decorative, functional, '
                      'functional-redundant, image-of-text, complex, group, imagemap)',
                      d["error_message"])


if __name__ == "__main__":
    unittest.main()
