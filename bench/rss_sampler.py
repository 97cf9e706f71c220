#!/usr/bin/env python3
"""Sample the peak resident memory of a process tree until its root exits.

Usage: rss_sampler.py ROOT_PID OUT.json [INTERVAL_S] [TIMELINE.tsv]

Every INTERVAL_S (default 0.25 s) it walks ROOT_PID's descendants through
/proc/PID/task/*/children and keeps, per process, the largest VmHWM (the kernel's own
peak-RSS counter, so a peak between two samples is not missed; only a process's last
< INTERVAL_S of life can be), and its CPU time (utime + stime) at the last sample, which
misses at most its last INTERVAL_S. Writes {"processes": [{pid, ppid, name, role,
peak_rss_kib, cpu_s}]}:
role is "worker" for `assay __worker`, "supervisor" for `assay run`, otherwise the command
name. Reads /proc only; costs ~1 ms of CPU per sample.

With TIMELINE.tsv, every sample of every worker is also a line "seconds pid VmRSS_KiB
VmHWM_KiB rchar" (rchar: bytes the worker has read so far, /proc/PID/io), so memory can be
read over the run of a long scan (docs/benchmarks.md, "One 300-page scan"). The samples are
written when the root exits.
"""
import json
import os
import resource
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def children(pid):
    kids = []
    for task in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else []:
        kids += [int(k) for k in read(f"/proc/{pid}/task/{task}/children").split()]
    return kids


def read_chars(pid):
    """Bytes the process has read so far (rchar), or -1."""
    for line in read(f"/proc/{pid}/io").decode(errors="replace").splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return -1


def main(argv):
    root, out_path = int(argv[1]), argv[2]
    interval = float(argv[3]) if len(argv) > 3 else 0.25
    timeline = open(argv[4], "w") if len(argv) > 4 else None
    start = time.monotonic()
    seen = {}
    samples = 0
    while os.path.exists(f"/proc/{root}"):
        stack, tree = [(root, 0)], []
        while stack:
            pid, parent = stack.pop()
            tree.append((pid, parent))
            try:
                stack += [(k, pid) for k in children(pid)]
            except OSError:
                pass
        for pid, parent in tree:
            status = read(f"/proc/{pid}/status").decode(errors="replace")
            hwm = rss = 0
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
            if hwm == 0:
                continue
            if pid not in seen:
                argv_ = read(f"/proc/{pid}/cmdline").split(b"\0")
                args = [a.decode(errors="replace") for a in argv_ if a]
                name = os.path.basename(args[0]) if args else "?"
                role = name
                if "__worker" in args:
                    role = "worker"
                elif name == "assay" and "run" in args:
                    role = "supervisor"
                seen[pid] = {"pid": pid, "ppid": parent, "name": name, "role": role,
                             "peak_rss_kib": 0, "cpu_s": 0.0}
            seen[pid]["peak_rss_kib"] = max(seen[pid]["peak_rss_kib"], hwm)
            stat = read(f"/proc/{pid}/stat").decode(errors="replace")
            fields = stat[stat.rfind(")") + 2:].split()
            if len(fields) > 12:
                seen[pid]["cpu_s"] = (int(fields[11]) + int(fields[12])) / TICKS
            if timeline and seen[pid]["role"] == "worker":
                timeline.write(f"{time.monotonic() - start:.2f}\t{pid}\t{rss}\t{hwm}\t"
                               f"{read_chars(pid)}\n")
        samples += 1
        time.sleep(interval)
    if timeline:
        timeline.close()
    with open(out_path, "w") as f:
        me = resource.getrusage(resource.RUSAGE_SELF)
        json.dump({"samples": samples, "interval_s": interval,
                   "sampler_cpu_s": round(me.ru_utime + me.ru_stime, 3),
                   "processes": sorted(seen.values(), key=lambda p: p["pid"])}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
