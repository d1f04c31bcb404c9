#!/usr/bin/env python3
"""The option and state cases of the hardening issue, one line each: PASS/FAIL/SKIP, exit status, message.

Every case states what it expects (mostly exit 2 with a message naming the option/file/layer/epoch concerned) and
checks it; a FAIL prints the exact command(s) to reproduce. Cases run --jobs at a time (default 2); --count N runs
every case N times (the random data of each repetition is drawn from --seed and the repetition number).

Setup (in --workdir): a tiny activations directory for analyze, a 3-epoch ib run and a 2-epoch train run, copied
for every case that damages them.

Cases that write to /dev/null run in a private mount namespace (unshare -m) with a tmpfs /dev holding fresh device
nodes, because as root an atomic write (temporary file + rename) onto /dev/null would replace the machine's
/dev/null; the case then also checks that /dev/null is still a character device. Not-writable directories
(chmod 555) are not enforced for root: those cases report SKIP as root, and are repeated as user nobody via
setpriv when it is available.

Exit status 0 if no case FAILs, 1 otherwise.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import threading
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

IB_SMALL = ("--dataset shapes --epochs 3 --train-samples 500 --test-samples 200 --eval-samples 200 --ae-epochs 1 "
            "--threads 2 --seed 3 --quiet").split()
TRAIN_SMALL = "--dataset shapes --epochs 2 --train-samples 500 --test-samples 200 --threads 2 --seed 3 --quiet".split()
VALIDATE_SMALL = "--task gaussian --samples 300 --training-samples 300 --mi 0,1 --threads 2 --quiet".split()
LAYERS = ["dense_a", "dense_b", "dense_c"]


class Outcome:
    def __init__(self, verdict, result=None, note="", commands=None):
        self.verdict = verdict          # PASS, FAIL, SKIP
        self.result = result            # the Result the verdict is about
        self.note = note
        self.commands = commands or ([common.quote(result.cmd)] if result is not None else [])


def has_any(text, needles):
    return any(n in text for n in needles)


def epoch_named(text, epoch):
    return re.search(rf"epoch[- ]?0*{epoch}\b", text, re.IGNORECASE) is not None


class Tour:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.abspath(args.bin)
        self.work = os.path.abspath(args.workdir)
        self.timeout = args.timeout
        self.root = os.geteuid() == 0
        self.setpriv = shutil.which("setpriv")
        self.unshare_ok = None

    # ---------------------------------------------------------------------------------------------- helpers

    def run(self, *argv, timeout=None, cwd=None):
        return common.run([self.bin] + [str(a) for a in argv], timeout=timeout or self.timeout, cwd=cwd or self.work)

    local = threading.local()

    def fresh(self, name):
        rep = getattr(Tour.local, "rep", 0)
        path = os.path.join(self.work, "cases", name + (f"-r{rep}" if rep else ""))
        if os.path.exists(path):
            for dirpath, dirs, _files in os.walk(path):
                for d in dirs:
                    os.chmod(os.path.join(dirpath, d), 0o755)
            os.chmod(path, 0o755)
            shutil.rmtree(path)
        os.makedirs(path)
        return path

    def copy(self, src, name):
        dst = self.fresh(name)
        shutil.rmtree(dst)
        shutil.copytree(src, dst)
        return dst

    def expect2(self, result, needles, what, extra_ok=None):
        """PASS when exit 2 and the message holds one of `needles` (a list)."""
        if result.timed_out or result.rc not in (0, 2):
            return Outcome("FAIL", result, f"expected exit 2 naming {what}; got {result.status_text()}")
        if result.rc == 0:
            if extra_ok:
                verdict, note = extra_ok(result)
                return Outcome(verdict, result, note)
            return Outcome("FAIL", result, f"expected exit 2 naming {what}; got exit 0")
        if not has_any(result.error_text(), needles):
            return Outcome("FAIL", result, f"exit 2 but the message does not name {what} ({' / '.join(needles)})")
        return Outcome("PASS", result, "")

    # ----------------------------------------------------------------------------------------------- setup

    def setup(self):
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(os.path.join(self.work, "cases"))
        os.chmod(self.work, 0o755)
        rng = np.random.default_rng(self.args.seed)
        # analyze activations: 300 samples, 3 classes, 3 epochs of 3 layers
        acts = os.path.join(self.work, "acts")
        os.makedirs(acts)
        n = 300
        labels = rng.integers(0, 3, n)
        x = rng.standard_normal((n, 10)).astype(np.float32) + labels[:, None]
        np.save(os.path.join(acts, "inputs.npy"), x)
        np.save(os.path.join(acts, "labels.npy"), labels.astype(np.int64))
        for e in (1, 2, 3):
            d = os.path.join(acts, f"epoch-{e:04d}")
            os.makedirs(d)
            for j, name in enumerate(LAYERS):
                w = rng.standard_normal((10, 6 - j)).astype(np.float32)
                np.save(os.path.join(d, f"{name}.npy"), np.tanh(x @ w) + 0.05 * rng.standard_normal((n, 6 - j)).astype(np.float32))
        self.acts = acts
        self.ibrun = os.path.join(self.work, "ibrun")
        self.trainrun = os.path.join(self.work, "trainrun")
        r1 = self.run("ib", *IB_SMALL, "--out", self.ibrun, timeout=600)
        r2 = self.run("train", *TRAIN_SMALL, "--out", self.trainrun, timeout=600)
        r3 = self.run("analyze", acts, "--out", os.path.join(self.work, "acts-out"), "--quiet", "--threads", "2")
        for what, r in [("ib run", r1), ("train run", r2), ("analyze of the activations", r3)]:
            print(f"setup: {what}: {r.status_text()} in {r.seconds:.1f} s", flush=True)
            if r.rc != 0:
                print(f"  $ {common.quote(r.cmd)}\n  {r.first_line()}")
                sys.exit("setup failed")
        with open(os.path.join(self.ibrun, "mi.csv")) as f:
            self.ib_mi = f.read()
        for d in (self.acts, self.ibrun, self.trainrun):
            for dirpath, dirs, files in os.walk(d):
                os.chmod(dirpath, 0o755)
                for name in files:
                    os.chmod(os.path.join(dirpath, name), 0o644)
        self.unshare_ok = self._probe_unshare()

    def _probe_unshare(self):
        if not (self.root and shutil.which("unshare")):
            return False
        r = common.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                        "mount -t tmpfs tmpfs /dev && mknod -m 666 /dev/null c 1 3 && test -c /dev/null"], timeout=20)
        return r.rc == 0

    def run_devnull_sandbox(self, argv):
        """Runs infoplane in a mount namespace whose /dev is a fresh tmpfs; returns (Result, /dev/null still a device)."""
        script = ("set -e; mount -t tmpfs tmpfs /dev; cd /dev; mknod -m 666 null c 1 3; mknod -m 666 zero c 1 5; "
                  "mknod -m 666 random c 1 8; mknod -m 666 urandom c 1 9; ln -s /proc/self/fd fd; "
                  "ln -s /proc/self/fd/0 stdin; ln -s /proc/self/fd/1 stdout; ln -s /proc/self/fd/2 stderr; "
                  f"cd {common.quote([self.work])}; set +e; \"$@\"; rc=$?; "
                  "if [ -c /dev/null ]; then echo DEVNULL-OK >&2; else echo DEVNULL-REPLACED >&2; ls -la /dev >&2; fi; "
                  "exit $rc")
        cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", self.bin] + [str(a) for a in argv]
        r = common.run(cmd, timeout=self.timeout)
        intact = "DEVNULL-OK" in r.stderr
        r.stderr = r.stderr.replace("DEVNULL-OK\n", "")
        return r, intact

    def run_as_nobody(self, argv):
        cmd = [self.setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", self.bin] + [str(a) for a in argv]
        return common.run(cmd, timeout=self.timeout, cwd="/")

    # ----------------------------------------------------------------------------------------------- cases

    def cases(self):
        c = []
        add = lambda name, fn: c.append((name, fn))  # noqa: E731

        # validate sizes
        for opt, val in [("--image-size", "100000"), ("--samples", "1000000000000"),
                         ("--training-samples", "1000000000000")]:
            add(f"validate {opt} {val}", lambda rep, opt=opt, val=val: self.case_validate_size(opt, val))
        # analyze epoch--002
        add("analyze with epoch--002/ beside valid epochs", self.case_analyze_bad_epoch_name)
        add("analyze with only epoch--002/", self.case_analyze_only_bad_epoch_name)
        # checkpoint metadata
        for key, value in [("adam.steps", "9223372036854775807"), ("step_in_epoch", "1000000")]:
            add(f"ib --resume, checkpoint {key} = {value}", lambda rep, k=key, v=value: self.case_ib_checkpoint(k, v))
            add(f"train --resume, checkpoint {key} = {value}",
                lambda rep, k=key, v=value: self.case_train_checkpoint(k, v))
        # --out
        for cmd in ["validate", "analyze", "ib", "train", "report"]:
            for kind in ["is a file", "under a file", "not writable (chmod 555)", "in /proc", "is /dev/null"]:
                add(f"{cmd} --out {kind}", lambda rep, cmd=cmd, kind=kind: self.case_out(cmd, kind))
        # report damaged tables
        for kind in ["empty config.json", "truncated config.json", "wrongly typed config.json", "binary mi.csv"]:
            add(f"report on {kind}", lambda rep, kind=kind: self.case_report(kind, rep))
        # estimators
        add("estimate kl --no-whiten on values around 1e200", lambda rep: self.case_huge_values(rep, 1e200))
        add("estimate kl --no-whiten on values around 1e-200", lambda rep: self.case_huge_values(rep, 1e-200))
        for est in ["kl", "wkl"]:
            add(f"estimate {est} --no-tie-breaking on duplicated rows",
                lambda rep, est=est: self.case_duplicates(est, rep))
        # ib resume with mi.csv damaged
        add("ib --resume with mi.csv deleted", lambda rep: self.case_ib_mi("deleted", 3))
        add("ib --resume with mi.csv cut mid-row in the last epoch", lambda rep: self.case_ib_mi("cut-last", 3))
        add("ib --resume with mi.csv cut mid-row in epoch 1", lambda rep: self.case_ib_mi("cut-first", 3))
        add("ib --resume with mi.csv cut at a row end inside the last epoch",
            lambda rep: self.case_ib_mi("rows-last", 3))
        add("ib --resume with mi.csv cut at a row end inside epoch 1", lambda rep: self.case_ib_mi("rows-first", 3))
        add("ib --resume --epochs 4 with mi.csv cut mid-row in the last epoch",
            lambda rep: self.case_ib_mi("cut-last", 4))
        # train
        add("train with an empty test set (--test-samples 0)", self.case_train_empty_test_shapes)
        add("train with an empty test set (npy dataset, 0 test images)", self.case_train_empty_test_npy)
        add("train --resume with a garbage metrics.csv", lambda rep: self.case_train_garbage_metrics(rep, "binary"))
        add("train --resume with a metrics.csv of wrong columns",
            lambda rep: self.case_train_garbage_metrics(rep, "columns"))
        # CSV NUL
        add("inspect on a CSV cell holding 1\\x002", lambda rep: self.case_csv_nul("inspect"))
        add("estimate on a CSV cell holding 1\\x002", lambda rep: self.case_csv_nul("estimate"))
        # scale invariance
        for est in ["kl", "wkl", "gaussian"]:
            for scale in [1e-7, 1e8]:
                add(f"estimate {est}: data × {scale:g} vs × 1 (rel. 1e-6)",
                    lambda rep, est=est, scale=scale: self.case_scale(est, scale, rep))
        # ib huge train-samples
        add("ib --train-samples 1000000000", self.case_ib_huge_train_samples)
        # tmp removal on resume
        add("ib --resume removes .NAME.UUID.tmp of killed writes (complete run)", lambda rep: self.case_tmp("tmp", 3))
        add("ib --resume removes .NAME.UUID.tmp of killed writes (run continued)", lambda rep: self.case_tmp("tmp", 4))
        add("ib --resume removes Foundation's .dat.nosync* temp of killed writes",
            lambda rep: self.case_tmp("nosync", 4))
        # analyze bad layers
        add("analyze with NaN in one layer", lambda rep: self.case_analyze_layers("nan"))
        add("analyze with an all-zero layer (measured as 0, flagged)", lambda rep: self.case_analyze_layers("zero"))
        add("analyze NaN + all-zero layers with --skip-bad-layers", lambda rep: self.case_analyze_layers("skip"))
        return c

    # validate ----------------------------------------------------------------------------------------------
    def case_validate_size(self, opt, val):
        out = self.fresh(f"validate{opt}")
        r = common.run_measured([self.bin, "validate", opt, val, "--out", os.path.join(out, "v"), "--quiet"],
                                timeout=self.timeout, cwd=self.work)
        res, rss, _ = r
        o = self.expect2(res, [opt], f"option {opt}")
        if o.verdict == "PASS" and res.seconds > 2:
            o = Outcome("FAIL", res, f"took {res.seconds:.1f} s")
        o.note = (o.note + f" [{res.seconds:.2f} s, peak RSS {rss / 1024:.0f} MB]" if rss else o.note)
        return o

    # analyze epoch names -----------------------------------------------------------------------------------
    def case_analyze_bad_epoch_name(self, rep):
        d = self.copy(self.acts, "acts-epoch--002")
        shutil.copytree(os.path.join(d, "epoch-0002"), os.path.join(d, "epoch--002"))
        r = self.run("analyze", d, "--quiet", "--threads", "2")
        if r.rc == 2:
            return self.expect2(r, ["epoch--002"], "the folder epoch--002")
        if r.rc == 0:
            epochs = self.mi_epochs(os.path.join(d, "mi.csv"))
            if epochs == [1, 2, 3]:
                return Outcome("PASS", r, "exit 0: epoch--002 ignored as docs/formats.md says (epochs 1, 2, 3 only); "
                               "the issue expected exit 2")
            return Outcome("FAIL", r, f"exit 0 but mi.csv has epochs {epochs}")
        return Outcome("FAIL", r, f"got {r.status_text()}")

    def case_analyze_only_bad_epoch_name(self, rep):
        d = self.fresh("acts-only-epoch--002")
        for name in ("inputs.npy", "labels.npy"):
            shutil.copy(os.path.join(self.acts, name), d)
        shutil.copytree(os.path.join(self.acts, "epoch-0002"), os.path.join(d, "epoch--002"))
        r = self.run("analyze", d, "--quiet", "--threads", "2")
        return self.expect2(r, [d, os.path.basename(d), "epoch--002", "epoch-NNNN"], "the directory / epoch folders")

    @staticmethod
    def mi_epochs(path):
        try:
            with open(path) as f:
                rows = [line.split(",") for line in f.read().splitlines()[1:] if line]
            return sorted({int(r[0]) for r in rows})
        except (OSError, ValueError):
            return None

    @staticmethod
    def mi_rows(path):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return [line.split(",") for line in f.read().splitlines()[1:] if line]
        except OSError:
            return None

    # checkpoints -------------------------------------------------------------------------------------------
    @staticmethod
    def edit_checkpoint(path, key, value):
        from safetensors import safe_open
        from safetensors.numpy import load_file, save_file
        with safe_open(path, "np") as f:
            meta = dict(f.metadata() or {})
        tensors = load_file(path)
        meta[key] = value
        save_file(tensors, path, metadata=meta)

    def case_ib_checkpoint(self, key, value):
        d = self.copy(self.ibrun, f"ib-ckpt-{key}")
        ck = sorted(os.listdir(os.path.join(d, "checkpoints")))[-1]
        path = os.path.join(d, "checkpoints", ck)
        self.edit_checkpoint(path, key, value)
        r = self.run("ib", *self.with_epochs(IB_SMALL, 4), "--out", d, "--resume")
        o = self.expect2(r, [ck], f"the checkpoint {ck} and field {key}")
        if o.verdict == "PASS" and key not in r.stderr:
            o = Outcome("FAIL", r, f"names the file but not the field {key}")
        return o

    def case_train_checkpoint(self, key, value):
        d = self.copy(self.trainrun, f"train-ckpt-{key}")
        path = os.path.join(d, "checkpoint.safetensors")
        self.edit_checkpoint(path, key, value)
        r = self.run("train", *self.with_epochs(TRAIN_SMALL, 3), "--out", d, "--resume")
        o = self.expect2(r, ["checkpoint.safetensors"], f"checkpoint.safetensors and field {key}")
        if o.verdict == "PASS" and key not in r.stderr:
            o = Outcome("FAIL", r, f"names the file but not the field {key}")
        return o

    @staticmethod
    def with_epochs(argv, epochs):
        argv = list(argv)
        i = argv.index("--epochs")
        argv[i + 1] = str(epochs)
        return argv

    # --out -------------------------------------------------------------------------------------------------
    def out_argv(self, cmd, out):
        if cmd == "validate":
            return ["validate", *VALIDATE_SMALL, "--out", out]
        if cmd == "analyze":
            return ["analyze", self.acts, "--quiet", "--threads", "2", "--out", out]
        if cmd == "ib":
            return ["ib", *IB_SMALL, "--out", out]
        if cmd == "train":
            return ["train", *TRAIN_SMALL, "--out", out]
        return ["report", self.ibrun, "--quiet", "--out", out]

    def case_out(self, cmd, kind):
        base = self.fresh(re.sub(r"[^A-Za-z0-9]+", "-", f"out-{cmd}-{kind}").strip("-"))
        a_file = os.path.join(base, "plainfile")
        with open(a_file, "w") as f:
            f.write("not a directory\n")
        leaf = "report.html" if cmd == "report" else "run"
        if kind == "is a file":
            out = a_file
        elif kind == "under a file":
            out = os.path.join(a_file, leaf)
        elif kind.startswith("not writable"):
            ro = os.path.join(base, "readonly")
            os.makedirs(ro)
            os.chmod(ro, 0o555)
            os.chmod(base, 0o755)
            out = os.path.join(ro, leaf)
            if self.root:
                if not self.setpriv:
                    return Outcome("SKIP", None, "skipped as root (permissions not enforced; no setpriv)")
                r = self.run_as_nobody(self.out_argv(cmd, out))
                o = self.expect2(r, [out, ro], f"the path {out}")
                o.note = "skipped as root; run as user nobody via setpriv: " + (o.note or "exit 2 naming the path")
                return o
        elif kind == "in /proc":
            out = "/proc/infoplane-hardening" + (".html" if cmd == "report" else "")
        else:
            out = "/dev/null"
        argv = self.out_argv(cmd, out)
        if out == "/dev/null":
            if self.root and not self.unshare_ok:
                return Outcome("SKIP", None, "skipped: as root an atomic write could replace /dev/null and no "
                               "mount namespace is available to sandbox it")
            if self.root:
                r, intact = self.run_devnull_sandbox(argv)
                r.cmd = [self.bin] + argv
                if not intact:
                    return Outcome("FAIL", r, f"{r.status_text()}: /dev/null was replaced by a regular file "
                                   "(ran in a private mount namespace; the real /dev/null is untouched)")
            else:
                r = self.run(*argv)
        else:
            r = self.run(*argv)
        if cmd == "report" and kind == "is a file":
            # report's --out is a file name: overwriting an existing file is its job.
            if r.rc == 0:
                return Outcome("PASS", r, "exit 0: report's --out names a file, overwriting it is allowed")
        return self.expect2(r, [out, "--out"], f"--out {out}")

    # report ------------------------------------------------------------------------------------------------
    def case_report(self, kind, rep):
        d = self.copy(self.ibrun, re.sub(r"[^A-Za-z0-9]+", "-", f"report-{kind}"))
        cfg = os.path.join(d, "config.json")
        rng = random.Random(f"{self.args.seed}:{rep}:{kind}")
        if kind == "empty config.json":
            open(cfg, "w").close()
            target = "config.json"
        elif kind == "truncated config.json":
            text = open(cfg).read()
            open(cfg, "w").write(text[: len(text) // 2])
            target = "config.json"
        elif kind == "wrongly typed config.json":
            obj = json.load(open(cfg))
            obj["epochs"] = "three"
            obj["seed"] = [3]
            json.dump(obj, open(cfg, "w"))
            target = "config.json"
        else:
            with open(os.path.join(d, "mi.csv"), "wb") as f:
                f.write(bytes(rng.randrange(256) for _ in range(3000)))
            target = "mi.csv"
        r = self.run("report", d, "--quiet")
        return self.expect2(r, [target], target)

    # estimators --------------------------------------------------------------------------------------------
    def case_huge_values(self, rep, scale):
        d = self.fresh(f"huge-{scale:g}")
        rng = np.random.default_rng([self.args.seed, rep, 1])
        x = rng.standard_normal((500, 2)) * scale
        y = x + 0.3 * scale * rng.standard_normal((500, 2))
        np.save(os.path.join(d, "x.npy"), x)
        np.save(os.path.join(d, "y.npy"), y)
        r = self.run("estimate", os.path.join(d, "x.npy"), os.path.join(d, "y.npy"), "--estimator", "kl",
                     "--no-whiten", "--quiet")
        if r.timed_out or r.rc not in (0, 2):
            return Outcome("FAIL", r, f"got {r.status_text()}")
        if r.rc == 0:
            bad = common.nonfinite_in(r.stdout)
            if bad:
                return Outcome("FAIL", r, f"exit 0 with {bad!r} printed: {r.stdout.strip().splitlines()[0]}")
            return Outcome("PASS", r, "exit 0 with a finite estimate: " + r.stdout.strip().splitlines()[0])
        return Outcome("PASS", r, "exit 2")

    def case_duplicates(self, est, rep):
        d = self.fresh(f"dups-{est}")
        rng = np.random.default_rng([self.args.seed, rep, 2])
        base = rng.standard_normal((100, 2))
        x = np.repeat(base, 5, axis=0)
        y = np.repeat(base + 0.5 * rng.standard_normal((100, 2)), 5, axis=0)
        np.save(os.path.join(d, "x.npy"), x)
        np.save(os.path.join(d, "y.npy"), y)
        r = self.run("estimate", os.path.join(d, "x.npy"), os.path.join(d, "y.npy"), "--estimator", est,
                     "--no-tie-breaking", "--quiet")
        if r.timed_out or r.rc not in (0, 2):
            return Outcome("FAIL", r, f"got {r.status_text()}")
        if r.rc == 2:
            return Outcome("PASS", r, "exit 2")
        bad = common.nonfinite_in(r.stdout)
        if bad:
            return Outcome("FAIL", r, f"exit 0 with {bad!r}")
        if "FLAGGED" in r.stdout or "flagged" in r.stdout.lower():
            return Outcome("PASS", r, "exit 0, FLAGGED: " + r.stdout.strip().splitlines()[0])
        return Outcome("FAIL", r, "exit 0 with a silent number: " + r.stdout.strip().replace("\n", " | ")[:200])

    def case_scale(self, est, scale, rep):
        d = self.fresh(f"scale-{est}-{scale:g}")
        rng = np.random.default_rng([self.args.seed, rep, 3])
        x = rng.standard_normal((1000, 3))
        y = x[:, :2] @ np.array([[1.0, 0.3], [0.2, 1.0]]) + 0.7 * rng.standard_normal((1000, 2))
        results = {}
        cmds = []
        for s in (1.0, scale):
            np.save(os.path.join(d, f"x-{s:g}.npy"), x * s)
            np.save(os.path.join(d, f"y-{s:g}.npy"), y * s)
            r = self.run("estimate", os.path.join(d, f"x-{s:g}.npy"), os.path.join(d, f"y-{s:g}.npy"),
                         "--estimator", est, "--json", "--quiet")
            cmds.append(common.quote(r.cmd))
            if r.rc != 0:
                return Outcome("FAIL", r, f"× {s:g}: {r.status_text()}", commands=cmds)
            results[s] = (json.loads(r.stdout), r)
        m1, ms = results[1.0][0].get("mi"), results[scale][0].get("mi")
        if m1 is None or ms is None:
            return Outcome("FAIL", results[scale][1], f"mi is null: × 1 {m1}, × {scale:g} {ms}", commands=cmds)
        rel = abs(ms - m1) / max(abs(m1), 1e-300)
        note = f"× 1: {m1:.10g}, × {scale:g}: {ms:.10g}, relative difference {rel:.2e}"
        flags = (results[1.0][0].get("flags"), results[scale][0].get("flags"))
        if flags[0] != flags[1]:
            note += f"; flags differ {flags}"
        return Outcome("PASS" if rel <= 1e-6 and flags[0] == flags[1] else "FAIL", results[scale][1], note,
                       commands=cmds)

    # ib mi.csv ---------------------------------------------------------------------------------------------
    def case_ib_mi(self, kind, epochs):
        d = self.copy(self.ibrun, f"ib-mi-{kind}-{epochs}")
        mi = os.path.join(d, "mi.csv")
        text = self.ib_mi
        lines = text.splitlines(keepends=True)
        if kind == "deleted":
            os.unlink(mi)
        elif kind.startswith("rows-"):
            rows = lines[1:]
            epoch = "3" if kind == "rows-last" else "1"
            first = min(i for i, ln in enumerate(rows) if ln.split(",")[0] == epoch)
            open(mi, "w").write(lines[0] + "".join(rows[:first + 2]))  # two layers of that epoch kept
        else:
            rows = lines[1:]
            target_epoch = "3" if kind == "cut-last" else "1"
            idx = max(i for i, ln in enumerate(rows) if ln.split(",")[0] == target_epoch) if kind == "cut-last" \
                else 1
            cut_line = rows[idx]
            kept = lines[0] + "".join(rows[:idx]) + cut_line[: len(cut_line) // 2]
            open(mi, "w").write(kept)
        r = self.run("ib", *self.with_epochs(IB_SMALL, epochs), "--out", d, "--resume")
        if r.timed_out or r.rc not in (0, 2):
            return Outcome("FAIL", r, f"got {r.status_text()}")
        if r.rc == 2:
            return self.expect2(r, ["mi.csv"], "mi.csv")
        rows = self.mi_rows(mi) or []
        ref_rows = [ln.split(",") for ln in text.splitlines()[1:] if ln]
        layers = sorted({row[1] for row in ref_rows})
        have = collections.defaultdict(set)
        for row in rows:
            if len(row) > 1:
                have[row[0]].add(row[1])
        missing = [e for e in range(1, epochs + 1) if sorted(have.get(str(e), ())) != layers]
        if missing:
            return Outcome("FAIL", r, f"exit 0 but mi.csv lacks (layers of) epochs {missing}: silently dropped")
        same = open(mi).read().startswith("".join(lines)) if epochs > 3 else open(mi).read() == text
        return Outcome("PASS", r, "exit 0, mi.csv rebuilt with every epoch" +
                       ("; identical to the uninterrupted run's" if same else "; NOTE: values differ from the "
                        "uninterrupted run's"))

    # train -------------------------------------------------------------------------------------------------
    def case_train_empty_test_shapes(self, rep):
        d = self.fresh("train-empty-test")
        argv = list(TRAIN_SMALL)
        argv[argv.index("--test-samples") + 1] = "0"
        r = self.run("train", *argv, "--out", os.path.join(d, "run"))
        return self.expect2(r, ["--test-samples", "test set", "test split", "test images"], "the test set")

    def case_train_empty_test_npy(self, rep):
        d = self.fresh("train-empty-test-npy")
        rng = np.random.default_rng([self.args.seed, rep, 4])
        np.save(os.path.join(d, "train_images.npy"), rng.random((200, 28, 28), dtype=np.float32))
        np.save(os.path.join(d, "train_labels.npy"), rng.integers(0, 3, 200).astype(np.int64))
        np.save(os.path.join(d, "test_images.npy"), np.zeros((0, 28, 28), dtype=np.float32))
        np.save(os.path.join(d, "test_labels.npy"), np.zeros(0, dtype=np.int64))
        r = self.run("train", "--dataset", "npy", "--data-dir", d, "--epochs", "1", "--threads", "2", "--quiet",
                     "--out", os.path.join(d, "run"))
        o = self.expect2(r, ["test_images.npy", "test_labels.npy", d], "test_images.npy or the --data-dir")
        if o.verdict == "FAIL" and r.rc == 2 and "test images" in r.error_text():
            o = Outcome("PASS", r, "exit 2 saying '0 test images', but naming neither test_images.npy nor the "
                        "--data-dir (weak)")
        return o

    def case_train_garbage_metrics(self, rep, kind):
        d = self.copy(self.trainrun, f"train-metrics-{kind}")
        path = os.path.join(d, "metrics.csv")
        rng = random.Random(f"{self.args.seed}:{rep}:metrics")
        if kind == "binary":
            data = bytes(rng.randrange(256) for _ in range(500))
        else:
            data = b"a,b,c\n1,2,3\n2,3,4\n"
        open(path, "wb").write(data)
        r = self.run("train", *self.with_epochs(TRAIN_SMALL, 3), "--out", d, "--resume")
        return self.expect2(r, ["metrics.csv"], "metrics.csv")

    # CSV NUL -----------------------------------------------------------------------------------------------
    def case_csv_nul(self, cmd):
        d = self.fresh(f"csv-nul-{cmd}")
        path = os.path.join(d, "nul.csv")
        rows = ["a,b"] + [f"{i},{i * 2 % 7}" for i in range(40)]
        rows[5] = "1\x002,3"
        open(path, "w").write("\n".join(rows) + "\n")
        if cmd == "inspect":
            r = self.run("inspect", path, "--json")
        else:
            good = os.path.join(d, "good.npy")
            np.save(good, np.random.default_rng(0).standard_normal((40, 1)))
            r = self.run("estimate", path, good, "--quiet")
        if r.rc == 2:
            return self.expect2(r, ["nul.csv"], "nul.csv")
        if r.rc == 0 and cmd == "inspect":
            try:
                obj = json.loads(r.stdout)
                col0 = obj["arrays"][0]["columns"][0]
                note = f"exit 0: column 0 min {col0.get('min')}, count {obj['arrays'][0].get('count')}"
            except (ValueError, KeyError, IndexError):
                note = "exit 0"
            return Outcome("FAIL", r, note + " (the cell was read as a number)")
        return Outcome("FAIL", r, f"got {r.status_text()}")

    # ib huge train-samples ---------------------------------------------------------------------------------
    def case_ib_huge_train_samples(self, rep):
        d = self.fresh("ib-huge-train")
        argv = list(IB_SMALL)
        argv[argv.index("--train-samples") + 1] = "1000000000"
        res, rss, how = common.run_measured([self.bin, "ib", *argv, "--out", os.path.join(d, "run")],
                                            timeout=self.timeout, cwd=self.work)
        o = self.expect2(res, ["--train-samples"], "--train-samples")
        extra = f" [{res.seconds:.2f} s, peak RSS {rss / 1024:.0f} MB by {how}]" if rss else f" [{res.seconds:.2f} s]"
        if o.verdict == "PASS" and res.seconds > 1.0:
            o = Outcome("FAIL", res, f"took {res.seconds:.2f} s (over a second)")
        if o.verdict == "PASS" and rss and rss / 1024 > 100:
            o = Outcome("FAIL", res, f"peak RSS {rss / 1024:.0f} MB (memory grew)")
        o.note += extra
        return o

    # tmp removal -------------------------------------------------------------------------------------------
    def case_tmp(self, kind, epochs):
        d = self.copy(self.ibrun, f"ib-tmp-{kind}-{epochs}")
        if kind == "tmp":
            planted = [".mi.csv.0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0.tmp",
                       "checkpoints/.epoch-0003.safetensors.11111111-2222-3333-4444-555555555555.tmp",
                       ".x_codes.npy.AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE.tmp"]
        else:
            planted = [".dat.nosync1a2b.Qx9ZkT", ".dat.nosync7f00.a1B2c3"]
        for p in planted:
            with open(os.path.join(d, p), "wb") as f:
                f.write(b"half-written")
        r = self.run("ib", *self.with_epochs(IB_SMALL, epochs), "--out", d, "--resume")
        if r.timed_out or r.rc != 0:
            return Outcome("FAIL", r, f"resume: {r.status_text()}")
        left = [p for p in planted if os.path.exists(os.path.join(d, p))]
        if left:
            return Outcome("FAIL", r, f"exit 0 but left {left}")
        return Outcome("PASS", r, f"exit 0, removed {len(planted)} planted temporary files")

    # analyze bad layers -------------------------------------------------------------------------------------
    def case_analyze_layers(self, kind):
        d = self.copy(self.acts, f"acts-bad-{kind}")
        if kind in ("nan", "skip"):
            p = os.path.join(d, "epoch-0002", "dense_a.npy")
            a = np.load(p)
            a[17, 1] = np.nan
            np.save(p, a)
        if kind in ("zero", "skip"):
            p = os.path.join(d, "epoch-0001", "dense_b.npy")
            np.save(p, np.zeros_like(np.load(p)))
        argv = ["analyze", d, "--threads", "2"] + (["--skip-bad-layers"] if kind == "skip" else [])
        r = self.run(*argv)
        if kind == "nan":
            o = self.expect2(r, ["dense_a"], "layer dense_a")
            if o.verdict == "PASS" and not epoch_named(r.stderr, 2):
                o = Outcome("FAIL", r, "names the layer but not epoch 2")
            return o
        # A constant (all-zero) layer is not bad data: it carries no information, so both MIs are exactly 0,
        # flagged constant-layer (a deliberate choice over an error; see docs/formats.md, mi.csv flags).
        rows = self.mi_rows(os.path.join(d, "mi.csv")) or []
        if kind == "zero":
            if r.rc != 0:
                return Outcome("FAIL", r, f"expected exit 0 with the constant layer measured; got {r.status_text()}")
            row = next((row for row in rows if row[:2] == ["1", "dense_b"]), None)
            if row is None or float(row[2]) != 0 or float(row[4]) != 0 or "constant-layer" not in ",".join(row):
                return Outcome("FAIL", r, f"epoch 1 dense_b should be 0, 0 flagged constant-layer; got {row}")
            return Outcome("PASS", r, "exit 0; epoch 1 dense_b: I(X;L) = I(L;Y) = 0 flagged constant-layer")
        if r.rc != 0:
            return Outcome("FAIL", r, f"expected exit 0 with --skip-bad-layers; got {r.status_text()}")
        warned = "dense_a" in r.stderr
        got = {(row[0], row[1]) for row in rows if len(row) > 1}
        want = {(str(e), l) for e in (1, 2, 3) for l in LAYERS} - {("2", "dense_a")}
        bad_vals = [row for row in rows if any(common.nonfinite_in(v) for v in row[2:8])]
        problems = []
        if not warned:
            problems.append("no warning naming the NaN layer")
        if got != want:
            problems.append(f"rows {sorted(got ^ want)} differ from expected")
        if bad_vals:
            problems.append(f"{len(bad_vals)} rows with nan/inf")
        if problems:
            return Outcome("FAIL", r, "; ".join(problems))
        warn = next((ln for ln in r.stderr.splitlines() if "dense_" in ln), "")
        return Outcome("PASS", r, f"exit 0, {len(rows)} rows of the good layers; warning: {warn[:120]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=2, help="cases at once (default 2)")
    ap.add_argument("--count", type=int, default=1, help="run every case this many times (default 1)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generated data (default 1)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per process (default 60)")
    ap.add_argument("--bin", default=common.DEFAULT_BIN, help=f"infoplane binary (default {common.DEFAULT_BIN})")
    ap.add_argument("--workdir", default="/tmp/hardening-work/option_tour", help="scratch directory")
    ap.add_argument("--only", default="", help="run only the cases whose name contains this text")
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"no executable infoplane at {args.bin}")
    t0 = time.monotonic()
    tour = Tour(args)
    tour.setup()
    print(f"running as {'root' if tour.root else 'uid ' + str(os.geteuid())}; /dev/null cases sandboxed: "
          f"{bool(tour.unshare_ok)}; setpriv: {bool(tour.setpriv)}", flush=True)
    cases = [(n, fn) for n, fn in tour.cases() if args.only in n]
    jobs = [(n, fn, rep) for rep in range(args.count) for n, fn in cases]
    lock = threading.Lock()
    results = []

    def do(job):
        name, fn, rep = job
        Tour.local.rep = rep
        try:
            o = fn(rep)
        except Exception as e:  # a bug of this script, reported as such
            o = Outcome("FAIL", None, f"script error: {type(e).__name__}: {e}")
        with lock:
            results.append((name, rep, o))
            status = o.result.status_text() if o.result is not None else "-"
            first = o.result.first_line()[:150] if o.result is not None else ""
            label = name if args.count == 1 else f"{name} [#{rep}]"
            print(f"{o.verdict:<4}  {status:<10}  {label}  —  {first}" + (f"  ({o.note})" if o.note else ""),
                  flush=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(do, jobs))

    total = time.monotonic() - t0
    counts = collections.Counter(o.verdict for _, _, o in results)
    print("\n" + "=" * 80)
    print(f"option_tour.py  seed {args.seed}  jobs {args.jobs}  count {args.count}  wall {total:.1f} s")
    common.print_table("verdict -> count", counts)
    fails = [(n, rep, o) for n, rep, o in results if o.verdict == "FAIL"]
    if fails:
        print("\nFAILURES (case folders kept under " + os.path.join(tour.work, "cases") + ")")
        for name, rep, o in sorted(fails, key=lambda x: x[0]):
            print(f"\n## {name}" + (f" [#{rep}]" if args.count > 1 else ""))
            print(f"  {o.note}")
            if o.result is not None:
                print(f"  status: {o.result.status_text()}; stderr: {o.result.stderr.strip()[:400]}")
                if o.result.stdout.strip():
                    print(f"  stdout: {o.result.stdout.strip()[:300]}")
            for c in o.commands:
                print(f"  $ {c}")
    skips = [(n, o) for n, _, o in results if o.verdict == "SKIP"]
    for name, o in skips:
        print(f"SKIP {name}: {o.note}")
    print(f"\nwall time: {total:.1f} s")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
