"""Shared helpers of the hardening scripts: running infoplane with a timeout, classifying the outcome, tables."""

import os
import re
import shlex
import signal
import subprocess
import time

# The built CLI of this checkout (override with --bin; copy it elsewhere first if you rebuild while these run).
DEFAULT_BIN = os.environ.get(
    "INFOPLANE_BIN", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".build", "release", "infoplane"))

# A non-finite number printed as a value: nan, -nan, inf, -inf, infinity (any case), as a word of its own.
NONFINITE = re.compile(r"(?<![A-Za-z0-9_])[-+]?(nan|inf|infinity)(?![A-Za-z0-9_])", re.IGNORECASE)
# Phrases that mention NaN/Inf without printing a value (inspect's count of left-out values, messages).
BENIGN_PHRASES = [
    re.compile(r"\(NaN or Inf, left out above\)"),
    re.compile(r"NaN or Inf", re.IGNORECASE),
    re.compile(r"NaN/Inf", re.IGNORECASE),
]


def nonfinite_in(text):
    """The first non-finite number printed in `text`, or None."""
    for phrase in BENIGN_PHRASES:
        text = phrase.sub(" ", text)
    m = NONFINITE.search(text)
    return m.group(0) if m else None


def quote(cmd):
    return " ".join(shlex.quote(str(c)) for c in cmd)


class Result:
    __slots__ = ("cmd", "rc", "stdout", "stderr", "seconds", "timed_out", "signal")

    def __init__(self, cmd, rc, stdout, stderr, seconds, timed_out):
        self.cmd = cmd
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.timed_out = timed_out
        self.signal = -rc if (rc is not None and rc < 0) else None

    def first_line(self):
        """The line that says what happened: for a failure the error line (an 'Error:' line, else the last stderr
        line that is not a warning), for success the first stdout line."""
        err = [ln.strip() for ln in (self.stderr or "").splitlines() if ln.strip()]
        out = [ln.strip() for ln in (self.stdout or "").splitlines() if ln.strip()]
        if self.rc == 0 and not self.timed_out:
            return out[0] if out else (err[0] if err else "")
        for line in err:
            if line.startswith("Error:"):
                return line
        for line in reversed(err):
            if not line.lower().startswith("warning"):
                return line
        return err[0] if err else (out[0] if out else "")

    def error_text(self):
        """stderr without its warning lines."""
        return "\n".join(ln for ln in (self.stderr or "").splitlines() if not ln.strip().lower().startswith("warning"))

    def status_text(self):
        if self.timed_out:
            return "timeout"
        if self.signal:
            try:
                name = signal.Signals(self.signal).name
            except ValueError:
                name = str(self.signal)
            return f"signal {name}"
        return f"exit {self.rc}"


def run(cmd, timeout=60, cwd=None, env=None, stdin=subprocess.DEVNULL):
    """Runs `cmd` (a list) and returns a Result; the process group is killed on timeout."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=stdin, cwd=cwd, env=env,
        start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        timed_out = True
    seconds = time.monotonic() - start
    return Result(cmd, proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), seconds,
                  timed_out)


def classify(result, names=()):
    """The outcome categories of one run under the CLI's contract.

    Returns a list of category strings: exactly one of 'exit 0', 'exit 2', 'exit N (bug)', 'signal X (trap)',
    'timeout'; plus 'nan/inf printed with exit 0' and 'exit 2 message does not name the file' where they apply.
    `names`: strings of which at least one must occur in an exit-2 message.
    """
    cats = []
    if result.timed_out:
        cats.append("timeout")
        return cats
    rc = result.rc
    if rc == 0:
        cats.append("exit 0")
        if nonfinite_in(result.stdout):
            cats.append("nan/inf printed with exit 0")
    elif rc == 2:
        cats.append("exit 2")
        if not result.stderr.strip():
            cats.append("exit 2 without a message")
        elif names and not any(n in result.error_text() for n in names):
            cats.append("exit 2 message does not name the file")
    elif rc < 0:
        cats.append(f"{result.status_text()} (trap)")
    elif rc in (132, 134, 139):
        cats.append(f"exit {rc} (trap)")
    else:
        cats.append(f"exit {rc} (bug)")
    return cats


FAILURE_PREFIXES = ("timeout", "signal", "exit 1", "exit 3", "exit 4", "exit 5", "exit 6", "exit 7", "exit 8",
                    "exit 9", "nan/inf", "exit 2 message does not", "exit 2 without")


def is_failure(cat):
    if cat in ("exit 0", "exit 2"):
        return False
    return True


def print_table(title, counts, width=58):
    print(f"\n{title}")
    print("-" * (width + 10))
    for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {key:<{width}} {value:>7}")
    print("-" * (width + 10))


def template(message):
    """A message with its numbers, paths and quoted parts replaced, to group similar messages."""
    t = re.sub(r"/[^\s:,'\"()]+", "PATH", message)
    t = re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "N", t)
    t = re.sub(r"\"[^\"]*\"", "\"…\"", t)
    return t[:160]


def have_time_v():
    return os.path.exists("/usr/bin/time")


def run_measured(cmd, timeout=120, cwd=None):
    """Runs `cmd` alone and returns (Result, peak RSS in kB or None, how measured)."""
    if have_time_v():
        stats = f"/tmp/hardening-time-{os.getpid()}-{time.monotonic_ns()}.txt"
        result = run(["/usr/bin/time", "-v", "-o", stats] + list(cmd), timeout=timeout, cwd=cwd)
        result.cmd = list(cmd)
        rss = None
        try:
            with open(stats) as f:
                for line in f:
                    if "Maximum resident set size" in line:
                        rss = int(line.split(":")[1])
                    if "Command terminated by signal" in line:
                        result.rc = -int(line.split()[-1])
                        result.signal = -result.rc
            os.unlink(stats)
        except OSError:
            pass
        return result, rss, "/usr/bin/time -v"
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = run(cmd, timeout=timeout, cwd=cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result, (after if after > before else None), "getrusage(RUSAGE_CHILDREN)"
