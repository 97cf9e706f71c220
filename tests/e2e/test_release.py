"""Releases (issue 13): `assay release create | validate | diff` end to end.

- Two releases built from scratch (stores made at -j 2 and -j 1, separate folders) are
  byte-identical in every file but lineage.jsonl, and in content_sha256.
- Each tampering case (modified, missing, extra file; a record breaking the schema; a rejected or
  error record slipped in; a duplicated record; a split leak) makes `validate` exit 6 with a
  message naming the file and the record, and the JUnit report lists it as a failed case.
- The C++ schema validator agrees with python3-jsonschema on the same records.
- Immutability: same name + same content is a no-op, other content is refused (exit 5).
- `diff` after a contract threshold change names exactly the documents whose outcome flipped.
- A release of corpora dev folders validates and its datasheet counts equal counts computed here
  from the store with sqlite3 (a subset by default; ASSAY_RELEASE_FULL=1 takes every
  ../shared/corpora/*/dev, which OCRs for minutes).
"""

import glob
import hashlib
import json
import os
import shutil
import unittest
import xml.etree.ElementTree as ET

from assay_e2e import (CORPORA, SAMPLES, SOURCE_DIR, AssayTestCase, copy_with_marker, log, query,
                       run_assay, sha256_file)

EXIT_REFUSED, EXIT_INVALID = 5, 6
DATA_KINDS_EXCLUDED = {"datasheet"}


def read_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def load_json(path):
    return json.loads(read_text(path))


def read_manifest(d):
    with open(os.path.join(d, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


def resign(d):
    """Rewrites manifest.json's hashes, sizes and content_sha256 to match the files, as a forger
    would: then only the record-level checks can catch what was changed. content_sha256 is
    recomputed here from its definition (docs/releases.md), independently of assay."""
    m = read_manifest(d)
    for f in m["files"]:
        p = os.path.join(d, f["path"])
        f["sha256"], f["bytes"] = sha256_file(p), os.path.getsize(p)
    data = sorted((f["path"], f["sha256"]) for f in m["files"] if f["kind"] not in DATA_KINDS_EXCLUDED)
    m["content_sha256"] = hashlib.sha256(
        "".join(f"{p}\t{s}\n" for p, s in data).encode()).hexdigest()
    with open(os.path.join(d, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(m, f, indent=2)


def read_records(d):
    with open(os.path.join(d, "documents.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def write_records(d, records):
    with open(os.path.join(d, "documents.jsonl"), "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")


def junit_failures(path):
    root = ET.parse(path).getroot()
    return [(tc.get("name"), tc.find("failure").get("message"))
            for tc in root.iter("testcase") if tc.find("failure") is not None]


def files_of(d):
    out = {}
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            out[os.path.relpath(p, d)] = p
    return out


class Releases(AssayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work = cls.temp_dir("release")
        # samples/ (every modality, a photo, an error) plus a byte-different copy of a
        # born-digital PDF: the same text, so an exact text duplicate for dedup.
        extra = os.path.join(cls.work, "extra")
        os.makedirs(extra)
        copy_with_marker(os.path.join(SAMPLES, "born_digital.pdf"),
                         os.path.join(extra, "born_digital_copy.pdf"), "%copy")
        cls.stores = {}
        for jobs in ("2", "1"):
            out = os.path.join(cls.work, f"store-j{jobs}")
            r = run_assay(["run", "samples", extra, "--out", out, "-j", jobs, "--json"], cwd=SOURCE_DIR)
            if r.returncode not in (0, 1, 4):
                raise AssertionError(r.describe())
            cls.stores[jobs] = out
        cls.release = {}
        for jobs, out in cls.stores.items():
            to = os.path.join(cls.work, f"release-j{jobs}")
            r = run_assay(["release", "create", "v1", "--out", out, "--to", to,
                           "--split", "train=0.6,val=0.2,test=0.2", "--shard-mib", "1"])
            if r.returncode != 0:
                raise AssertionError(r.describe())
            cls.release[jobs] = to
        cls.rel = cls.release["2"]

    def validate(self, d, *extra):
        junit = os.path.join(self.work, "junit-" + os.path.basename(d) + ".xml")
        r = run_assay(["release", "validate", d, "--junit", junit, *extra])
        return r, junit

    def tampered(self, name):
        d = os.path.join(self.work, "tamper-" + name)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(self.rel, d)
        return d

    def assertInvalid(self, d, check, *needles):
        r, junit = self.validate(d)
        self.assertExit(r, EXIT_INVALID)
        lines = [l for l in r.stdout.splitlines()]
        self.assertIn(f"FAIL {check}", r.stdout)
        failures = junit_failures(junit)
        hits = [m for n, m in failures if n.startswith(check + ":") and all(x in m for x in needles)]
        self.assertTrue(hits, f"no failed JUnit case of {check} naming {needles}: {failures}\n{lines}")
        return r

    # --- byte-identical builds -------------------------------------------------------------

    def test_releases_from_scratch_at_j1_and_j2_are_byte_identical(self):
        a, b = files_of(self.release["2"]), files_of(self.release["1"])
        self.assertEqual(sorted(a), sorted(b))
        differing = [rel for rel in a if rel != "lineage.jsonl" and sha256_file(a[rel]) != sha256_file(b[rel])]
        self.assertEqual(differing, [])
        self.assertEqual(read_manifest(self.release["2"])["content_sha256"],
                         read_manifest(self.release["1"])["content_sha256"])
        # lineage.jsonl does differ (times): it is the only volatile file
        self.assertIn("lineage.jsonl", a)
        m = read_manifest(self.rel)
        self.assertNotIn("lineage.jsonl", [f["path"] for f in m["files"]])
        log(f"\n{len(a)} files, content_sha256 {m['content_sha256']}")

    def test_record_threads_do_not_change_the_release(self):
        a, b = os.path.join(self.work, "threads-1"), os.path.join(self.work, "threads-2")
        self.assertExit(run_assay(["release", "create", "threads", "-j", "1", "--out", self.stores["2"],
                                   "--to", a, "--split", "train=0.5,test=0.5"]), 0)
        self.assertExit(run_assay(["release", "create", "threads", "-j", "2", "--out", self.stores["1"],
                                   "--to", b, "--split", "train=0.5,test=0.5"]), 0)
        fa, fb = files_of(a), files_of(b)
        self.assertEqual(sorted(fa), sorted(fb))
        self.assertEqual([r for r in fa if r != "lineage.jsonl" and sha256_file(fa[r]) != sha256_file(fb[r])], [])

    def test_release_validates_with_junit_and_reproduces(self):
        r, junit = self.validate(self.rel, "--reproduce", "3", "--store", self.stores["2"])
        self.assertExit(r, 0)
        self.assertEqual(junit_failures(junit), [])
        self.assertIn("ok   reproduce  (3 documents re-processed)", r.stdout)

    def test_contents_layout_splits_and_duplicates(self):
        m = read_manifest(self.rel)
        recs = read_records(self.rel)
        ids = [r["doc_id"] for r in recs]
        self.assertEqual(ids, sorted(ids))
        store = self.stores["2"]
        accepted = {r["doc_id"] for r in query(store, "SELECT doc_id FROM documents WHERE outcome='accepted' "
                                                      "AND error_stage IS NULL")}
        with open(os.path.join(self.rel, "duplicates.jsonl")) as f:
            dups = [json.loads(l) for l in f]
        # the copy of born_digital.pdf has the same text: one of the two is left out, listed
        self.assertEqual(len(dups), 1, dups)
        self.assertEqual(dups[0]["kind"], "exact")
        self.assertEqual(set(ids), accepted - {dups[0]["doc_id"]})
        self.assertIn(dups[0]["kept"], ids)
        sheet = load_json(os.path.join(self.rel, "datasheet.json"))
        self.assertEqual(sheet["preprocessing"]["duplicates"], dups)
        self.assertIn(dups[0]["doc_id"], read_text(os.path.join(self.rel, "datasheet.md")))
        # every record has a split among those asked; counts agree with the manifest
        self.assertTrue(all(r["split"] in ("train", "val", "test") for r in recs))
        self.assertEqual(m["counts"]["documents"], len(recs))
        # image documents are WebDataset samples: <doc_id>.<ext> + <doc_id>.json in a tar shard
        import tarfile
        images = {r["doc_id"] for r in recs if r["modality"] in ("photo", "page_image")}
        self.assertTrue(images)
        members = []
        for f in m["files"]:
            if f["kind"] == "image_shard":
                with tarfile.open(os.path.join(self.rel, f["path"])) as t:
                    for ti in t.getmembers():
                        self.assertEqual((ti.mtime, ti.uid, ti.gid, ti.mode), (0, 0, 0, 0o644))
                        members.append(ti.name)
        self.assertEqual({n.split(".")[0] for n in members}, images)
        self.assertEqual(len(members), 2 * len(images))
        html = read_text(os.path.join(self.rel, "datasheet.html"))
        self.assertIn("<svg", html)
        self.assertIn("en", sheet["composition"]["by_language"])

    def test_markdown_renderings_equal_the_markdown_export(self):
        # markdown/<doc_id>.md holds what `export --format markdown` writes for the same record:
        # one file per released record with text, none for a photo, none for a left-out one.
        m = read_manifest(self.rel)
        released = {r["doc_id"] for r in read_records(self.rel)}
        exported = os.path.join(self.work, "md-export")
        shutil.rmtree(exported, ignore_errors=True)
        r = run_assay(["export", "--out", self.stores["2"], "--format", "markdown", "--to", exported])
        self.assertExit(r, 0)
        want = {}
        for name in os.listdir(exported):
            doc = name[:-len(".md")]
            text = read_text(os.path.join(exported, name))
            if doc in released and text:
                want[doc] = text
        self.assertTrue(want)
        got = {f["path"][len("markdown/"):-len(".md")]: read_text(os.path.join(self.rel, f["path"]))
               for f in m["files"] if f["kind"] == "markdown"}
        self.assertEqual(got, want)
        self.assertEqual(m["counts"]["markdown"], len(want))
        photos = {r["doc_id"] for r in read_records(self.rel) if r["modality"] == "photo"}
        self.assertTrue(photos and not photos & set(got), (photos, sorted(got)))

    def test_store_records_the_release_and_it_is_immutable(self):
        store = self.stores["2"]
        rows = query(store, "SELECT name, content_sha256, documents FROM releases WHERE name='v1'")
        m = read_manifest(self.rel)
        self.assertEqual(rows, [{"name": "v1", "content_sha256": m["content_sha256"],
                                 "documents": m["counts"]["documents"]}])
        items = query(store, "SELECT doc_id, split, waived FROM release_items WHERE release_name='v1' ORDER BY doc_id")
        self.assertEqual([(i["doc_id"], i["split"]) for i in items],
                         [(r["doc_id"], r["split"]) for r in read_records(self.rel)])
        # same content: a no-op, nothing written
        again = os.path.join(self.work, "again")
        r = run_assay(["release", "create", "v1", "--out", store, "--to", again,
                       "--split", "train=0.6,val=0.2,test=0.2", "--shard-mib", "1"])
        self.assertExit(r, 0)
        self.assertIn("already exists with the same content", r.stdout)
        self.assertFalse(os.path.exists(again))
        # other content under the same name: refused, nothing written
        r = run_assay(["release", "create", "v1", "--out", store, "--to", again, "--modality", "pdf_text"])
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn("immutable", r.stderr)
        self.assertFalse(os.path.exists(again))
        self.assertEqual(len(query(store, "SELECT * FROM releases WHERE name='v1'")), 1)

    def test_filters(self):
        store = self.stores["1"]  # not the store whose releases another test counts
        to = os.path.join(self.work, "only-scan-tag")
        r = run_assay(["release", "create", "tagged", "--out", store, "--to", to, "--tag", "scan"])
        self.assertExit(r, 0)
        self.assertEqual([x["modality"] for x in read_records(to)], ["page_image"])
        to = os.path.join(self.work, "by-metric")
        r = run_assay(["release", "create", "wordy", "--out", store, "--to", to,
                       "--metric", "text.words:100:", "--modality", "pdf_text"])
        self.assertExit(r, 0)
        recs = read_records(to)
        self.assertTrue(recs)
        self.assertTrue(all(x["metrics"]["text.words"] >= 100 for x in recs))
        r = run_assay(["release", "create", "bad", "--out", store, "--to", to + "2", "--split", "a=0.5,b=0.4"])
        self.assertExit(r, 2)
        self.assertIn("sum to", r.stderr)

    # --- tampering ---------------------------------------------------------------------------

    def test_tamper_modified_file(self):
        d = self.tampered("modified")
        with open(os.path.join(d, "datasheet.md"), "a") as f:
            f.write("edited\n")
        self.assertInvalid(d, "files", "datasheet.md", "SHA-256")

    def test_tamper_modified_record(self):
        d = self.tampered("modified-record")
        recs = read_records(d)
        recs[0]["text"] += " (edited)"
        write_records(d, recs)
        self.assertInvalid(d, "files", "documents.jsonl")
        self.assertInvalid(d, "content_sha256", "manifest.json")

    def test_tamper_missing_file(self):
        d = self.tampered("missing")
        shard = [f["path"] for f in read_manifest(d)["files"] if f["kind"] == "image_shard"][0]
        os.remove(os.path.join(d, shard))
        self.assertInvalid(d, "files", shard, "missing")

    def test_tamper_extra_file(self):
        d = self.tampered("extra")
        with open(os.path.join(d, "tables", "smuggled.csv"), "w") as f:
            f.write("a,b\r\n")
        self.assertInvalid(d, "extra_files", "tables/smuggled.csv")

    def test_tamper_markdown_edited_and_resigned(self):
        d = self.tampered("markdown")
        md = sorted(f["path"] for f in read_manifest(d)["files"] if f["kind"] == "markdown")[0]
        with open(os.path.join(d, md), "a", encoding="utf-8") as f:
            f.write("\nA sentence no record has.\n")
        resign(d)
        self.assertInvalid(d, "counts", md, "not the Markdown of its record")

    def test_tamper_record_breaking_the_schema(self):
        d = self.tampered("schema")
        recs = read_records(d)
        victim = recs[1]["doc_id"]
        recs[1]["pages"] = "not an array"
        write_records(d, recs)
        resign(d)
        self.assertInvalid(d, "records.schema", "documents.jsonl line 2", victim, "/pages")

    def slip_in(self, name, outcome):
        store = self.stores["2"]
        row = query(store, "SELECT doc_id FROM documents WHERE outcome=? LIMIT 1", (outcome,))
        if not row:
            self.skipTest(f"no {outcome} document in the store")
        export = run_assay(["export", "--out", store, "--format", "jsonl", "--stable"])
        rec = [json.loads(l) for l in export.stdout.splitlines() if json.loads(l)["doc_id"] == row[0]["doc_id"]][0]
        rec["split"] = "train"
        d = self.tampered(name)
        recs = sorted(read_records(d) + [rec], key=lambda r: r["doc_id"])
        write_records(d, recs)
        resign(d)
        line = [r["doc_id"] for r in recs].index(rec["doc_id"]) + 1
        return d, rec["doc_id"], line

    def test_tamper_error_document_slipped_in(self):
        d, doc, line = self.slip_in("error-doc", "error")
        self.assertInvalid(d, "records.outcome", f"documents.jsonl line {line}", doc)

    def test_tamper_rejected_document_slipped_in(self):
        # the samples store has no rejected document: make one by flipping an accepted record
        d = self.tampered("rejected-doc")
        recs = read_records(d)
        recs[0]["outcome"] = "rejected"
        recs[0]["contract"]["outcome"] = "rejected"
        write_records(d, recs)
        resign(d)
        self.assertInvalid(d, "records.outcome", "documents.jsonl line 1", recs[0]["doc_id"])

    def test_tamper_duplicated_record(self):
        d = self.tampered("duplicate")
        recs = read_records(d)
        recs.insert(3, recs[2])
        write_records(d, recs)
        resign(d)
        self.assertInvalid(d, "records.unique", "documents.jsonl line 4", recs[2]["doc_id"])
        self.assertInvalid(d, "counts", "counts.documents")

    def test_tamper_split_leak(self):
        d = self.tampered("leak")
        recs = read_records(d)
        clone = json.loads(json.dumps(recs[0]))
        clone["doc_id"] = hashlib.sha256(b"clone").hexdigest()
        clone["split"] = "test" if recs[0]["split"] != "test" else "train"
        recs = sorted(recs + [clone], key=lambda r: r["doc_id"])
        write_records(d, recs)
        resign(d)
        r = self.assertInvalid(d, "splits.leakage", "shares a source")
        self.assertIn(clone["doc_id"], r.stdout + "".join(m for _, m in junit_failures(
            os.path.join(self.work, "junit-tamper-leak.xml"))))

    # --- schema validator against python3-jsonschema ------------------------------------------

    def test_schema_validator_agrees_with_python_jsonschema(self):
        try:
            import jsonschema
        except ImportError:
            self.skipTest("python3-jsonschema is not installed")
        with open(os.path.join(SOURCE_DIR, "schemas", "export.schema.json")) as f:
            schema = json.load(f)
        validator = jsonschema.Draft202012Validator(schema)
        base = read_records(self.rel)
        mutations = [
            lambda r: r,                                              # valid as released
            lambda r: r.pop("text"),                                  # required missing
            lambda r: r.__setitem__("doc_id", "XYZ"),                 # pattern
            lambda r: r.__setitem__("outcome", "maybe"),              # enum
            lambda r: r["source"].__setitem__("sha256", None),        # oneOf null branch: valid
            lambda r: r["source"].__setitem__("sha256", 5),           # oneOf: neither
            lambda r: r.__setitem__("metrics", {"x": "high"}),        # additionalProperties schema
            lambda r: r["annotations"].__setitem__("extra", 1),       # additionalProperties false
            lambda r: r.__setitem__("pages", [{"page": 0, "width": 1, "height": 1, "blocks": []}]),  # minimum
            lambda r: r.__setitem__("images", [{"page": 1, "bbox": [0, 0, 1], "caption": None}]),  # minItems
            lambda r: r.__setitem__("images", [{"page": 1.5, "bbox": [0, 0, 1, 1], "caption": None}]),  # integer
            lambda r: r.__setitem__("images", [{"page": 2.0, "bbox": [0, 0, 1, 1], "caption": None}]),  # 2.0 is an integer
            lambda r: r.__setitem__("contract", "none"),              # oneOf object/null
            lambda r: r.__setitem__("waived", "yes"),                 # type boolean
            lambda r: r.__setitem__("lineage", {"transformations": []}),  # nested required
        ]
        records = []
        for i, mutate in enumerate(mutations):
            rec = json.loads(json.dumps(base[i % len(base)]))
            mutate(rec)
            rec["doc_id"] = rec["doc_id"] if rec.get("doc_id") == "XYZ" else hashlib.sha256(str(i).encode()).hexdigest()
            records.append(rec)
        d = self.tampered("schema-cross")
        # keep the records in file order = mutation order (sorting is another check's business)
        write_records(d, records)
        resign(d)
        r = run_assay(["release", "validate", d, "--json"])
        report = json.loads(r.stdout)
        failing_lines = set()
        for c in report["checks"]:
            if c["name"] == "records.schema":
                for f in c["failures"]:
                    failing_lines.add(int(f.split("line ")[1].split()[0].rstrip(":")))
        python_lines = {i + 1 for i, rec in enumerate(records) if list(validator.iter_errors(rec))}
        self.assertEqual(failing_lines, python_lines)
        self.assertEqual(python_lines, set(range(1, len(records) + 1)) - {1, 5, 12})


class ReleaseDiff(AssayTestCase):
    """A contract threshold change: diff names exactly the documents whose outcome flipped."""

    def test_diff_after_threshold_change(self):
        work = self.temp_dir("release-diff")
        out = os.path.join(work, "out")
        r = run_assay(["run", "samples", "--out", out, "--json"], cwd=SOURCE_DIR)
        self.assertIn(r.returncode, (0, 1, 4), r.describe())
        before = {x["doc_id"]: x["outcome"] for x in query(out, "SELECT doc_id, outcome FROM documents")}
        a = os.path.join(work, "a")
        self.assertExit(run_assay(["release", "create", "a", "--out", out, "--to", a]), 0)
        contracts = os.path.join(work, "contracts")
        os.makedirs(contracts)
        for p in glob.glob(os.path.join(SOURCE_DIR, "contracts", "*.toml")):
            shutil.copy(p, contracts)
        # a stricter dictionary-word threshold for born-digital PDFs
        path = os.path.join(contracts, "pdf_text.toml")
        text = read_text(path)
        self.assertIn('metric = "text.dictionary_word_ratio"\nmin = 0.5', text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace('metric = "text.dictionary_word_ratio"\nmin = 0.5',
                                 'metric = "text.dictionary_word_ratio"\nmin = 0.98'))
        r = run_assay(["run", "samples", "--out", out, "--contracts", contracts, "--json"], cwd=SOURCE_DIR)
        self.assertIn(r.returncode, (0, 1, 4), r.describe())
        after = {x["doc_id"]: x["outcome"] for x in query(out, "SELECT doc_id, outcome FROM documents")}
        flipped = {d for d in before if before[d] != after[d]}
        self.assertTrue(flipped, "the threshold change flipped nothing: the test proves nothing")
        self.assertLess(len(flipped), sum(1 for v in before.values() if v == "accepted"))
        b = os.path.join(work, "b")
        self.assertExit(run_assay(["release", "create", "b", "--out", out, "--to", b]), 0)
        r = run_assay(["release", "diff", a, b, "--json"])
        self.assertExit(r, 0)
        diff = json.loads(r.stdout)
        named = {x["doc_id"] for x in diff["added"]} | {x["doc_id"] for x in diff["removed"]}
        self.assertEqual(named, flipped)
        # the others changed only in their decision's identity (contract hash), no stage re-ran
        for c in diff["changed"]:
            self.assertEqual(c["stages"], [], c)
        self.assertTrue(diff["pass_rates"], "the dictionary_words pass rate changed")
        self.assertTrue(any(p["rule"] == "pdf_text/dictionary_words/reject" for p in diff["pass_rates"]))
        self.assertTrue(diff["processing_versions"]["only_b"])
        text = run_assay(["release", "diff", a, b]).stdout
        for d in flipped:
            self.assertIn(d, text)


class CorporaRelease(AssayTestCase):
    """A release of corpora dev folders validates; its datasheet's counts equal the store's."""

    SUBSET = ["text_born_digital", "alttext_w3c_wai", "tables_tabula"]

    def test_dev_release_counts_match_the_store(self):
        if os.environ.get("ASSAY_RELEASE_FULL"):
            dirs = sorted(glob.glob(os.path.join(CORPORA, "*", "dev")))
        else:
            dirs = [os.path.join(CORPORA, c, "dev") for c in self.SUBSET]
        dirs = [d for d in dirs if os.path.isdir(d)]
        if not dirs:
            self.skipTest(f"no corpora at {CORPORA}")
        work = self.temp_dir("release-corpora")
        out = os.path.join(work, "out")
        r = run_assay(["run", *dirs, "--out", out, "--json"], timeout=7200)
        self.assertIn(r.returncode, (0, 1, 4), r.describe())
        log(f"\nrun of {len(dirs)} dev folders: {r.seconds:.1f} s")
        rel = os.path.join(work, "rel")
        c = run_assay(["release", "create", "dev", "--out", out, "--to", rel, "--split", "train=0.8,val=0.1,test=0.1"])
        self.assertExit(c, 0)
        log(f"release create: {c.seconds:.1f} s")
        v = run_assay(["release", "validate", rel])
        self.assertExit(v, 0)
        sheet = load_json(os.path.join(rel, "datasheet.json"))
        # independent counts from the store
        outcomes = {x["o"]: x["n"] for x in query(out, "SELECT COALESCE(outcome,'pending') o, COUNT(*) n "
                                                       "FROM documents GROUP BY 1")}
        self.assertEqual(sheet["store"]["by_outcome"], outcomes)
        self.assertEqual(sheet["store"]["documents"], sum(outcomes.values()))
        dups = [json.loads(l) for l in read_text(os.path.join(rel, "duplicates.jsonl")).splitlines()]
        dup_ids = {d["doc_id"] for d in dups}
        released = query(out, "SELECT doc_id, modality, page_count, tags FROM documents WHERE outcome='accepted' "
                              "AND error_stage IS NULL")
        released = [x for x in released if x["doc_id"] not in dup_ids]
        comp = sheet["composition"]
        self.assertEqual(comp["documents"], len(released))
        by_mod = {}
        for x in released:
            by_mod[x["modality"]] = by_mod.get(x["modality"], 0) + 1
        self.assertEqual(comp["by_modality"], by_mod)
        self.assertEqual(sum(comp["by_split"].values()), len(released))
        excluded = sheet["preprocessing"]["excluded"]
        for outcome in ("rejected", "error"):
            self.assertEqual(excluded.get(outcome, 0), outcomes.get(outcome, 0))
        self.assertEqual(excluded.get("duplicate (exact)", 0) + excluded.get("duplicate (near)", 0), len(dups))
        queue = {f"{x['kind']} {x['state']}": x["n"] for x in query(
            out, "SELECT kind, state, COUNT(*) n FROM queue_items GROUP BY 1, 2")}
        self.assertEqual(sheet["queue"], queue)
        rules = {(x["m"], x["rule"], x["severity"]): (x["n"], x["f"]) for x in query(
            out, "SELECT c.modality m, r.rule, r.severity, COUNT(DISTINCT r.doc_id) n, "
                 "COUNT(DISTINCT CASE WHEN r.outcome='fail' THEN r.doc_id END) f "
                 "FROM contract_results r JOIN contracts c ON c.sha256=r.contract_sha256 GROUP BY 1, 2, 3")}
        self.assertEqual({(x["modality"], x["rule"], x["severity"]): (x["documents"], x["failed"])
                          for x in sheet["contract_rules"]}, rules)
        log(f"released {len(released)} of {sum(outcomes.values())}; outcomes {outcomes}; "
            f"{len(dups)} duplicates; by modality {by_mod}")


if __name__ == "__main__":
    unittest.main()
