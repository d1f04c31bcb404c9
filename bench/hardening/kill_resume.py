#!/usr/bin/env python3
"""SIGKILL an `infoplane ib` run at random moments, resume it, and compare with an uninterrupted reference.

1. Runs the small ib command uninterrupted --jobs times at once (the same load as the trials) into ref-N/
   directories: ref-0 is the reference, the others check that concurrent runs are identical, and their mean wall
   time is the span the random kills are drawn from.
2. --kills trials, --jobs at a time, each in a fresh directory:
     time   SIGKILL at a moment uniform over the reference wall time;
     tmp    SIGKILL the moment the M-th temporary file appears in the run directory (inotify, else polling every
            ms; M uniform over the temporary files a run writes). Temporary: a name containing ".tmp" (infoplane's
            .NAME.UUID.tmp) or starting ".dat.nosync" (Foundation's Data.write(options: .atomic) on Linux, which
            writes config.json, mi.csv, metrics.csv and report.html);
   then `--resume` with the same command until it exits 0. In --second-kill of the trials the first resume is
   killed too (same two modes), then resumed again.
3. The finished run must match the reference: mi.csv byte for byte, metrics.csv byte for byte except the columns
   that are wall-clock times (header names with sec/time/wall/elapsed/duration), and no temporary files (either
   kind) anywhere in the run directory. x_codes.npy, config.json and the checkpoints are compared too (reported, counted apart).

Counts: identical / differing / resume errors (with the text) / timeouts / traps. Exit status 0 if every trial
finished identical, 1 otherwise.
"""

import argparse
import collections
import concurrent.futures
import ctypes
import ctypes.util
import csv
import io
import os
import random
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

DEFAULT_ARGS = ("--dataset shapes --epochs 4 --train-samples 2000 --test-samples 500 --eval-samples 500 "
                "--ae-epochs 2 --threads 2 --seed 3 --quiet")
# Temporary files of atomic writes: infoplane's own (.NAME.UUID.tmp) and Foundation's Data.write(options: .atomic)
# on Linux (.dat.nosyncPID.XXXXXX, used for config.json, mi.csv, metrics.csv, report.html).
TEMP_NAME = re.compile(r"\.tmp|^\.dat\.nosync")


KILL_ON = {"any": TEMP_NAME, "tmp": re.compile(r"\.tmp"), "nosync": re.compile(r"^\.dat\.nosync")}
kill_pattern = TEMP_NAME  # which temporary files a 'tmp' kill waits for (--kill-on)


def is_temp(name):
    return bool(TEMP_NAME.search(name))


TIME_COLUMN = re.compile(r"sec|second|time|wall|elapsed|duration", re.IGNORECASE)

# ------------------------------------------------------------------------------------------------------ inotify

IN_CREATE, IN_MOVED_TO, IN_ISDIR = 0x100, 0x80, 0x40000000
_libc = None


def libc():
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            _libc.inotify_init1.restype = ctypes.c_int
        except OSError:
            _libc = False
    return _libc


class TmpWatcher:
    """Reports every created file whose name contains '.tmp' under a directory (inotify; polling as fallback)."""

    def __init__(self, root):
        self.root = root
        self.lib = libc()
        self.fd = -1
        self.wds = {}
        self.seen = set()
        if self.lib:
            self.fd = self.lib.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd >= 0:
            self._watch(root)

    @property
    def uses_inotify(self):
        return self.fd >= 0

    def _watch(self, path):
        wd = self.lib.inotify_add_watch(self.fd, path.encode(), IN_CREATE | IN_MOVED_TO)
        if wd >= 0:
            self.wds[wd] = path
            # Subfolders that exist already (created before the watch).
            try:
                for entry in os.scandir(path):
                    if entry.is_dir() and entry.path not in self.wds.values():
                        self._watch(entry.path)
            except OSError:
                pass

    def wait(self, timeout):
        """Names of new .tmp files (relative), waiting up to `timeout` seconds for events."""
        found = []
        if self.fd >= 0:
            r, _, _ = select.select([self.fd], [], [], timeout)
            if not r:
                return found
            try:
                buf = os.read(self.fd, 65536)
            except BlockingIOError:
                return found
            i = 0
            while i + 16 <= len(buf):
                wd, mask, _cookie, length = struct.unpack_from("iIII", buf, i)
                name = buf[i + 16:i + 16 + length].rstrip(b"\0").decode("utf-8", "replace")
                i += 16 + length
                base = self.wds.get(wd, self.root)
                path = os.path.join(base, name)
                if mask & IN_ISDIR:
                    self._watch(path)
                elif kill_pattern.search(name) and path not in self.seen:
                    self.seen.add(path)
                    found.append(os.path.relpath(path, self.root))
            return found
        time.sleep(min(timeout, 0.001))
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                path = os.path.join(dirpath, name)
                if kill_pattern.search(name) and path not in self.seen:
                    self.seen.add(path)
                    found.append(os.path.relpath(path, self.root))
        return found

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


# ------------------------------------------------------------------------------------------------------ runs


def start(cmd):
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)


def finish(proc, timeout):
    """(rc, stdout, stderr, timed_out) of a started process."""
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), True


def run_with_kill(cmd, out_dir, mode, delay, tmp_index, timeout):
    """Starts `cmd`; kills it by `mode` ('time': after `delay` s; 'tmp': at the tmp_index-th .tmp file; None: never).

    Returns a dict: killed (bool), what (description), rc, stderr, timed_out, seconds.
    """
    os.makedirs(out_dir, exist_ok=True)
    watcher = TmpWatcher(out_dir) if mode == "tmp" else None
    t0 = time.monotonic()
    proc = start(cmd)
    killed, what = False, "not killed"
    try:
        if mode == "time":
            try:
                proc.wait(timeout=delay)
                what = f"finished before the kill at {delay:.2f} s"
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                killed, what = True, f"SIGKILL at {delay:.2f} s"
        elif mode == "tmp":
            count = 0
            deadline = t0 + timeout
            while proc.poll() is None and time.monotonic() < deadline and not killed:
                for name in watcher.wait(0.05):
                    count += 1
                    if count == tmp_index and proc.poll() is None:
                        os.kill(proc.pid, signal.SIGKILL)
                        killed = True
                        what = f"SIGKILL on sight of temp #{count} {name} at {time.monotonic() - t0:.2f} s"
                        break
            if not killed:
                what = f"finished before temp #{tmp_index} (saw {count})"
    finally:
        if watcher:
            watcher.close()
    remaining = max(1.0, timeout - (time.monotonic() - t0))
    rc, out, err, timed_out = finish(proc, remaining)
    return {"killed": killed, "what": what, "rc": rc, "stdout": out, "stderr": err, "timed_out": timed_out,
            "seconds": time.monotonic() - t0}


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def metrics_without_times(data):
    if data is None:
        return None, []
    rows = list(csv.reader(io.StringIO(data.decode("utf-8", "replace"))))
    if not rows:
        return [], []
    keep = [i for i, name in enumerate(rows[0]) if not TIME_COLUMN.search(name)]
    dropped = [name for name in rows[0] if TIME_COLUMN.search(name)]
    return [[row[i] if i < len(row) else "<missing>" for i in keep] for row in rows], dropped


def first_difference(a, b):
    if a is None or b is None:
        return "missing" if a is None else "missing in reference"
    la, lb = a.decode("utf-8", "replace").splitlines(), b.decode("utf-8", "replace").splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            return f"line {i + 1}: {x[:100]!r} vs reference {y[:100]!r}"
    return f"{len(la)} lines vs reference {len(lb)}"


def compare(run_dir, ref_dir):
    """(required differences, extra differences, leftover tmp files)."""
    diffs, extras = [], []
    a, b = read(os.path.join(run_dir, "mi.csv")), read(os.path.join(ref_dir, "mi.csv"))
    if a != b:
        diffs.append(f"mi.csv differs ({first_difference(a, b)})")
    ma, _ = metrics_without_times(read(os.path.join(run_dir, "metrics.csv")))
    mb, _ = metrics_without_times(read(os.path.join(ref_dir, "metrics.csv")))
    if ma != mb:
        where = "missing" if ma is None else next(
            (f"row {i}: {x} vs reference {y}" for i, (x, y) in enumerate(zip(ma, mb)) if x != y),
            f"{len(ma)} rows vs reference {len(mb or [])}")
        diffs.append(f"metrics.csv differs outside time columns ({where})")
    leftovers = []
    for dirpath, _dirs, files in os.walk(run_dir):
        for name in files:
            if is_temp(name):
                leftovers.append(os.path.relpath(os.path.join(dirpath, name), run_dir))
    for name in ["x_codes.npy", "config.json"]:
        if read(os.path.join(run_dir, name)) != read(os.path.join(ref_dir, name)):
            extras.append(f"{name} differs")
    ck_a = sorted(os.listdir(os.path.join(run_dir, "checkpoints"))) if os.path.isdir(
        os.path.join(run_dir, "checkpoints")) else []
    ck_b = sorted(os.listdir(os.path.join(ref_dir, "checkpoints"))) if os.path.isdir(
        os.path.join(ref_dir, "checkpoints")) else []
    if ck_a != ck_b:
        extras.append(f"checkpoints/ holds {ck_a} vs reference {ck_b}")
    else:
        for name in ck_a:
            if read(os.path.join(run_dir, "checkpoints", name)) != read(os.path.join(ref_dir, "checkpoints", name)):
                extras.append(f"checkpoints/{name} differs")
    scratch = os.path.join(run_dir, "scratch")
    if os.path.isdir(scratch) and os.listdir(scratch):
        extras.append(f"scratch/ not empty: {os.listdir(scratch)[:3]}")
    return diffs, extras, leftovers


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", "--count", dest="kills", type=int, default=40, help="trials (default 40)")
    ap.add_argument("--jobs", type=int, default=2, help="trials at once (default 2)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the kill schedule (default 1)")
    ap.add_argument("--timeout", type=float, default=180, help="seconds per ib process (default 180)")
    ap.add_argument("--bin", default=common.DEFAULT_BIN, help=f"infoplane binary (default {common.DEFAULT_BIN})")
    ap.add_argument("--workdir", default="/tmp/hardening-work/kill_resume", help="where run directories go")
    ap.add_argument("--ib-args", default=DEFAULT_ARGS, help=f"ib options (default: {DEFAULT_ARGS!r})")
    ap.add_argument("--tmp-fraction", type=float, default=0.3, help="share of kills timed on a .tmp file (0.3)")
    ap.add_argument("--kill-on", choices=sorted(KILL_ON), default="any",
                    help="temporary files a 'tmp' kill waits for: any (default), tmp (infoplane's .NAME.UUID.tmp) "
                    "or nosync (Foundation's .dat.nosync*)")
    ap.add_argument("--second-kill", type=float, default=0.3, help="share of trials whose first resume is "
                    "killed too (0.3)")
    ap.add_argument("--max-resumes", type=int, default=4, help="resumes per trial before giving up (default 4)")
    ap.add_argument("--keep", action="store_true", help="keep the run directories of identical trials too")
    args = ap.parse_args()

    global kill_pattern
    kill_pattern = KILL_ON[args.kill_on]
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no executable infoplane at {binary}")
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    base_args = shlex.split(args.ib_args)
    rng = random.Random(args.seed)
    t_start = time.monotonic()

    def cmd_for(out, resume=False):
        return [binary, "ib"] + base_args + ["--out", out] + (["--resume"] if resume else [])

    # 1. references, --jobs at once
    refs = [os.path.join(work, f"ref-{i}") for i in range(max(1, args.jobs))]
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(refs)) as pool:
        ref_results = list(pool.map(lambda d: common.run(cmd_for(d), timeout=args.timeout * 3), refs))
    for d, r in zip(refs, ref_results):
        print(f"reference {os.path.basename(d)}: {r.status_text()} in {r.seconds:.1f} s", flush=True)
        if r.rc != 0:
            print(f"  $ {common.quote(r.cmd)}\n  {r.first_line()}")
            sys.exit("the uninterrupted reference run failed; nothing to compare with")
    ref = refs[0]
    ref_wall = sum(r.seconds for r in ref_results) / len(ref_results)
    ref_alike = []
    for d in refs[1:]:
        diffs, extras, left = compare(d, ref)
        ref_alike.append((d, diffs + extras + [f"leftover {x}" for x in left]))
    # How many .tmp files does a run write? Watch one more uninterrupted run (alone).
    probe_dir = os.path.join(work, "tmp-probe")
    probe = run_with_kill(cmd_for(probe_dir), probe_dir, "tmp", 0, 10 ** 9, args.timeout * 3)
    tmp_total = int(re.search(r"saw (\d+)", probe["what"]).group(1)) if "saw" in probe["what"] else 0
    print(f"reference wall time {ref_wall:.1f} s (mean of {len(refs)} concurrent runs); a run writes {tmp_total} "
          f"temporary files matching --kill-on {args.kill_on} (seen by {'inotify' if TmpWatcher(work).uses_inotify else 'polling'})", flush=True)
    _, dropped = metrics_without_times(read(os.path.join(ref, "metrics.csv")))
    print(f"metrics.csv columns left out of the comparison: {dropped}", flush=True)

    # 2. the trial plan (drawn up front so the schedule depends on --seed only)
    plan = []
    for i in range(args.kills):
        kills = []
        for _ in range(2 if rng.random() < args.second_kill else 1):
            if rng.random() < args.tmp_fraction and tmp_total > 0:
                kills.append(("tmp", 0.0, rng.randint(1, tmp_total)))
            else:
                kills.append(("time", rng.uniform(0, ref_wall), 0))
        plan.append(kills)

    lock = threading.Lock()
    outcomes = collections.Counter()
    records = []

    def trial(i):
        kills = plan[i]
        out = os.path.join(work, f"trial-{i:03d}")
        log = []
        first = True
        attempts = 0
        status, detail = None, ""
        commands = []
        for mode, delay, tmp_index in kills:
            cmd = cmd_for(out, resume=not first)
            commands.append(common.quote(cmd))
            r = run_with_kill(cmd, out, mode, delay, tmp_index, args.timeout)
            log.append(("start" if first else "resume") + f": {r['what']}")
            first = False
            if r["timed_out"]:
                status, detail = "timeout", f"{common.quote(cmd)} ran over {args.timeout:g} s"
                break
            if not r["killed"] and r["rc"] != 0:
                status = "resume error" if "--resume" in cmd else "start error"
                detail = f"exit {r['rc']}: {r['stderr'].strip()[:400]}"
                break
        while status is None:
            attempts += 1
            cmd = cmd_for(out, resume=True)
            commands.append(common.quote(cmd))
            r = common.run(cmd, timeout=args.timeout)
            log.append(f"resume: {r.status_text()} in {r.seconds:.1f} s")
            if r.timed_out:
                status, detail = "timeout", f"{common.quote(cmd)} ran over {args.timeout:g} s"
            elif r.rc == 0:
                status = "finished"
            elif r.rc < 0 or r.rc in (132, 134, 139):
                status, detail = f"resume trap ({r.status_text()})", r.stderr.strip()[:400]
            else:
                status, detail = "resume error", f"exit {r.rc}: {r.stderr.strip()[:400]}"
            if status is None and attempts >= args.max_resumes:
                status, detail = "resume error", f"not finished after {attempts} resumes"
        extras, leftovers = [], []
        if status == "finished":
            diffs, extras, leftovers = compare(out, ref)
            if diffs:
                status = "differing"
            elif leftovers:
                status = "tables identical, temporary files left"
            else:
                status = "identical"
            if leftovers:
                diffs.append(f"temporary files left: {leftovers}")
            detail = "; ".join(diffs)
        with lock:
            outcomes[status] += 1
            if extras:
                outcomes["(extra) other files differ"] += 1
            records.append((i, status, detail, log, commands, extras))
            print(f"trial {i:3d}: {status:<12} {' | '.join(log)}" + (f"  -- {detail}" if detail else ""),
                  flush=True)
        if status == "identical" and not extras and not args.keep:
            shutil.rmtree(out, ignore_errors=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(trial, range(args.kills)))

    total = time.monotonic() - t_start
    print("\n" + "=" * 80)
    print(f"kill_resume.py  seed {args.seed}  jobs {args.jobs}  kills {args.kills}  wall {total:.1f} s")
    print(f"command: {common.quote(cmd_for('DIR'))}  (+ --resume)")
    for d, problems in ref_alike:
        print(f"concurrent reference {os.path.basename(d)} vs ref-0: {'identical' if not problems else problems}")
    killed_first = sum(1 for _, _, _, log, _, _ in records if "SIGKILL" in log[0])
    killed_twice = sum(1 for _, _, _, log, _, _ in records if sum("SIGKILL" in x for x in log) >= 2)
    on_tmp = sum(1 for _, _, _, log, _, _ in records for x in log if "on sight of temp" in x)
    print(f"kills that landed: first run {killed_first}/{args.kills}, trials killed twice {killed_twice}, "
          f"kills on sight of a temporary file {on_tmp}")
    common.print_table("outcome -> count", outcomes)
    bad = [r for r in records if r[1] != "identical" or r[5]]
    if bad:
        print("\nNON-IDENTICAL TRIALS / ERRORS (run directories kept under " + work + ")")
        for i, status, detail, log, commands, extras in sorted(bad):
            print(f"\n## trial {i}: {status}")
            print(f"  what happened: {' | '.join(log)}")
            if detail:
                print(f"  detail: {detail}")
            if extras:
                print(f"  other files: {'; '.join(extras)}")
            print(f"  reference: {ref}")
            for c in commands:
                print(f"  $ {c}")
    print(f"\nwall time: {total:.1f} s")
    failures = sum(v for k, v in outcomes.items() if k not in ("identical", "(extra) other files differ"))
    failures += sum(1 for _, problems in ref_alike if problems)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
