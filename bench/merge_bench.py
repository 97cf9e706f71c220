#!/usr/bin/env python3
"""Merge time and store sizes at scale (docs/scale.md): builds SHARDS synthetic shard stores of
DOCS documents each, then times `assay merge` of them.

A synthetic shard is a real shard store (`assay run EMPTY --shard K/N` makes the schema, the
run and the completion marker) filled with copies of the documents of a TEMPLATE store made
by a real `assay run`: every row of each document (source, paths, document, transformations,
metrics, contract results, queue items and events, annotation tasks and events) is copied
under a new identity, and every stage output is made unique (its bytes changed, its hash
recomputed), so the merge copies as many bytes as real shards of that many documents would.

    bench/merge_bench.py --assay build/assay --template out/assay.db --shards 2 --docs 100000 \
        --work /tmp/merge-bench
"""

import argparse
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import time


def h(*parts):
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()


def rows(con, sql, *args):
    cur = con.execute(sql, args)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def load_template(path):
    t = sqlite3.connect(path)
    docs = []
    for d in rows(t, "SELECT * FROM documents WHERE outcome IS NOT NULL ORDER BY doc_id"):
        doc = {"documents": d, "doc_id": d["doc_id"]}
        sid = d["source_id"]
        doc["sources"] = rows(t, "SELECT * FROM sources WHERE source_id=?", sid) if sid else []
        doc["source_paths"] = rows(t, "SELECT * FROM source_paths WHERE source_id=?", sid) if sid else []
        doc["transformations"] = rows(t, "SELECT * FROM transformations WHERE doc_id=? ORDER BY "
                                         "transformation_id", d["doc_id"])
        shas = {x["delta_sha256"] for x in doc["transformations"] if x["delta_sha256"]}
        doc["outputs"] = [r for s in sorted(shas) for r in rows(t, "SELECT * FROM outputs WHERE sha256=?", s)]
        doc["metrics"] = rows(t, "SELECT * FROM metrics WHERE doc_id=?", d["doc_id"])
        doc["contract_results"] = rows(t, "SELECT * FROM contract_results WHERE doc_id=?", d["doc_id"])
        doc["queue_items"] = rows(t, "SELECT * FROM queue_items WHERE doc_id=?", d["doc_id"])
        doc["queue_events"] = [e for q in doc["queue_items"] for e in
                               rows(t, "SELECT * FROM queue_events WHERE item_id=?", q["item_id"])]
        doc["annotation_tasks"] = rows(t, "SELECT * FROM annotation_tasks WHERE doc_id=?", d["doc_id"])
        doc["annotation_events"] = [e for a in doc["annotation_tasks"] for e in
                                    rows(t, "SELECT * FROM annotation_events WHERE task_id=?", a["task_id"])]
        docs.append(doc)
    shared = {
        "contracts": rows(t, "SELECT * FROM contracts"),
        "routing_files": rows(t, "SELECT * FROM routing_files"),
    }
    t.close()
    return docs, shared


def insert(con, table, dicts):
    if not dicts:
        return
    cols = list(dicts[0])
    con.executemany(f"INSERT INTO {table}({','.join(cols)}) VALUES({','.join('?' * len(cols))})",
                    [tuple(d[c] for c in cols) for d in dicts])


def fill(db_path, k, n_docs, docs, shared):
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA synchronous=OFF")
    run_id = con.execute("SELECT MAX(run_id) FROM runs").fetchone()[0]
    for table, rs in shared.items():
        cols = list(rs[0]) if rs else []
        con.executemany(f"INSERT OR IGNORE INTO {table}({','.join(cols)}) VALUES({','.join('?' * len(cols))})",
                        [tuple(r[c] for c in cols) for r in rs])
    ids = {"transformations": 0, "queue_items": 0, "queue_events": 0, "annotation_tasks": 0,
           "annotation_events": 0}
    batch = {t: [] for t in ("sources", "source_paths", "documents", "outputs", "transformations",
                             "metrics", "contract_results", "queue_items", "queue_events",
                             "annotation_tasks", "annotation_events")}
    for i in range(n_docs):
        tpl = docs[i % len(docs)]
        tag = f"{k}:{i}"
        new = lambda s: h(s, tag) if s else s  # noqa: E731  every hash of this copy is new
        doc_id = new(tpl["doc_id"])
        for s in tpl["sources"]:
            batch["sources"].append(dict(s, source_id=new(s["source_id"])))
        for p in tpl["source_paths"]:
            batch["source_paths"].append(dict(p, source_id=new(p["source_id"]), path=f"{p['path']}.{tag}",
                                              relative_path=f"{p['relative_path']}.{tag}", last_run_id=run_id))
        d = tpl["documents"]
        batch["documents"].append(dict(d, doc_id=doc_id, source_id=new(d["source_id"]),
                                       output_sha256=new(d["output_sha256"]), run_id=run_id))
        for o in tpl["outputs"]:
            content = o["content"] if isinstance(o["content"], bytes) else o["content"].encode()
            content += f" {tag}".encode()
            batch["outputs"].append(dict(o, sha256=new(o["sha256"]), content=content, bytes=len(content)))
        tmap = {}
        for x in tpl["transformations"]:
            ids["transformations"] += 1
            tmap[x["transformation_id"]] = ids["transformations"]
        qmap = {}
        for q in tpl["queue_items"]:
            ids["queue_items"] += 1
            qmap[q["item_id"]] = ids["queue_items"]
            batch["queue_items"].append(dict(q, item_id=qmap[q["item_id"]], doc_id=doc_id, run_id=run_id))
        for e in tpl["queue_events"]:
            ids["queue_events"] += 1
            batch["queue_events"].append(dict(e, event_id=ids["queue_events"], item_id=qmap[e["item_id"]]))
        for x in tpl["transformations"]:
            batch["transformations"].append(dict(
                x, transformation_id=tmap[x["transformation_id"]], doc_id=doc_id, run_id=run_id,
                input_sha256=new(x["input_sha256"]), output_sha256=new(x["output_sha256"]),
                delta_sha256=new(x["delta_sha256"]),
                reused_from=tmap.get(x["reused_from"]) if x["reused_from"] else None,
                queue_item_id=qmap.get(x["queue_item_id"]) if x["queue_item_id"] else None))
        for m in tpl["metrics"]:
            batch["metrics"].append(dict(m, doc_id=doc_id))
        for c in tpl["contract_results"]:
            batch["contract_results"].append(dict(c, doc_id=doc_id, run_id=run_id))
        amap = {}
        for a in tpl["annotation_tasks"]:
            ids["annotation_tasks"] += 1
            amap[a["task_id"]] = ids["annotation_tasks"]
            batch["annotation_tasks"].append(dict(a, task_id=amap[a["task_id"]], doc_id=doc_id, run_id=run_id))
        for e in tpl["annotation_events"]:
            ids["annotation_events"] += 1
            batch["annotation_events"].append(dict(e, event_id=ids["annotation_events"], task_id=amap[e["task_id"]]))
        if (i + 1) % 5000 == 0 or i + 1 == n_docs:
            for table, b in batch.items():
                insert(con, table, b)
                b.clear()
            con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def size(path):
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)
               if f.startswith("assay.db"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assay", required=True)
    ap.add_argument("--template", required=True, help="assay.db of a real run")
    ap.add_argument("--shards", type=int, default=2)
    ap.add_argument("--docs", type=int, default=100000, help="documents per shard")
    ap.add_argument("--work", required=True, help="scratch folder (emptied)")
    ap.add_argument("--keep-shards", action="store_true",
                    help="reuse the shard stores of an earlier run in --work; merge again")
    a = ap.parse_args()
    if a.keep_shards:
        shutil.rmtree(os.path.join(a.work, "merged"), ignore_errors=True)
    else:
        shutil.rmtree(a.work, ignore_errors=True)
        os.makedirs(os.path.join(a.work, "empty"))
    docs, shared = load_template(a.template)
    t_pages = sum(d["documents"]["page_count"] or 0 for d in docs)
    report = {"template_documents": len(docs), "template_pages": t_pages,
              "docs_per_shard": a.docs, "shards": a.shards}
    t0 = time.monotonic()
    for k in range(a.shards if not a.keep_shards else 0):
        out = os.path.join(a.work, f"shard-{k}")
        subprocess.run([a.assay, "run", "empty", "--out", out, "--shard", f"{k}/{a.shards}", "--json"],
                       cwd=a.work, check=True, capture_output=True)
        fill(os.path.join(out, "assay.db"), k, a.docs, docs, shared)
    report["generate_seconds"] = round(time.monotonic() - t0, 1)
    report["shard_store_bytes"] = [size(os.path.join(a.work, f"shard-{k}")) for k in range(a.shards)]
    shard_dirs = [os.path.join(a.work, f"shard-{k}") for k in range(a.shards)]
    t0, c0 = time.monotonic(), cpu_children()
    r = subprocess.run([a.assay, "merge", *shard_dirs, "--into", os.path.join(a.work, "merged"), "--json"],
                       capture_output=True, text=True)
    report["merge_seconds"] = round(time.monotonic() - t0, 1)
    report["merge_cpu_seconds"] = round(cpu_children() - c0, 1)  # the machine may be shared
    report["loadavg"] = open("/proc/loadavg").read().split()[:3]
    if r.returncode != 0:
        raise SystemExit(f"merge failed ({r.returncode}): {r.stderr}")
    report["merged_documents"] = json.loads(r.stdout)["documents"]
    report["merged_store_bytes"] = size(os.path.join(a.work, "merged"))
    t0, c0 = time.monotonic(), cpu_children()
    r = subprocess.run([a.assay, "merge", *shard_dirs, "--into", os.path.join(a.work, "merged")],
                       capture_output=True, text=True)
    report["remerge_seconds"] = round(time.monotonic() - t0, 1)
    report["remerge_cpu_seconds"] = round(cpu_children() - c0, 1)
    report["pages_per_shard"] = a.docs * t_pages // len(docs)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
