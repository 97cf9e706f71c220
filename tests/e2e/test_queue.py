"""The remediation queue end to end: errored (and rejected) documents open items; reviewers list,
claim, release, resolve and waive them; refusals exit 5 with a clear message; concurrent claims
have exactly one winner; waives show in lineage; re-runs do not reopen decided items."""

import os
import shutil
import subprocess
import unittest

from assay_e2e import (ASSAY_BIN, EXIT_DOC_ERRORS, EXIT_OK, EXIT_USAGE, RFC3339, SAMPLES,
                       SOURCE_DIR, AssayTestCase, copy_with_marker, log, query, run_assay)

EXIT_REFUSED = 5  # core/exit_codes.h kExitRefused

ITEM_FIELDS = ["item_id", "doc_id", "path", "modality", "kind", "state", "reasons", "assignee",
               "opened_at", "updated_at"]
EVENT_FIELDS = ["event_id", "at", "actor", "action", "from_state", "to_state", "note"]


def queue(out_dir, *args):
    return run_assay(["queue"] + list(args) + ["--out", out_dir])


def group_of(reason):
    """The header `assay queue list` files a reason under (core/queue.cpp ReasonGroup)."""
    if "rule" in reason:
        return f"rule {reason['rule']}"
    if "stage" in reason:
        return f"stage {reason['stage']}"
    return "other"


class QueueReview(AssayTestCase):
    """The queue of `assay run samples`. The store made once per class is only read; a test
    that acts on the queue works on its own copy (`private_store`), so the tests pass in any
    order and alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.out = cls.temp_dir("queue")
        cls.run_result = run_assay(["run", "samples", "--out", cls.out, "-j", "2", "--json"],
                                   cwd=SOURCE_DIR)

    def private_store(self):
        """A copy of the class's store that this test may change."""
        out = os.path.join(self.temp_dir("queue-copy"), "out")
        shutil.copytree(self.out, out)
        return out

    def list_json(self, *args, out=None):
        r = queue(out or self.out, "list", "--json", *args)
        self.assertExit(r, EXIT_OK)
        items = r.json()
        self.assertIsInstance(items, list)
        for it in items:
            self.assertEqual(list(it), ITEM_FIELDS, "queue list --json field names are stable")
        return items

    def assert_shared_store_untouched(self, items):
        self.assertEqual({it["state"] for it in items}, {"open"},
                         "the class's store was changed: a test that acts on the queue must use "
                         "private_store()")

    def corrupt_item(self, items):
        found = [it for it in items if it["path"] == "samples/corrupt.pdf"]
        self.assertEqual(len(found), 1, f"expected one item for corrupt.pdf in {items}")
        return found[0]

    def test_list_groups_by_rule_or_stage(self):
        self.assertExit(self.run_result, EXIT_DOC_ERRORS)
        items = self.list_json("--state", "all")
        self.assertTrue(items, "the errored sample opened no queue item")
        self.assert_shared_store_untouched(items)
        r = queue(self.out, "list", "--state", "all")
        self.assertExit(r, EXIT_OK)
        lines = r.stdout.splitlines()
        # Every (item, reason) appears under its group's header, whose count is right.
        expected = {}
        for it in items:
            for reason in it["reasons"]:
                expected.setdefault(group_of(reason), []).append(it)
        headers = {}
        for n, line in enumerate(lines):
            if not line.startswith(" "):
                name, _, count = line.rpartition(": ")
                headers[name] = (n, int(count.split()[0]))
        self.assertEqual(sorted(headers), sorted(expected), r.stdout)
        for group, group_items in expected.items():
            n, count = headers[group]
            self.assertEqual(count, len(group_items), f"{group}\n{r.stdout}")
            block = []
            for line in lines[n + 1:]:
                if not line.startswith(" "):
                    break
                block.append(line)
            for it in group_items:
                self.assertTrue(any(line.lstrip().startswith(f"#{it['item_id']} ")
                                    and it["path"] in line for line in block),
                                f"item {it['item_id']} not under {group}\n{r.stdout}")
        self.assertIn("stage pdf_text", headers, r.stdout)

    def test_filters(self):
        everything = self.list_json("--state", "all")
        self.assert_shared_store_untouched(everything)
        item = self.corrupt_item(everything)
        ids = lambda *a: [it["item_id"] for it in self.list_json("--state", "all", *a)]
        self.assertIn(item["item_id"], ids("--rule", "pdf_text"))
        self.assertNotIn(item["item_id"], ids("--rule", "no_such_rule"))
        self.assertIn(item["item_id"], ids("--modality", item["modality"]))
        self.assertNotIn(item["item_id"], ids("--modality", "photo"))
        r = queue(self.out, "list", "--state", "bogus")
        self.assertExit(r, EXIT_USAGE)

    def test_review_flow(self):
        self.assertExit(self.run_result, EXIT_DOC_ERRORS)
        out = self.private_store()
        item = self.corrupt_item(self.list_json(out=out))
        iid = str(item["item_id"])
        self.assertEqual(item["kind"], "error")
        self.assertEqual(item["state"], "open")
        self.assertIsNone(item["assignee"])
        self.assertRegex(item["opened_at"], RFC3339)
        self.assertEqual(len(item["reasons"]), 1, item)
        self.assertEqual(item["reasons"][0]["stage"], "pdf_text")
        self.assertTrue(item["reasons"][0]["message"], item)
        doc = query(out, "SELECT * FROM documents WHERE doc_id=?", (item["doc_id"],))[0]
        self.assertEqual(doc["outcome"], "error")

        r = queue(out, "claim", iid, "--as", "alice")
        self.assertExit(r, EXIT_OK)
        r = queue(out, "claim", iid, "--as", "bob")
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn(f"item {iid} is already claimed by alice", r.stderr)
        r = queue(out, "resolve", iid, "--as", "bob", "--note", "looks fine to me")
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn(f"item {iid} is claimed by alice", r.stderr)
        r = queue(out, "release", iid, "--as", "bob")
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn("only the assignee can release it", r.stderr)
        r = queue(out, "waive", iid, "--as", "alice")
        self.assertExit(r, EXIT_USAGE)  # --note is required
        r = queue(out, "waive", iid, "--as", "alice", "--note", "  ")
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn("a note is required", r.stderr)

        note = "damaged beyond repair; keep it as a negative example"
        r = queue(out, "waive", iid, "--as", "alice", "--note", note)
        self.assertExit(r, EXIT_OK)

        shown = queue(out, "show", iid, "--json")
        self.assertExit(shown, EXIT_OK)
        s = shown.json()
        self.assertEqual(list(s), ITEM_FIELDS + ["events"])
        self.assertEqual(s["state"], "waived")
        self.assertEqual(s["assignee"], "alice")
        self.assertEqual([e["action"] for e in s["events"]], ["opened", "claimed", "waived"])
        for e in s["events"]:
            self.assertEqual(list(e), EVENT_FIELDS)
            self.assertRegex(e["at"], RFC3339)
        self.assertEqual(s["events"][0]["actor"], "assay")
        self.assertIsNone(s["events"][0]["from_state"])
        waive = s["events"][-1]
        self.assertEqual((waive["actor"], waive["from_state"], waive["to_state"], waive["note"]),
                         ("alice", "claimed", "waived", note))
        human = queue(out, "show", iid)
        self.assertExit(human, EXIT_OK)
        self.assertIn(note, human.stdout)

        # Accepted despite the failure, and lineage says who decided and why.
        doc = query(out, "SELECT * FROM documents WHERE doc_id=?", (item["doc_id"],))[0]
        self.assertEqual(doc["outcome"], "accepted")
        lin = run_assay(["lineage", item["doc_id"], "--out", out, "--json"])
        self.assertExit(lin, EXIT_OK)
        j = lin.json()
        self.assertEqual(j["outcome"], "accepted")
        self.assertEqual([q["item_id"] for q in j["queue"]], [item["item_id"]])
        events = j["queue"][0]["events"]
        self.assertEqual(events[-1]["action"], "waived")
        self.assertEqual(events[-1]["actor"], "alice")
        self.assertEqual(events[-1]["note"], note)
        lin = run_assay(["lineage", item["doc_id"][:12], "--out", out])
        self.assertExit(lin, EXIT_OK)
        self.assertIn("queue:", lin.stdout)
        self.assertIn("waived", lin.stdout)
        self.assertIn(note, lin.stdout)

        # Terminal: nothing more happens to it.
        for args in (["resolve", iid, "--as", "alice", "--note", "x"],
                     ["claim", iid, "--as", "bob"],
                     ["reject", iid, "--as", "alice", "--note", "x"],
                     ["reprocess", iid, "--as", "alice"]):
            r = queue(out, *args)
            self.assertExit(r, EXIT_REFUSED)
            self.assertIn(f"item {iid} is waived: no further action", r.stderr)
        self.assertNotIn(item["item_id"], [it["item_id"] for it in self.list_json(out=out)])
        waived = self.list_json("--state", "waived", out=out)
        self.assertIn(item["item_id"], [it["item_id"] for it in waived])
        r = queue(out, "show", "999999")
        self.assertExit(r, EXIT_REFUSED)
        self.assertIn("no queue item 999999", r.stderr)

        # A re-run (even one that retries errors) does not reopen a decided item: the waived
        # document is accepted now, so it is not processed again.
        for extra in ([], ["--retry-errors"]):
            again = run_assay(["run", "samples", "--out", out, "-j", "2", "--json"] + extra,
                              cwd=SOURCE_DIR)
            self.assertIn(again.returncode, (EXIT_OK, 1), again.describe())
            mine = [it for it in self.list_json("--state", "all", out=out)
                    if it["doc_id"] == item["doc_id"]]
            self.assertEqual([(it["item_id"], it["state"]) for it in mine],
                             [(item["item_id"], "waived")])
        events = query(out, "SELECT * FROM queue_events WHERE item_id=?", (item["item_id"],))
        self.assertEqual(len(events), 3, events)


class ConcurrentClaims(AssayTestCase):
    """Two `assay queue claim` processes on one item at the same moment: one wins, the other is
    told who has it. Repeated on several items of two stores."""

    ROUNDS_PER_STORE = 4

    def make_store(self, name):
        inputs = os.path.join(self.temp_dir(f"{name}-in"), "inputs")
        os.makedirs(inputs)
        for k in range(self.ROUNDS_PER_STORE):
            copy_with_marker(os.path.join(SAMPLES, "corrupt.pdf"),
                             os.path.join(inputs, f"broken{k}.pdf"), f"% copy {name} {k}")
        out = self.temp_dir(name)
        r = run_assay(["run", inputs, "--out", out, "-j", "2", "--json"])
        self.assertExit(r, EXIT_DOC_ERRORS)
        items = queue(out, "list", "--json").json()
        self.assertEqual(len(items), self.ROUNDS_PER_STORE, items)
        return out, [it["item_id"] for it in items]

    def race(self, out, item_id):
        procs = {}
        for who in ("alice", "bob"):
            procs[who] = subprocess.Popen(
                [ASSAY_BIN, "queue", "claim", str(item_id), "--as", who, "--out", out],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                stdin=subprocess.DEVNULL)
        results = {}
        for who, p in procs.items():
            stdout, stderr = p.communicate(timeout=120)
            results[who] = (p.returncode, stdout, stderr)
        return results

    def test_exactly_one_claim_wins(self):
        wins = {"alice": 0, "bob": 0}
        for store in ("race1", "race2"):
            out, ids = self.make_store(store)
            for item_id in ids:
                results = self.race(out, item_id)
                codes = sorted(code for code, _, _ in results.values())
                self.assertEqual(codes, [EXIT_OK, EXIT_REFUSED], results)
                winner = next(w for w, (code, _, _) in results.items() if code == EXIT_OK)
                loser = "bob" if winner == "alice" else "alice"
                wins[winner] += 1
                self.assertIn(f"item {item_id} is already claimed by {winner}",
                              results[loser][2])
                shown = queue(out, "show", str(item_id), "--json").json()
                self.assertEqual((shown["state"], shown["assignee"]), ("claimed", winner))
                self.assertEqual([e["action"] for e in shown["events"]], ["opened", "claimed"])
                # The winner hands it over; now the other can take it.
                self.assertExit(queue(out, "release", str(item_id), "--as", winner,
                                      "--note", "handing over"), EXIT_OK)
                self.assertExit(queue(out, "claim", str(item_id), "--as", loser), EXIT_OK)
                shown = queue(out, "show", str(item_id), "--json").json()
                self.assertEqual([e["action"] for e in shown["events"]],
                                 ["opened", "claimed", "released", "claimed"])
                self.assertEqual(shown["assignee"], loser)
        log(f"[concurrent claims won: {wins}]")


if __name__ == "__main__":
    unittest.main()
