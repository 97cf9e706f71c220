#!/usr/bin/python3
"""Scores assay's OCR error estimate on the calibration set, and (--fit) fits the estimator.

  evaluate.py [--assay BUILD/assay] [--dataset bench/out/cer_calibration] [--fresh] [--no-run]
              [--fit] [--folds 5] [--json-out FILE]

Runs `assay run DATASET/manifest.jsonl --out DATASET/run -j 2 --json` (the binary from --assay
or $ASSAY; --no-run reuses the store), reads every document's metrics from DATASET/run/assay.db
(table metrics, scope ''), joins them to DATASET/dataset.json by the image's SHA-256 and prints:
the confusion matrix of the decision "CER <= 2%" taken from ocr.cer_estimate against the one
taken from the true ocr.cer, the agreement, per subset (corpora / renders / DPI / noise), and the
mean absolute error. --fit also fits the estimator (least squares on log CER over the quality
signals, then a shift of the intercept that maximises the agreement of the decision) with
grouped k-fold cross-validation (all renders of one source page in the same fold) and prints
the coefficients ready for stages/text_signals.cpp. The JSON report goes to --json-out
(default DATASET/evaluation.json, or evaluation_fit.json with --fit).

Development without assay's quality stage: --signals tesseract:DIR reads `tesseract IMG
DIR/<id> --psm 3 tsv` outputs (id with '/' as '__') and computes the same signals in Python
(signals.py). Final numbers must come from assay's own metrics (the default).
"""

import argparse
import collections
import hashlib
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

THRESHOLD = 0.02
SIGNALS = [
    "ocr.mean_confidence", "ocr.low_conf_word_ratio", "text.dictionary_word_ratio",
    "text.garbage_char_ratio", "text.broken_word_ratio", "ocr.word_count", "text.chars",
]

# Model features: name -> function of the metric map. The plain ones are "badness" shares, 0
# when clean; the ln_ ones are their logarithms (with a small floor), which turn the model into
# a power law: CER + EPS = exp(b0) * (share + floor)^b ... Floors sit near the share's noise
# level on clean pages.
FLOORS = {"low_conf": 0.01, "non_dict": 0.01, "conf_gap": 0.005, "broken": 0.005, "garbage": 0.001}
FEATURES = {
    "non_dict": lambda m: 1.0 - m["text.dictionary_word_ratio"],
    "garbage": lambda m: m["text.garbage_char_ratio"],
    "broken": lambda m: m["text.broken_word_ratio"],
    "low_conf": lambda m: m["ocr.low_conf_word_ratio"],
    "conf_gap": lambda m: (100.0 - m["ocr.mean_confidence"]) / 100.0,
}
for _name in list(FEATURES):
    FEATURES["ln_" + _name] = (lambda f, floor: lambda m: math.log(max(f(m), 0.0) + floor))(
        FEATURES[_name], FLOORS[_name])
MODEL_FEATURES = ["ln_low_conf", "ln_non_dict"]
CANDIDATE_SETS = [
    ["conf_gap"], ["low_conf"], ["non_dict"],
    ["low_conf", "non_dict"], ["conf_gap", "non_dict"],
    ["non_dict", "garbage", "broken", "low_conf", "conf_gap"],
    ["ln_conf_gap"], ["ln_low_conf"], ["ln_non_dict"],
    ["ln_low_conf", "ln_non_dict"], ["ln_conf_gap", "ln_non_dict"],
    ["ln_low_conf", "ln_conf_gap", "ln_non_dict"],
    ["ln_low_conf", "ln_non_dict", "ln_broken"],
    ["ln_low_conf", "ln_non_dict", "ln_garbage"],
    ["ln_low_conf", "ln_conf_gap", "ln_non_dict", "ln_broken", "ln_garbage"],
]
CV_REPEATS = 5
EPS = 0.005  # y = ln(min(cer, 1) + EPS): compresses the noise floor below ~0.5% CER


# --- reading results -------------------------------------------------------------------------

def run_assay(assay, dataset, run_dir, jobs, fresh):
    if fresh and os.path.isdir(run_dir):
        shutil.rmtree(run_dir)
    # The corpus images are referenced in place, outside the dataset folder: allowed explicitly
    # (assay refuses such manifest paths by default). The per-document limit is raised: this
    # measures the estimate, not speed, and the noisiest pages need several minutes of OCR on a
    # shared machine (a timeout would silently leave the hardest pages out).
    cmd = [assay, "run", os.path.join(dataset, "manifest.jsonl"), "--out", run_dir, "-j", str(jobs), "--json",
           "--allow-outside-inputs", "--timeout", "1800"]
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    print("$ " + " ".join(cmd), file=sys.stderr)
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.monotonic() - t0
    summary = None
    try:
        summary = json.loads(p.stdout)
    except json.JSONDecodeError:
        pass
    # Exit 0 = all accepted; other codes may mean contract violations, which are expected here.
    if summary is None:
        sys.exit(f"assay run failed (exit {p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
    return {"argv": cmd, "exit_code": p.returncode, "wall_seconds": round(wall, 1), "summary": summary}


def read_store(db_path):
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    docs = {}
    for r in con.execute("SELECT doc_id, source_id, path, modality, outcome, error_stage, error_message, "
                         "ground_truth FROM documents"):
        docs[r["doc_id"]] = dict(r) | {"metrics": {}}
    for r in con.execute("SELECT doc_id, name, value FROM metrics WHERE scope = ''"):
        if r["doc_id"] in docs:
            docs[r["doc_id"]]["metrics"][r["name"]] = r["value"]
    run = con.execute("SELECT tool_version, git_commit, libraries, tessdata_sha256, config_hash "
                      "FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
    con.close()
    by_source = collections.defaultdict(list)
    for d in docs.values():
        by_source[d["source_id"]].append(d)
    return by_source, dict(run) if run else {}


def records_from_assay(entries, by_source):
    recs = []
    for e in entries:
        docs = by_source.get(e["sha256"], [])
        d = docs[0] if docs else None
        recs.append(dict(e, found=d is not None, modality=d and d["modality"], outcome=d and d["outcome"],
                         error=d and d["error_message"], metrics=d["metrics"] if d else {}))
    return recs


def records_from_tesseract(entries, dataset, tsv_dir):
    import signals as sg
    dic = sg.Dictionary()
    recs = []
    for e in entries:
        tsv = os.path.join(tsv_dir, e["id"].replace("/", "__") + ".tsv")
        m = {}
        if os.path.exists(tsv):
            with open(tsv, encoding="utf-8") as f:
                text, m = sg.tesseract_tsv_signals(f.read(), dic)
            with open(os.path.join(dataset, e["ground_truth"]), encoding="utf-8") as f:
                m["ocr.cer"] = sg.cer(text, f.read())
        recs.append(dict(e, found=bool(m), modality="page_image", outcome=None, error=None, metrics=m))
    return recs


def full_readings(assay, run_dir):
    """source SHA-256 -> the document's whole reading: every block of every page (running heads,
    page numbers and figure text included), from `assay export`. The calibration's ground truth
    is a transcription of the whole page (pdftotext's text, the corpora's .gt.txt), while the
    document's `text` (and the quality stage's ocr.cer) leaves out what layout calls page
    furniture: a right running head would count as an OCR error the estimate cannot see."""
    if not os.access(assay, os.X_OK):
        sys.exit(f"no assay binary at {assay} (give --assay, or --truth body)")
    p = subprocess.run([assay, "export", "--out", run_dir, "--format", "jsonl"], capture_output=True, text=True)
    if not p.stdout.strip():
        sys.exit(f"assay export gave no records (exit {p.returncode}): {p.stderr[-500:]}")
    out = {}
    for line in p.stdout.splitlines():
        rec = json.loads(line)
        out[rec["source"]["sha256"]] = "\n\n".join(
            b.get("text", "") for page in rec.get("pages", []) for b in page.get("blocks", []))
    return out


def use_reading_cer(recs, readings, dataset, cer_tool):
    """Sets each record's ocr.cer to the CER of its whole reading (the body-text figure the
    quality stage measured stays as ocr.cer_body). Scored by assay's own CER (tests/cer)."""
    import tempfile
    changed = 0
    with tempfile.TemporaryDirectory() as tmp:
        hyp = os.path.join(tmp, "reading.txt")
        for r in recs:
            m = r["metrics"]
            if "ocr.cer" not in m or r["sha256"] not in readings:
                continue
            with open(hyp, "w", encoding="utf-8") as f:
                f.write(readings[r["sha256"]])
            cer = float(subprocess.run([cer_tool, hyp, os.path.join(dataset, r["ground_truth"])],
                                       check=True, capture_output=True, text=True).stdout)
            m["ocr.cer_body"] = m["ocr.cer"]
            m["ocr.cer"] = cer
            changed += abs(cer - m["ocr.cer_body"]) > 1e-9
    print(f"truth: the CER of each document's whole reading ({changed} documents differ from the "
          f"body-text ocr.cer, which leaves out running heads and page numbers)")
    return changed


# --- scoring ---------------------------------------------------------------------------------

def confusion(pairs):
    """pairs of (true_cer, estimate). 'pass' = CER <= 2%. Rows: truth; columns: estimate."""
    c = {"true_pass": {"est_pass": 0, "est_fail": 0}, "true_fail": {"est_pass": 0, "est_fail": 0}}
    for cer, est in pairs:
        c["true_pass" if cer <= THRESHOLD else "true_fail"]["est_pass" if est <= THRESHOLD else "est_fail"] += 1
    n = len(pairs)
    agree = c["true_pass"]["est_pass"] + c["true_fail"]["est_fail"]
    errs = [abs(min(cer, 1.0) - min(est, 1.0)) for cer, est in pairs]
    return {
        "n": n, "matrix": c, "agree": agree,
        "agreement": round(agree / n, 4) if n else None,
        "false_pass": c["true_fail"]["est_pass"],  # estimate says fine, truth is not: the costly error
        "false_fail": c["true_pass"]["est_fail"],
        "mae": round(float(np.mean(errs)), 5) if n else None,
        "median_ae": round(float(np.median(errs)), 5) if n else None,
    }


def breakdown(recs, est_key):
    usable = [r for r in recs if "ocr.cer" in r["metrics"] and est_key in r["metrics"]]

    def pairs(rs):
        return [(r["metrics"]["ocr.cer"], r["metrics"][est_key]) for r in rs]

    groups = {"all": usable}
    for r in usable:
        groups.setdefault("subset:" + r["subset"], []).append(r)
        if r["subset"] == "corpora":
            groups.setdefault("corpus:" + r["corpus"], []).append(r)
        else:
            groups.setdefault(f"dpi:{r['dpi']}", []).append(r)
            groups.setdefault("noise_kind:" + r["noise_kind"], []).append(r)
            groups.setdefault("noise:" + r["noise"], []).append(r)
        c = r["metrics"]["ocr.cer"]
        band = ("cer<1%" if c < 0.01 else "1%<=cer<=2%" if c <= 0.02 else "2%<cer<=4%" if c <= 0.04 else "cer>4%")
        groups.setdefault("true_band:" + band, []).append(r)
    return {k: confusion(pairs(v)) for k, v in groups.items()}


def print_confusion(title, c):
    m = c["matrix"]
    print(f"\n{title}: n={c['n']}  agreement={c['agreement'] * 100:.1f}%  "
          f"MAE={c['mae']:.4f}  median AE={c['median_ae']:.4f}")
    print("                     estimate<=2%  estimate>2%")
    print(f"  true CER <= 2%     {m['true_pass']['est_pass']:>12d}  {m['true_pass']['est_fail']:>11d}")
    print(f"  true CER >  2%     {m['true_fail']['est_pass']:>12d}  {m['true_fail']['est_fail']:>11d}")


def print_breakdown(b):
    print(f"\n  {'subset':28s} {'n':>4s} {'agree':>7s} {'false pass':>10s} {'false fail':>10s} {'MAE':>7s}")
    for k, c in b.items():
        if k == "all":
            continue
        print(f"  {k:28s} {c['n']:>4d} {c['agreement'] * 100:6.1f}% {c['false_pass']:>10d} "
              f"{c['false_fail']:>10d} {c['mae']:7.4f}")


def cer_distribution(recs):
    cs = [r["metrics"]["ocr.cer"] for r in recs if "ocr.cer" in r["metrics"]]
    edges = [0, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, float("inf")]
    out = {}
    for subset in ("corpora", "renders"):
        vals = [r["metrics"]["ocr.cer"] for r in recs if r["subset"] == subset and "ocr.cer" in r["metrics"]]
        hist = collections.OrderedDict()
        for lo, hi in zip(edges, edges[1:]):
            hist[f"[{lo * 100:g}%,{hi * 100:g}%)"] = sum(lo <= v < hi for v in vals)
        out[subset] = {"n": len(vals), "pass": sum(v <= THRESHOLD for v in vals), "histogram": hist,
                       "within_1pt_of_threshold": sum(0.01 <= v <= 0.03 for v in vals)}
    out["all_n"] = len(cs)
    return out


def lost_text(recs, dataset, est_key="ocr.cer_estimate"):
    """Pages whose reading lost >= 10% of the ground truth's characters (non-space code points,
    as text.chars counts them): issue 8 asks that none of them be estimated under 2%."""
    rows = []
    for r in recs:
        m = r["metrics"]
        if "text.chars" not in m or est_key not in m:
            continue
        with open(os.path.join(dataset, r["ground_truth"]), encoding="utf-8") as f:
            truth = sum(1 for c in f.read() if not c.isspace())
        if truth == 0:
            continue
        lost = max(0.0, 1.0 - m["text.chars"] / truth)
        if lost >= 0.10:
            rows.append({"id": r["id"], "lost": round(lost, 4), "cer": m.get("ocr.cer"),
                         "estimate": m[est_key], "coverage": m.get("ocr.text_coverage")})
    under = [x for x in rows if x["estimate"] < THRESHOLD]
    print(f"\npages that lost >= 10% of their text: {len(rows)}; estimated under 2%: {len(under)}")
    for x in under:
        print(f"  {x['id']:48s} lost={x['lost']:.3f} cer={x['cer']} est={x['estimate']:.4f} coverage={x['coverage']}")
    return {"pages": len(rows), "estimated_under_threshold": len(under), "rows": rows}


# --- fitting ---------------------------------------------------------------------------------

def design(recs, feats):
    return np.array([[1.0] + [FEATURES[f](r["metrics"]) for f in feats] for r in recs])


def target(recs):
    return np.array([math.log(min(r["metrics"]["ocr.cer"], 1.0) + EPS) for r in recs])


def predict(beta, X):
    return np.clip(np.exp(X @ beta) - EPS, 0.0, 1.0)


def fit(recs, feats):
    """Least squares on ln(CER + EPS), then the intercept shift that maximises the training
    agreement of the 2% decision (ties: the smallest shift)."""
    X, y = design(recs, feats), target(recs)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    cer = np.array([r["metrics"]["ocr.cer"] for r in recs])
    z = X @ beta
    best = None
    for shift in np.round(np.arange(-1.5, 1.5001, 0.01), 2):
        est = np.exp(z + shift) - EPS
        agree = int(np.sum((est <= THRESHOLD) == (cer <= THRESHOLD)))
        key = (agree, -abs(shift))
        if best is None or key > best[0]:
            best = (key, shift)
    beta_shifted = beta.copy()
    beta_shifted[0] += best[1]
    return beta, beta_shifted, float(best[1])


def grouped_folds(recs, k, seed=0):
    """Groups (source pages; each corpus image on its own) dealt to k folds: sorted by a hash of
    (seed, group), then round-robin, so folds are balanced and deterministic."""
    groups = sorted({r["group"] for r in recs}, key=lambda g: hashlib.sha256(f"{seed}:{g}".encode()).hexdigest())
    return {g: i % k for i, g in enumerate(groups)}


def cross_validate(recs, feats, k, seed=0):
    folds = grouped_folds(recs, k, seed)
    pred_raw, pred = {}, {}
    for f in range(k):
        train = [r for r in recs if folds[r["group"]] != f]
        test = [r for r in recs if folds[r["group"]] == f]
        if not test:
            continue
        b_raw, b, _ = fit(train, feats)
        for r, p0, p1 in zip(test, predict(b_raw, design(test, feats)), predict(b, design(test, feats))):
            pred_raw[r["id"]], pred[r["id"]] = float(p0), float(p1)
    return pred_raw, pred


def with_estimate(recs, preds, key):
    out = []
    for r in recs:
        m = dict(r["metrics"])
        if r["id"] in preds:
            m[key] = preds[r["id"]]
        out.append(dict(r, metrics=m))
    return out


def cpp_snippet(feats, beta):
    names = {
        "non_dict": "(1.0 - s.DictionaryWordRatio())",
        "garbage": "s.GarbageCharRatio()",
        "broken": "s.BrokenWordRatio()",
        "low_conf": "low_conf_word_ratio",
        "conf_gap": "(100.0 - mean_confidence) / 100.0",
    }
    for base, expr in list(names.items()):
        names["ln_" + base] = f"std::log({expr} + {FLOORS[base]})"
    terms = "\n".join(f"                   {'+' if b >= 0 else '-'} {abs(b):.6f} * {names[f]}"
                      for f, b in zip(feats, beta[1:]))
    return (
        "double EstimateCer(const TextSignals& s, double mean_confidence, double low_conf_word_ratio) {\n"
        "  if (s.chars == 0) return 1.0;  // nothing read: as bad as it gets\n"
        "  // Calibrated by bench/cer_calibration (docs/cer_estimate.md): ln(CER + 0.005) is linear\n"
        "  // in the signals.\n"
        f"  const double z = {beta[0]:.6f}\n{terms};\n"
        f"  return std::clamp(std::exp(z) - {EPS}, 0.0, 1.0);\n"
        "}\n")


def do_fit(recs, k, report):
    fitset = [r for r in recs if "ocr.cer" in r["metrics"] and all(s in r["metrics"] for s in SIGNALS)
              and r["metrics"]["text.chars"] > 0]
    empty = [r for r in recs if "ocr.cer" in r["metrics"] and r["metrics"].get("text.chars", 0) == 0]
    print(f"\n=== fit: {len(fitset)} documents with text ({len(empty)} with no text are estimated 1.0 "
          f"by rule and left out of the fit); {k}-fold CV grouped by source page")
    cands = []
    print(f"\n  candidate feature sets (documents with text; CV = {k}-fold grouped, mean [min..max] over "
          f"{CV_REPEATS} fold assignments; 'raw' = without the decision shift)")
    print(f"  {'features':56s} {'CV agree':>20s} {'CV raw':>7s} {'CV MAE':>7s} {'in-sample':>9s}")
    for feats in CANDIDATE_SETS:
        agrees, raws, maes = [], [], []
        for seed in range(CV_REPEATS):
            raw, pred = cross_validate(fitset, feats, k, seed)
            cv = confusion([(r["metrics"]["ocr.cer"], pred[r["id"]]) for r in fitset])
            cv_raw = confusion([(r["metrics"]["ocr.cer"], raw[r["id"]]) for r in fitset])
            agrees.append(cv["agreement"]); raws.append(cv_raw["agreement"]); maes.append(cv["mae"])
        _, b, _ = fit(fitset, feats)
        ins = confusion([(r["metrics"]["ocr.cer"], p) for r, p in zip(fitset, predict(b, design(fitset, feats)))])
        cands.append({"features": feats, "cv_agreement_mean": float(np.mean(agrees)),
                      "cv_agreement_min": min(agrees), "cv_agreement_max": max(agrees),
                      "cv_without_shift_mean": float(np.mean(raws)), "cv_mae_mean": float(np.mean(maes)),
                      "in_sample_agreement": ins["agreement"]})
        span = f"{np.mean(agrees) * 100:.1f}% [{min(agrees) * 100:.1f}..{max(agrees) * 100:.1f}]"
        print(f"  {'+'.join(feats):56s} {span:>20s} {np.mean(raws) * 100:6.1f}% "
              f"{np.mean(maes):7.4f} {ins['agreement'] * 100:8.1f}%")

    feats = MODEL_FEATURES
    beta_raw, beta, shift = fit(fitset, feats)
    X = design(fitset, feats)
    print(f"\nchosen model: ln(CER + {EPS}) = b0 + " + " + ".join(f"b_{f}*{f}" for f in feats)
          + "   (ln_X = ln(X + floor), floors " + ", ".join(f"{k} {v}" for k, v in FLOORS.items()) + ")")
    print(f"  least-squares intercept {beta_raw[0]:.6f}, decision shift {shift:+.2f} -> b0 = {beta[0]:.6f}")
    for f, b in zip(["b0"] + feats, beta):
        print(f"  {f:10s} = {b: .6f}")
    resid = target(fitset) - X @ beta_raw
    print(f"  residual sd of ln(CER+{EPS}): {np.std(resid):.3f}")

    # Cross-validated, with the documents without text (rule: 1.0) added back.
    raw_cv, cv_pred = cross_validate(fitset, feats, k)
    for r in empty:
        cv_pred[r["id"]] = raw_cv[r["id"]] = 1.0
    all_recs = fitset + empty
    cv_recs = with_estimate(all_recs, cv_pred, "cv_estimate")
    cvb = breakdown(cv_recs, "cv_estimate")
    print_confusion("cross-validated (out-of-fold estimates), all documents", cvb["all"])
    print_breakdown(cvb)
    ins_pred = {r["id"]: float(p) for r, p in zip(fitset, predict(beta, X))}
    ins_pred.update({r["id"]: 1.0 for r in empty})
    insb = breakdown(with_estimate(all_recs, ins_pred, "fit_estimate"), "fit_estimate")
    print_confusion("in-sample (final coefficients on all documents)", insb["all"])

    # Operating points: moving the intercept trades false passes against false fails.
    ops = []
    print("\noperating points (intercept moved by d from the chosen b0; cross-validated, seed 0):")
    print(f"  {'d':>6s} {'agree':>7s} {'false pass':>10s} {'false fail':>10s}")
    for d in (-0.6, -0.4, -0.2, 0.0, 0.2, 0.4):
        cvd = {rid: (v if v >= 1.0 else float(np.clip((v + EPS) * math.exp(d) - EPS, 0, 1)))
               for rid, v in cv_pred.items()}
        c = confusion([(r["metrics"]["ocr.cer"], cvd[r["id"]]) for r in all_recs])
        ops.append({"delta": d, "agreement": c["agreement"], "false_pass": c["false_pass"], "false_fail": c["false_fail"]})
        print(f"  {d:+6.1f} {c['agreement'] * 100:6.1f}% {c['false_pass']:>10d} {c['false_fail']:>10d}")

    # Generalisation to real scans: fit on the renders only, test on the corpora.
    renders = [r for r in fitset if r["subset"] == "renders"]
    corp = [r for r in all_recs if r["subset"] == "corpora"]
    _, b_r, _ = fit(renders, feats)
    tr = {r["id"]: (float(predict(b_r, design([r], feats))[0]) if r["metrics"]["text.chars"] > 0 else 1.0)
          for r in corp}
    transfer = confusion([(r["metrics"]["ocr.cer"], tr[r["id"]]) for r in corp])
    print_confusion("fit on renders only, tested on the corpora", transfer)

    snippet = cpp_snippet(feats, beta)
    print("\nC++ (stages/text_signals.cpp):\n" + snippet)
    wrong = sorted((r for r in cv_recs if (r["metrics"]["ocr.cer"] <= THRESHOLD) != (r["metrics"]["cv_estimate"] <= THRESHOLD)),
                   key=lambda r: r["metrics"]["ocr.cer"])
    print("cross-validated disagreements:")
    for r in wrong:
        m = r["metrics"]
        print(f"  {r['id']:48s} cer={m['ocr.cer']:.4f} est={m['cv_estimate']:.4f} conf={m['ocr.mean_confidence']:.1f} "
              f"low={m['ocr.low_conf_word_ratio']:.3f} dict={m['text.dictionary_word_ratio']:.3f} "
              f"garb={m['text.garbage_char_ratio']:.4f} brk={m['text.broken_word_ratio']:.4f}")
    report["fit"] = {
        "target": f"ln(min(cer,1) + {EPS})", "features": feats,
        "feature_definitions": {
            "non_dict": "1 - text.dictionary_word_ratio", "garbage": "text.garbage_char_ratio",
            "broken": "text.broken_word_ratio", "low_conf": "ocr.low_conf_word_ratio",
            "conf_gap": "(100 - ocr.mean_confidence) / 100",
            "ln_X": "ln(X + floor)", "floors": FLOORS},
        "coefficients": dict(zip(["intercept"] + feats, [float(b) for b in beta])),
        "least_squares_intercept": float(beta_raw[0]), "decision_shift": shift,
        "residual_sd": float(np.std(resid)), "n_fit": len(fitset), "n_no_text": len(empty),
        "folds": k, "cross_validated": cvb, "in_sample": insb, "renders_to_corpora": transfer,
        "candidates": cands, "operating_points": ops, "cpp": snippet,
        "cv_disagreements": [{"id": r["id"], "cer": r["metrics"]["ocr.cer"], "estimate": r["metrics"]["cv_estimate"]}
                             for r in wrong],
    }


# --- main ------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assay", default=os.environ.get("ASSAY", os.path.join(REPO, "build/assay")))
    ap.add_argument("--dataset", default=os.path.join(REPO, "bench/out/cer_calibration"))
    ap.add_argument("--run-dir", help="assay --out folder (default DATASET/run)")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--fresh", action="store_true", help="delete the run folder first (timing from scratch)")
    ap.add_argument("--no-run", action="store_true", help="read the existing store, do not run assay")
    ap.add_argument("--signals", default="assay", help="assay (default) or tesseract:DIR (development)")
    ap.add_argument("--truth", choices=["reading", "body"], default="reading",
                    help="reading (default): the CER of the whole reading, running heads included, "
                         "as the ground truth transcribes the whole page; body: the quality stage's "
                         "ocr.cer, on the document's text")
    ap.add_argument("--cer-tool", help="assay's CER tool (default: tests/cer beside the assay binary)")
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json-out")
    ap.add_argument("--min-agreement", type=float,
                    help="exit 1 if the agreement of assay's ocr.cer_estimate is below this (e.g. 0.90)")
    args = ap.parse_args()

    dataset = os.path.abspath(args.dataset)
    run_dir = os.path.abspath(args.run_dir or os.path.join(dataset, "run"))
    with open(os.path.join(dataset, "dataset.json")) as f:
        meta = json.load(f)
    entries = meta["entries"]
    report = {"dataset": dataset, "counts": meta["counts"], "skipped": meta["skipped"], "threshold": THRESHOLD}

    if args.signals == "assay":
        if not args.no_run:
            if not os.access(args.assay, os.X_OK):
                sys.exit(f"no assay binary at {args.assay} (give --assay or $ASSAY)")
            report["run"] = run_assay(args.assay, dataset, run_dir, args.j, args.fresh)
            s = report["run"]["summary"]
            print(f"assay run: {report['run']['wall_seconds']} s wall, exit {report['run']['exit_code']}, "
                  f"{s.get('documents')} documents, {s.get('pages')} pages, {s.get('pages_per_second')} pages/s",
                  file=sys.stderr)
        by_source, run_info = read_store(os.path.join(run_dir, "assay.db"))
        report["assay"] = run_info
        recs = records_from_assay(entries, by_source)
        if args.truth == "reading":
            cer_tool = args.cer_tool or os.path.join(os.path.dirname(os.path.abspath(args.assay)), "tests", "cer")
            report["truth"] = {"kind": "reading", "documents_differing_from_body_cer":
                               use_reading_cer(recs, full_readings(args.assay, run_dir), dataset, cer_tool)}
        else:
            report["truth"] = {"kind": "body"}
    elif args.signals.startswith("tesseract:"):
        recs = records_from_tesseract(entries, dataset, args.signals.split(":", 1)[1])
        report["signals_source"] = "tesseract CLI + signals.py (development stand-in, not assay)"
    else:
        sys.exit("--signals must be assay or tesseract:DIR")

    missing = [r for r in recs if not r["found"]]
    no_cer = [r for r in recs if r["found"] and "ocr.cer" not in r["metrics"]]
    no_est = [r for r in recs if "ocr.cer" in r["metrics"] and "ocr.cer_estimate" not in r["metrics"]]
    report["problems"] = {
        "not_in_store": [r["id"] for r in missing],
        "no_ocr_cer": [{"id": r["id"], "modality": r["modality"], "outcome": r["outcome"], "error": r["error"]} for r in no_cer],
        "no_cer_estimate": [r["id"] for r in no_est],
    }
    for label, items in (("not in the store", missing), ("without ocr.cer", no_cer), ("without ocr.cer_estimate", no_est)):
        if items:
            print(f"WARNING: {len(items)} documents {label}: " +
                  ", ".join(f"{r['id']} ({r['modality']}, {r['outcome']}, {r['error']})" for r in items[:8]),
                  file=sys.stderr)
    modalities = collections.Counter(r["modality"] for r in recs)
    report["modalities"] = dict(modalities)
    report["cer_distribution"] = cer_distribution(recs)
    d = report["cer_distribution"]
    print(f"documents: {len(recs)} ({meta['counts']['corpora']} corpora, {meta['counts']['renders']} renders "
          f"of {meta['counts']['source_pages']} pages); modalities {dict(modalities)}")
    for subset in ("corpora", "renders"):
        print(f"  {subset}: {d[subset]['n']} with ocr.cer, {d[subset]['pass']} at CER <= 2%, "
              f"{d[subset]['within_1pt_of_threshold']} within 1%..3%; histogram {dict(d[subset]['histogram'])}")

    if any("ocr.cer_estimate" in r["metrics"] for r in recs):
        b = breakdown(recs, "ocr.cer_estimate")
        report["current_estimate"] = b
        print_confusion("assay's ocr.cer_estimate as it is", b["all"])
        print_breakdown(b)
        report["lost_text"] = lost_text(recs, dataset)

    if args.fit:
        do_fit(recs, args.folds, report)

    report["documents"] = [{"id": r["id"], "subset": r["subset"], "group": r["group"], "dpi": r["dpi"],
                            "noise": r["noise"], "modality": r["modality"], "outcome": r["outcome"],
                            "metrics": {k: r["metrics"][k] for k in sorted(r["metrics"])}} for r in recs]
    out = args.json_out or os.path.join(dataset, "evaluation_fit.json" if args.fit else "evaluation.json")
    with open(out, "w") as f:
        json.dump(report, f, indent=1, default=float)
    print(f"\nreport: {out}")
    if args.min_agreement is not None:
        got = report.get("current_estimate", {}).get("all", {}).get("agreement")
        if got is None or got < args.min_agreement:
            print(f"FAIL: agreement {got} below {args.min_agreement}", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
