"""Finding and running the infoplane command-line tool."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import warnings
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

__all__ = ["InfoPlaneError", "InfoPlaneWarning", "binary_path"]

_EXE = "infoplane.exe" if os.name == "nt" else "infoplane"
_BUNDLED = Path(__file__).resolve().parent / "bin" / _EXE

_HOW_TO_GET_IT = (
    "install a platform wheel of infoplane that bundles the CLI (built by python/build_wheel.sh in the "
    "InfoPlane repository), put the `infoplane` executable on PATH (`swift build -c release` in the "
    "repository, then add .build/release to PATH), or set INFOPLANE_BINARY=/path/to/infoplane"
)


class InfoPlaneError(Exception):
    """The infoplane CLI failed, or could not be found or run.

    ``str(error)`` is the CLI's own message from stderr (without an ``Error:`` prefix): for bad
    input (exit status 2) it says what is wrong and how to fix it.

    Attributes:
        message: the message (the CLI's stderr, stripped).
        returncode: the CLI's exit status (2: bad input or usage; 1: an internal failure;
            negative: killed by that signal), or None when the CLI never ran.
        command: the command line that was run, or None.
        stderr: everything the CLI wrote to stderr.
    """

    def __init__(
        self,
        message: str,
        returncode: Optional[int] = None,
        command: Optional[Sequence[str]] = None,
        stderr: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.returncode = returncode
        self.command: Optional[List[str]] = list(command) if command is not None else None
        self.stderr = stderr

    def __reduce__(self):  # keep every field through pickling (multiprocessing, joblib)
        return (type(self), (self.message, self.returncode, self.command, self.stderr))

    def __repr__(self) -> str:
        return f"InfoPlaneError({self.message!r}, returncode={self.returncode!r}, command={self.command!r})"


class InfoPlaneWarning(UserWarning):
    """Something the CLI reported on stderr while succeeding (e.g. a layer left out by skip_bad_layers)."""


def _ensure_executable(path: Path) -> None:
    """Add the execute bits to ``path`` where they are missing (an unpacked wheel may lose them)."""
    if os.name == "nt" or os.access(path, os.X_OK):
        return
    try:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    except OSError as error:
        raise InfoPlaneError(
            f"the bundled infoplane CLI at {path} is not executable and could not be made so ({error}); "
            f"run `chmod +x {path}` or set INFOPLANE_BINARY"
        ) from error


def binary_path() -> str:
    """The infoplane executable that every call runs.

    Looked up in this order:

    1. the environment variable ``INFOPLANE_BINARY``, if set (it must name an existing file);
    2. the CLI bundled in this package (``infoplane/bin/infoplane``, present in platform wheels),
       made executable if it lost its execute bits;
    3. ``infoplane`` on PATH.

    Raises:
        InfoPlaneError: none of these exists; the message says how to get the CLI.
    """
    override = os.environ.get("INFOPLANE_BINARY")
    if override:
        path = Path(override).expanduser()
        if not path.is_file():
            raise InfoPlaneError(f"INFOPLANE_BINARY={override} is not a file; unset it or point it at the infoplane executable")
        return str(path)
    if _BUNDLED.is_file():
        _ensure_executable(_BUNDLED)
        return str(_BUNDLED)
    found = shutil.which("infoplane")
    if found:
        return found
    raise InfoPlaneError("no infoplane CLI found: " + _HOW_TO_GET_IT)


OptionValue = Union[None, bool, int, float, str, "os.PathLike[str]", Sequence[Union[int, float, str]]]


def options_to_arguments(options: Mapping[str, OptionValue]) -> List[str]:
    """Turn keyword options into CLI flags.

    ``name`` becomes ``--name`` with underscores as dashes (``ae_epochs=10`` → ``--ae-epochs 10``;
    ``k=5`` → ``-k 5``, the CLI's one short option). ``True`` gives the bare flag
    (``no_whiten=True`` → ``--no-whiten``), ``False`` and ``None`` leave the option out, and a list
    or tuple is joined by commas (``mi=[0, 1, 2.5]`` → ``--mi 0,1,2.5``).
    """
    arguments: List[str] = []
    for name, value in options.items():
        if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", None) == 0:
            value = value.item()  # NumPy scalars: np.True_ → True, np.int64(3) → 3
        if value is None or value is False:
            continue
        flag = "-k" if name == "k" else "--" + name.replace("_", "-")
        if value is True:
            arguments.append(flag)
        elif isinstance(value, (list, tuple)):
            arguments += [flag, ",".join(str(v) for v in value)]
        else:
            arguments += [flag, os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    return arguments


def _message(stderr: str, returncode: int) -> str:
    """The error message of a failed run: stderr without the ``Error:`` prefix."""
    text = stderr.strip()
    if text.startswith("Error: "):
        text = text[len("Error: "):]
    if returncode < 0:
        detail = f"infoplane was killed by signal {-returncode}"
        return f"{detail}: {text}" if text else detail
    return text or f"infoplane exited with status {returncode} and no message"


def run(arguments: Sequence[str], *, cwd: Optional[str] = None, stacklevel: int = 2) -> subprocess.CompletedProcess:
    """Run ``infoplane ARGUMENTS`` and return the finished process (stdout and stderr as text).

    Anything the CLI writes to stderr while succeeding is passed on as an ``InfoPlaneWarning``
    (``stacklevel`` as for ``warnings.warn`` called in ``run``: 2 is the caller of ``run``).

    Raises:
        InfoPlaneError: the CLI could not be started, or exited with a nonzero status.
    """
    command = [binary_path(), *arguments]
    try:
        finished = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    except OSError as error:
        raise InfoPlaneError(f"could not run {command[0]}: {error}", command=command) from error
    if finished.returncode != 0:
        raise InfoPlaneError(
            _message(finished.stderr, finished.returncode),
            returncode=finished.returncode,
            command=command,
            stderr=finished.stderr,
        )
    for line in finished.stderr.splitlines():
        if line.strip():
            warnings.warn(f"infoplane: {line.strip()}", InfoPlaneWarning, stacklevel=stacklevel)
    return finished


def run_json(arguments: Sequence[str], *, cwd: Optional[str] = None, stacklevel: int = 2) -> Any:
    """Run ``infoplane ARGUMENTS --json --quiet`` and return the parsed JSON it prints.

    Raises:
        InfoPlaneError: the CLI failed, or did not print one JSON value.
    """
    finished = run([*arguments, "--json", "--quiet"], cwd=cwd, stacklevel=stacklevel + 1)
    try:
        return json.loads(finished.stdout)
    except ValueError as error:
        raise InfoPlaneError(
            f"infoplane printed no valid JSON ({error}); output began {finished.stdout[:200]!r}",
            returncode=finished.returncode,
            command=finished.args,
            stderr=finished.stderr,
        ) from error


def version() -> str:
    """The version of the infoplane CLI that this package runs (``infoplane --version``), e.g. ``"0.1.0"``."""
    return run(["--version"]).stdout.strip()


def json_dict(value: Any) -> Dict[str, Any]:
    """``value`` if it is a JSON object, else an InfoPlaneError (the CLI's output format changed)."""
    if not isinstance(value, dict):
        raise InfoPlaneError(f"expected a JSON object from infoplane, got {type(value).__name__}")
    return value
