"""`assay serve` end to end: a real headless Chromium (Selenium) reviews the queue of a run over
samples/ (filter, open an item, see its page image and failed rule, claim, waive with a note,
find the waive in `assay lineage`), two browser sessions race for one claim, the page passes
accessibility checks; and plain HTTP checks the security rules (token on a non-local bind,
CSRF and origin, `..` and absolute paths, SQL text in a filter, read-only, foreign Host).

One run over samples/ serves every class (setUpModule); each test that changes the queue
works on its own copy of the store."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from assay_e2e import ASSAY_BIN, SOURCE_DIR, log, query, run_assay
from serve_e2e import Server, http, run_samples_for_review

STATE = {}


def setUpModule():
    root = tempfile.mkdtemp(prefix="assay-serve-")
    STATE["root"] = root
    started = time.monotonic()
    STATE["out"] = run_samples_for_review(root)
    log(f"run over samples: {time.monotonic() - started:.1f} s")


def tearDownModule():
    if os.environ.get("ASSAY_E2E_KEEP"):
        log(f"kept {STATE['root']}")
    else:
        shutil.rmtree(STATE["root"], ignore_errors=True)


def store_copy(name):
    out = os.path.join(STATE["root"], name)
    shutil.copytree(STATE["out"], out)
    return out


def chrome_or_skip():
    """A headless Chromium driver, or SkipTest saying what is missing."""
    try:
        from selenium import webdriver
    except ImportError:
        raise unittest.SkipTest("python3-selenium is not installed (build.sh installs it)")
    driver_path = shutil.which("chromedriver")
    browser = shutil.which("chromium")
    if not driver_path or not browser:
        raise unittest.SkipTest("chromium or chromedriver is missing (build.sh installs them)")
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1280,1000", "--no-proxy-server"):
        options.add_argument(a)
    return webdriver.Chrome(service=Service(driver_path), options=options)


def axe_violations(d):
    """axe-core's WCAG 2 A/AA violations on the page (axe already injected)."""
    return d.execute_async_script("""
      const done = arguments[arguments.length - 1];
      axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}).then(r => done(
        r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))));""")


def wait_for(predicate, timeout=20, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            v = predicate()
            if v:
                return v
        except Exception:  # the page is still changing
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class BrowserReview(unittest.TestCase):
    """One server (no token: localhost) and one browser for the class."""

    @classmethod
    def setUpClass(cls):
        cls.driver = chrome_or_skip()
        cls.out = store_copy("browser")
        cls.server = Server(cls.out, "--bind", "127.0.0.1:0")

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()

    def by_id(self, i):
        return self.driver.find_element("id", i)

    def open_queue(self):
        self.driver.get(self.server.url + "/")
        wait_for(lambda: "match" in self.by_id("total").text, what="the queue")

    def test_review_flow(self):
        d = self.driver
        self.open_queue()
        everything = int(self.by_id("total").text.split()[0])
        self.by_id("f-rule").send_keys("review_words")
        self.by_id("f-apply").click()
        wait_for(lambda: int(self.by_id("total").text.split()[0]) < everything, what="filter")
        rows = d.find_elements("css selector", "#items tbody tr")
        self.assertGreaterEqual(len(rows), 2, "the born-digital PDFs fail review_words")
        for r in rows:
            self.assertIn("review_words", r.text)
        link = rows[0].find_element("css selector", "a")
        item_id = int(link.text.lstrip("#"))
        link.click()
        wait_for(lambda: self.by_id("item-title").text.startswith(f"Item {item_id}"),
                 what="the item view")
        img = self.by_id("page-image")
        wait_for(lambda: d.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0", img),
            what="the page image")
        self.assertGreater(len(d.find_elements("css selector", "#page-boxes rect.word")), 5,
                           "word boxes are drawn over the page")
        rules = self.by_id("rules").text
        self.assertIn("review_words", rules)
        self.assertIn("pdf.word_count", rules)
        self.assertIn("1000000", rules)
        self.assertTrue(self.by_id("text").text.strip(), "the extracted text is shown")

        self.by_id("claim").click()
        wait_for(lambda: "claimed by" in self.by_id("item-state").text, what="the claim")
        self.by_id("note").send_keys("word count rule is too strict for this sample")
        self.by_id("waive").click()
        wait_for(lambda: "waived" in self.by_id("item-state").text, what="the waive")
        self.assertIn("word count rule is too strict", self.by_id("events").text)

        doc_id = json.loads(run_assay(["queue", "show", str(item_id), "--json", "--out",
                                       self.out]).stdout)["doc_id"]
        lineage = run_assay(["lineage", doc_id, "--json", "--out", self.out])
        self.assertEqual(lineage.returncode, 0, lineage.describe())
        self.assertIn("word count rule is too strict for this sample", lineage.stdout)
        self.assertIn("waived", lineage.stdout)

    def test_accessibility_basics(self):
        """Labels, contrast and keyboard use, by our own checks; and axe-core when available."""
        d = self.driver
        self.open_queue()
        unlabelled = d.execute_script("""
          return [...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.offsetParent !== null || e.closest('#item-view'))
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
            .map(e => e.id || e.outerHTML);""")
        self.assertEqual(unlabelled, [], "every control has a label")
        low = d.execute_script("""
          function lum(c) {
            const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(x => x / 255)
              .map(x => x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
            return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
          }
          function bg(e) {
            for (; e; e = e.parentElement) {
              const c = getComputedStyle(e).backgroundColor;
              if (!c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c;
            }
            return 'rgb(255, 255, 255)';
          }
          const bad = [];
          for (const e of document.querySelectorAll('body *')) {
            if (!e.offsetParent || ![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
            const a = lum(getComputedStyle(e).color), b = lum(bg(e));
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            if (ratio < 4.5) bad.push(e.tagName + ' ' + ratio.toFixed(2) + ' ' + e.textContent.slice(0, 30));
          }
          return bad;""")
        self.assertEqual(low, [], "text contrast is at least 4.5:1")
        # Keyboard: Tab from the top reaches the filters and an item link; Enter opens it.
        from selenium.webdriver.common.keys import Keys
        d.find_element("tag name", "body").click()
        seen = []
        for _ in range(40):
            d.switch_to.active_element.send_keys(Keys.TAB)
            el = d.switch_to.active_element
            seen.append(el.get_attribute("id") or el.get_attribute("href") or el.tag_name)
            if (el.get_attribute("href") or "").find("#item/") >= 0:
                break
        self.assertIn("f-state", seen)
        self.assertIn("f-apply", seen)
        self.assertRegex(seen[-1], r"#item/\d+$", f"tab order: {seen}")
        d.switch_to.active_element.send_keys(Keys.ENTER)
        wait_for(lambda: self.by_id("item-title").text.startswith("Item"), what="Enter opens")
        # axe-core, where a copy can be had (ASSAY_AXE_JS, or npm's cache): the WCAG A/AA rules.
        axe = os.environ.get("ASSAY_AXE_JS", "")
        if not axe or not os.path.exists(axe):
            log("axe-core not available (set ASSAY_AXE_JS to axe.min.js): own checks only")
            return
        self.open_queue()
        with open(axe) as f:
            d.execute_script(f.read())  # the hash routes below keep the same document
        item = d.find_element("css selector", "#items tbody a").get_attribute("href")
        for view in ("queue", "item", "adjudication"):
            if view == "item":
                d.get(item)
                wait_for(lambda: self.by_id("item-title").text.startswith("Item"), what="item")
            if view == "adjudication":
                d.get(self.server.url + "/#adjudication")
                wait_for(lambda: "in adjudication" in self.by_id("adj-total").text,
                         what="the adjudication view")
            violations = axe_violations(d)
            log(f"axe-core on the {view} view: {len(violations)} WCAG A/AA violations")
            self.assertEqual(violations, [], f"axe-core on the {view} view")


class ClaimRace(unittest.TestCase):
    """Two reviewers signed in through the login form of a token server, in two browsers."""

    @classmethod
    def setUpClass(cls):
        cls.a = chrome_or_skip()
        cls.b = chrome_or_skip()
        cls.out = store_copy("race")
        cls.tokens = os.path.join(STATE["root"], "tokens.txt")
        with open(cls.tokens, "w") as f:
            f.write("alice:alice-secret-0123456789\nbob:bob-secret-0123456789ab\n")
        cls.server = Server(cls.out, "--bind", "127.0.0.1:0", "--token-file", cls.tokens)

    @classmethod
    def tearDownClass(cls):
        cls.a.quit()
        cls.b.quit()
        cls.server.stop()

    def sign_in(self, d, secret, item_id):
        d.get(self.server.url + "/")
        wait_for(lambda: d.find_element("id", "token"), what="the login form")
        d.find_element("id", "token").send_keys(secret)
        d.find_element("css selector", "form button").click()
        wait_for(lambda: "Signed in as" in d.find_element("id", "who").text, what="sign-in")
        d.get(self.server.url + f"/#item/{item_id}")
        # The item loaded (its state shown), not only the button's default: a click before the
        # item arrives has nothing to claim.
        wait_for(lambda: d.find_element("id", "item-state").text.startswith("State: open")
                 and d.find_element("id", "claim").is_enabled(), what="the open item loaded")

    def test_exactly_one_claim_wins_and_the_loser_sees_who(self):
        status, body, _ = http("GET", self.server.url + "/api/queue?rule=review_words",
                               headers={"Authorization": "Bearer alice-secret-0123456789"})
        self.assertEqual(status, 200, body)
        item_id = json.loads(body)["items"][0]["item_id"]
        self.sign_in(self.a, "alice-secret-0123456789", item_id)
        self.sign_in(self.b, "bob-secret-0123456789ab", item_id)
        # Both click at once (scripted clicks, no waiting in between): the store decides.
        self.a.execute_script("document.getElementById('claim').click()")
        self.b.execute_script("document.getElementById('claim').click()")
        state = lambda d: d.find_element("id", "item-state").text
        wait_for(lambda: "claimed by" in state(self.a) and "claimed by" in state(self.b),
                 what="both pages updated")
        status_a = self.a.find_element("id", "status").text
        status_b = self.b.find_element("id", "status").text
        winners = [n for n, s in (("alice", status_a), ("bob", status_b)) if "is claimed" in s]
        self.assertEqual(len(winners), 1, (status_a, status_b))
        winner = winners[0]
        loser_status = status_b if winner == "alice" else status_a
        self.assertIn(f"already claimed by {winner}", loser_status)
        self.assertIn(f"claimed by {winner}", state(self.a))
        self.assertIn(f"claimed by {winner}", state(self.b))
        shown = json.loads(run_assay(["queue", "show", str(item_id), "--json", "--out",
                                      self.out]).stdout)
        self.assertEqual(shown["assignee"], winner)
        self.assertEqual([e["action"] for e in shown["events"]].count("claimed"), 1)


def non_loopback_address():
    """This machine's address on a network interface, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            addr = s.getsockname()[0]
            return None if addr.startswith("127.") else addr
    except OSError:
        return None


class Security(unittest.TestCase):
    """Plain HTTP against a token-less localhost server and a read-only one."""

    @classmethod
    def setUpClass(cls):
        cls.out = store_copy("security")
        cls.server = Server(cls.out, "--bind", "127.0.0.1:0")
        cls.read_only = Server(cls.out, "--bind", "127.0.0.1:0", "--read-only")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.read_only.stop()

    def session(self, server):
        """(cookie header, csrf token) of a fresh browser-like session."""
        status, body, headers = http("GET", server.url + "/api/session")
        self.assertEqual(status, 200, body)
        cookie = headers["Set-Cookie"].split(";")[0]
        return cookie, json.loads(body)["csrf"]

    def first_item(self):
        status, body, _ = http("GET", self.server.url + "/api/queue?rule=review_words")
        return json.loads(body)["items"][0]

    def item_state(self, item_id):
        return json.loads(http("GET", self.server.url + f"/api/items/{item_id}")[1])["item"]

    def test_non_local_bind_requires_the_token(self):
        addr = non_loopback_address()
        host = addr or "0.0.0.0"
        server = Server(self.out, "--bind", f"{host}:0")
        try:
            self.assertTrue(server.token, "a non-local bind prints a generated token")
            url = server.url.replace("0.0.0.0", "127.0.0.1")
            for path in ("/api/queue", "/api/items/1", "/api/session"):
                status, body, _ = http("GET", url + path)
                self.assertEqual(status, 401, f"{path} without a token: {body}")
            status, _, _ = http("GET", url + "/api/queue",
                                headers={"Authorization": "Bearer wrong-token-0123456789"})
            self.assertEqual(status, 401)
            status, _, headers = http("GET", url + "/")
            self.assertIn("Sign in", _) if status == 200 else None
            status, body, _ = http("GET", url + "/api/queue",
                                   headers={"Authorization": "Bearer " + server.token})
            self.assertEqual(status, 200, body)
            status, body, _ = http("POST", url + "/api/items/1/claim", "{}",
                                   {"Content-Type": "application/json"})
            self.assertEqual(status, 401, body)
        finally:
            server.stop()

    def test_forged_cross_site_posts_are_refused(self):
        item = self.first_item()
        url = self.server.url + f"/api/items/{item['item_id']}/claim"
        cookie, csrf = self.session(self.server)
        forged = [
            # a foreign page's form: the browser sends the cookie and its own Origin, no token
            {"Cookie": cookie, "Origin": "http://evil.example",
             "Content-Type": "application/x-www-form-urlencoded"},
            # even with the token (stolen or guessed), a foreign Origin is refused
            {"Cookie": cookie, "Origin": "http://evil.example", "X-CSRF-Token": csrf},
            # same origin but no CSRF token, or another session's
            {"Cookie": cookie, "Origin": self.server.url},
            {"Cookie": cookie, "Origin": self.server.url, "X-CSRF-Token": "0" * 48},
            # no session at all (a token-less server opens one, whose token the forger lacks)
            {"Origin": self.server.url},
        ]
        for headers in forged:
            status, body, _ = http("POST", url, "{}", headers)
            self.assertEqual(status, 403, f"{headers}: {body}")
        self.assertEqual(self.item_state(item["item_id"])["state"], "open")
        status, body, _ = http("POST", url, "{}", {"Cookie": cookie, "Origin": self.server.url,
                                                  "X-CSRF-Token": csrf,
                                                  "Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.item_state(item["item_id"])["state"], "claimed")

    def test_dot_dot_and_absolute_paths_are_refused(self):
        base = self.server.url
        for path in ("/api/queue?rule=../../etc/passwd", "/api/queue?modality=/etc/passwd",
                     "/api/queue?assignee=..%2F..%2Fetc", "/api/queue?rule=C:%5Cwindows",
                     "/api/items/1/pages/1.png?dpi=../../x", "/app.js?x=/etc/passwd",
                     "/api/items/..%2F..%2Fetc%2Fpasswd", "/%2E%2E/%2E%2E/etc/passwd",
                     "/api/items/1/pages/..%2F..%2Fetc%2Fpasswd.png"):
            status, body, _ = http("GET", base + path)
            self.assertIn(status, (400, 404), f"{path}: {status} {body[:200]}")
            self.assertNotIn("root:", body)
        status, body, _ = http("GET", base + "/api/queue?rule=../../etc/passwd")
        self.assertEqual(status, 400)
        self.assertIn("..", json.loads(body)["error"])

    def test_sql_text_in_a_filter_matches_nothing(self):
        for key in ("rule", "modality", "assignee", "state", "run"):
            status, body, _ = http("GET", self.server.url + "/api/queue?" + key +
                                   "=%27%20OR%201%3D1%20--")
            if key in ("state", "run"):
                self.assertEqual(status, 400, body)  # not a state or run number at all
                continue
            self.assertEqual(status, 200, body)
            page = json.loads(body)
            self.assertEqual((page["total"], page["items"]), (0, []), f"{key}: {body}")
        # the queue is still whole
        status, body, _ = http("GET", self.server.url + "/api/queue?state=all")
        self.assertGreater(json.loads(body)["total"], 2)

    def test_read_only_refuses_every_action(self):
        item = self.first_item()
        cookie, csrf = self.session(self.read_only)
        for action in ("claim", "waive", "reprocess"):
            status, body, _ = http(
                "POST", self.read_only.url + f"/api/items/{item['item_id']}/{action}",
                json.dumps({"note": "x"}), {"Cookie": cookie, "X-CSRF-Token": csrf,
                                            "Content-Type": "application/json"})
            self.assertEqual(status, 403, body)
            self.assertIn("read-only", body)
        status, body, _ = http("GET", self.read_only.url + "/api/queue")
        self.assertEqual(status, 200, body)

    def test_a_foreign_host_name_gets_nothing_from_a_tokenless_server(self):
        status, body, _ = http("GET", self.server.url + "/api/queue",
                               headers={"Host": "rebind.example:80"})
        self.assertEqual(status, 403, body)

    def test_page_image_and_bulk_by_filter(self):
        item = self.first_item()
        status, body, headers = http("GET", self.server.url +
                                     f"/api/items/{item['item_id']}/pages/1.png?dpi=72")
        self.assertEqual(status, 200)
        self.assertTrue(body.startswith("\ufffdPNG") or headers["Content-Type"] == "image/png")
        status, _, _ = http("GET", self.server.url + f"/api/items/{item['item_id']}/pages/99.png")
        self.assertEqual(status, 404)
        status, _, _ = http("GET", self.server.url + f"/api/items/{item['item_id']}/pages/1.png?dpi=1200")
        self.assertEqual(status, 400)


class Bulk(unittest.TestCase):
    """Waive or reject every item of a filter, from the CLI and through the API: a count first,
    then one audited event per item."""

    def active(self, out, *filters):
        r = run_assay(["queue", "list", "--json", "--out", out] + list(filters))
        return json.loads(r.stdout)

    def test_cli_bulk_waive_counts_then_acts_with_yes(self):
        out = store_copy("bulk-cli")
        hits = self.active(out, "--rule", "review_words")
        self.assertGreaterEqual(len(hits), 2)
        base = ["queue", "waive", "--rule", "review_words", "--note", "sample PDFs are short",
                "--as", "carol", "--out", out]
        dry = run_assay(base + ["--dry-run"])
        self.assertEqual(dry.returncode, 0, dry.describe())
        self.assertIn(f"{len(hits)} active items match --rule review_words", dry.stdout)
        unconfirmed = run_assay(base)
        self.assertEqual(unconfirmed.returncode, 2, unconfirmed.describe())
        self.assertIn("--yes", unconfirmed.stderr)
        self.assertEqual(len(self.active(out, "--rule", "review_words")), len(hits))
        both = run_assay(["queue", "waive", "1", "--rule", "x", "--note", "n", "--out", out])
        self.assertEqual(both.returncode, 2, both.describe())
        done = run_assay(base + ["--yes"])
        self.assertEqual(done.returncode, 0, done.describe())
        self.assertIn(f"{len(hits)} items waived", done.stdout)
        self.assertEqual(self.active(out, "--rule", "review_words"), [])
        for it in hits:
            shown = json.loads(run_assay(["queue", "show", str(it["item_id"]), "--json", "--out",
                                          out]).stdout)
            waives = [e for e in shown["events"] if e["action"] == "waived"]
            self.assertEqual(len(waives), 1)
            self.assertEqual((waives[0]["actor"], waives[0]["note"]),
                             ("carol", "sample PDFs are short"))
        # the corrupt PDF's error item is not of that rule and stays open
        self.assertEqual(len(self.active(out)), 1)

    def test_api_bulk_reject_needs_the_confirmed_count(self):
        out = store_copy("bulk-api")
        server = Server(out, "--bind", "127.0.0.1:0")
        try:
            status, body, headers = http("GET", server.url + "/api/session")
            cookie, csrf = headers["Set-Cookie"].split(";")[0], json.loads(body)["csrf"]
            h = {"Cookie": cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json"}
            count = json.loads(http("GET", server.url + "/api/queue?rule=review_words")[1])["total"]
            body = {"rule": "review_words", "note": "not text documents", "expected": count + 1}
            status, text, _ = http("POST", server.url + "/api/bulk/reject", json.dumps(body), h)
            self.assertEqual(status, 409, text)
            self.assertEqual(json.loads(text)["count"], count)
            body["expected"] = count
            status, text, _ = http("POST", server.url + "/api/bulk/reject", json.dumps(body), h)
            self.assertEqual(status, 200, text)
            self.assertEqual(len(json.loads(text)["acted"]), count)
            self.assertEqual(self.active(out, "--rule", "review_words"), [])
            rejected = self.active(out, "--rule", "review_words", "--state", "rejected")
            self.assertEqual(len(rejected), count)
        finally:
            server.stop()


class Reprocess(unittest.TestCase):
    """Reprocess from the API: the same checks and code as `assay queue reprocess`."""

    def test_reprocess_with_parameters_shows_the_new_result(self):
        out = store_copy("reprocess")
        server = Server(out, "--bind", "127.0.0.1:0")
        try:
            status, body, headers = http("GET", server.url + "/api/session")
            h = {"Cookie": headers["Set-Cookie"].split(";")[0],
                 "X-CSRF-Token": json.loads(body)["csrf"], "Content-Type": "application/json"}
            item = json.loads(http("GET", server.url + "/api/queue?rule=review_words")[1])["items"][0]
            url = server.url + f"/api/items/{item['item_id']}/reprocess"
            status, text, _ = http("POST", url, json.dumps({"lang": "../../x"}), h)
            self.assertEqual(status, 400, text)
            status, text, _ = http("POST", url, json.dumps({"dpi": 200, "lang": "eng"}), h)
            self.assertEqual(status, 200, text)
            r = json.loads(text)
            self.assertEqual(r["set"], ["rasterize.dpi=200", "ocr.lang=eng"])
            # Reprocess applies the shipped contracts (as `assay queue reprocess` without
            # --contracts), which the strict test rule is not part of: the document passes and
            # the store closes the item.
            self.assertEqual((r["exit_code"], r["outcome"]), (0, "accepted"))
            self.assertEqual(r["item"]["state"], "resolved")
            view = json.loads(http("GET", server.url + f"/api/items/{item['item_id']}")[1])
            asked = [e for e in view["events"] if e["action"] == "reprocessed"]
            self.assertEqual(len(asked), 1)
            self.assertIn("rasterize", asked[0]["note"])
            self.assertEqual(view["events"][-1]["actor"], "assay")
            self.assertEqual(view["events"][-1]["action"], "resolved")
        finally:
            server.stop()



def session_headers(server):
    """Cookie, CSRF token and JSON content type of a new browser-like session."""
    status, body, headers = http("GET", server.url + "/api/session")
    return {"Cookie": headers["Set-Cookie"].split(";")[0],
            "X-CSRF-Token": json.loads(body)["csrf"], "Content-Type": "application/json"}


class BulkReprocess(unittest.TestCase):
    """Reprocess every item of a filter from the page's API, judged by the contracts the server
    was given (--contracts), as `assay queue reprocess --rule --contracts` would."""

    def reprocess_all(self, server, expected):
        return http("POST", server.url + "/api/bulk/reprocess",
                    json.dumps({"rule": "review_words", "dpi": 200, "expected": expected}),
                    session_headers(server))

    def test_bulk_reprocess_by_the_servers_contracts(self):
        strict = os.path.join(STATE["root"], "contracts")
        for contracts, passes in ((strict, False), (None, True)):
            out = store_copy("bulk-reprocess-" + ("strict" if contracts else "shipped"))
            args = ["--bind", "127.0.0.1:0"] + (["--contracts", contracts] if contracts else [])
            server = Server(out, *args)
            try:
                count = json.loads(http("GET", server.url +
                                        "/api/queue?rule=review_words")[1])["total"]
                self.assertGreaterEqual(count, 2)
                status, text, _ = self.reprocess_all(server, count + 1)
                self.assertEqual(status, 409, text)
                status, text, _ = self.reprocess_all(server, count)
                self.assertEqual(status, 200, text)
                r = json.loads(text)
                self.assertEqual(r["acted"], count)
                states = sorted({x["item"]["state"] for x in r["results"]})
                outcomes = sorted({x["outcome"] for x in r["results"]})
                if passes:
                    # The shipped contracts have no review_words rule: every document passes.
                    self.assertEqual((r["exit_code"], states, outcomes),
                                     (0, ["resolved"], ["accepted"]))
                else:
                    # Still held to the strict rule: rejected again, the items stay open.
                    self.assertEqual((r["exit_code"], states, outcomes),
                                     (1, ["open"], ["rejected"]))
                for x in r["results"]:
                    self.assertEqual(x["set"], ["rasterize.dpi=200"])
            finally:
                server.stop()


class VideoAndTranscriptFacts(unittest.TestCase):
    """An item's view lists a video's stretches and sampled frames and a transcript's cues with
    their findings (read-only). A 2 s black video and an SRT with its cues out of order, both
    rejected, are run into a copy of the samples' store."""

    @classmethod
    def setUpClass(cls):
        if not shutil.which("ffmpeg"):
            raise unittest.SkipTest("ffmpeg is not installed (build.sh deps)")
        cls.out = store_copy("modalities")
        data = os.path.join(STATE["root"], "modalities-in")
        os.makedirs(data)
        subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                        "color=c=black:s=320x240:r=10:d=2", "-c:v", "libx264", "-pix_fmt",
                        "yuv420p", os.path.join(data, "black.mp4")], check=True)
        with open(os.path.join(data, "cues.srt"), "w") as f:
            f.write("1\n00:00:05,000 --> 00:00:07,000\nThe second thing said.\n\n"
                    "2\n00:00:01,000 --> 00:00:03,000\nThe first thing said.\n")
        r = run_assay(["run", data, "--out", cls.out])
        if r.returncode not in (0, 1):
            raise AssertionError(r.describe())
        cls.items = {r["modality"]: r["item_id"] for r in query(
            cls.out, "SELECT d.modality, q.item_id FROM queue_items q JOIN documents d "
                     "USING(doc_id) WHERE d.modality IN ('video', 'transcript')")}
        if sorted(cls.items) != ["transcript", "video"]:
            raise AssertionError(f"expected a video and a transcript in the queue: {cls.items}")

    def test_lists_video_stretches_frames_and_transcript_cues(self):
        d = chrome_or_skip()
        server = Server(self.out, "--bind", "127.0.0.1:0")
        try:
            d.get(server.url + f"/#item/{self.items['video']}")
            wait_for(lambda: not d.find_element("id", "video-facts").get_attribute("hidden"),
                     what="the video's facts")
            rows = [[td.text for td in tr.find_elements("css selector", "td")] for tr in
                    d.find_elements("css selector", "#video-stretches tbody tr")]
            self.assertEqual(rows[0][0], "black", rows)
            frames = d.find_elements("css selector", "#video-frames tbody tr")
            self.assertGreaterEqual(len(frames), 1)
            self.assertEqual(frames[0].find_elements("css selector", "td")[3].text, "no")
            self.assertTrue(d.find_element("id", "transcript-facts").get_attribute("hidden"))
            d.get(server.url + f"/#item/{self.items['transcript']}")
            wait_for(lambda: not d.find_element("id", "transcript-facts").get_attribute("hidden"),
                     what="the transcript's cues")
            cues = [[td.text for td in tr.find_elements("css selector", "td")] for tr in
                    d.find_elements("css selector", "#transcript-cues tbody tr")]
            self.assertEqual([c[4] for c in cues], ["The second thing said.", "The first thing said."])
            self.assertIn("out_of_order", cues[1][5])
            self.assertTrue(d.find_element("id", "video-facts").get_attribute("hidden"))
        finally:
            d.quit()
            server.stop()


class Adjudication(unittest.TestCase):
    """The annotation adjudication queue in the browser: a task whose votes disagree shows the
    votes side by side with its page; the specialist decides it, through the same store code as
    `assay annotate adjudicate`."""

    @classmethod
    def setUpClass(cls):
        cls.out = store_copy("adjudication")
        tasks = [json.loads(line) for line in run_assay(
            ["annotate", "export", "--out", cls.out, "--pool", "general", "--format",
             "jsonl"]).stdout.splitlines()]
        # The photo's caption check (the strict rule keeps the PDFs out of routing).
        caption = [t for t in tasks if t["task_type"] == "caption_check"]
        if not caption:
            raise AssertionError(f"no caption task to adjudicate in the samples run: {tasks}")
        cls.task = caption[0]["task_id"]
        votes = os.path.join(cls.out, "votes.jsonl")
        with open(votes, "w") as f:
            for who, label in (("alice", "accurate"), ("bob", "wrong"), ("carol", "incomplete")):
                f.write(json.dumps({"task_id": cls.task, "annotator": who, "label": label}) + "\n")
        r = run_assay(["annotate", "import", votes, "--format", "jsonl", "--out", cls.out])
        if r.returncode != 0:
            raise AssertionError(r.describe())

    def test_votes_side_by_side_and_a_decision(self):
        d = chrome_or_skip()
        server = Server(self.out, "--bind", "127.0.0.1:0")
        try:
            d.get(server.url + "/#adjudication")
            card = wait_for(lambda: d.find_element(
                "css selector", f"article.task[data-task='{self.task}']"), what="the task")
            heads = [th.text for th in card.find_elements("css selector", ".votes th")]
            cells = [td.text for td in card.find_elements("css selector", ".votes td")]
            self.assertEqual(heads, ["alice", "bob", "carol"])
            self.assertEqual(cells, ["accurate", "wrong", "incomplete"])
            self.assertIn("33% agree", card.text)
            img = card.find_element("css selector", "img")
            wait_for(lambda: d.execute_script(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", img),
                what="the task's page image")
            axe = os.environ.get("ASSAY_AXE_JS", "")
            if axe and os.path.exists(axe):
                with open(axe) as f:
                    d.execute_script(f.read())
                self.assertEqual(axe_violations(d), [], "axe-core on a task in adjudication")
            from selenium.webdriver.support.ui import Select
            Select(card.find_element("css selector", "select")).select_by_value("wrong")
            card.find_element("css selector", "input").send_keys("the caption misses the dog")
            card.find_element("css selector", "button[type=submit]").click()
            wait_for(lambda: "adjudicated: wrong" in d.find_element("id", "status").text,
                     what="the decision")
            wait_for(lambda: not d.find_elements(
                "css selector", f"article.task[data-task='{self.task}']"), what="the task to go")
            # Recorded as `assay annotate adjudicate` records it: who, label, note.
            user = json.loads(http("GET", server.url + "/api/session")[1])["user"]
            import sqlite3
            db = sqlite3.connect(os.path.join(self.out, "assay.db"))
            state, label, by = db.execute("SELECT state, label, decided_by FROM annotation_tasks "
                                          "WHERE task_id=?", (self.task,)).fetchone()
            note = db.execute("SELECT note FROM annotation_events WHERE task_id=? AND "
                              "action='adjudicated'", (self.task,)).fetchone()[0]
            db.close()
            self.assertEqual((state, label, by), ("adjudicated", "wrong", user))
            self.assertIn("the caption misses the dog", note)
            # Deciding again is refused as the CLI refuses it; an unknown label is a 400.
            h = session_headers(server)
            url = server.url + f"/api/adjudication/{self.task}"
            status, text, _ = http("POST", url, json.dumps({"label": "accurate"}), h)
            self.assertEqual(status, 409, text)
            self.assertIn("not in adjudication", text)
            status, text, _ = http("POST", server.url + "/api/adjudication/999999",
                                   json.dumps({"label": "correct"}), h)
            self.assertEqual(status, 404, text)
        finally:
            d.quit()
            server.stop()


if __name__ == "__main__":
    unittest.main()
