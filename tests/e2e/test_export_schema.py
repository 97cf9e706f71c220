"""Every export record validates against schemas/export.schema.json (the stable format)."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import jsonschema

BIN = os.environ["ASSAY_BIN"]
SRC = os.environ["ASSAY_SOURCE_DIR"]


class ExportSchemaTest(unittest.TestCase):
    def test_samples_export_matches_the_schema(self):
        tmp = tempfile.mkdtemp(prefix="assay-schema-")
        self.addCleanup(shutil.rmtree, tmp, True)
        run = subprocess.run([BIN, "run", os.path.join(SRC, "samples"), "--out", tmp, "--json"],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 4, run.stderr)  # corrupt.pdf errors on purpose
        with open(os.path.join(SRC, "schemas", "export.schema.json")) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        out = subprocess.run([BIN, "export", "--out", tmp, "--format", "jsonl"],
                             capture_output=True, text=True, check=True).stdout
        records = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(len(records), 7)
        for r in records:
            errors = [e.message for e in validator.iter_errors(r)]
            self.assertEqual(errors, [], r["source"]["path"])
        # The schema can fail: a record missing a required field is refused.
        broken = dict(records[0])
        del broken["lineage"]
        self.assertFalse(validator.is_valid(broken))
        # Field order is the documented one (readers diff these files).
        self.assertEqual(list(records[0])[:4], ["doc_id", "source", "modality", "outcome"])


if __name__ == "__main__":
    unittest.main()
