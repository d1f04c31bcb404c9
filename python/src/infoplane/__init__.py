"""InfoPlane from Python: mutual information and information-plane analysis of neural networks.

A thin layer over the ``infoplane`` command-line tool: every call saves its data as ``.npy`` files
in a temporary folder, runs the CLI with ``--json`` and returns what it printed. The CLI is the one
bundled in a platform wheel, else ``$INFOPLANE_BINARY``'s or the first ``infoplane`` on PATH (see
:func:`binary_path`). All values are in nats unless said otherwise.

- :func:`estimate` — I(X;Y) of two samples (or of samples and class labels) → :class:`Estimate`.
- :func:`analyze` — I(X;L) and I(L;Y) per layer and epoch from saved activations → :class:`AnalysisResult`.
- :class:`Recorder` — saves a PyTorch model's layer outputs after every epoch for :func:`analyze`
  (needs torch; ``import infoplane`` does not).
- :func:`validate` — the CLI's check against synthetic data of known MI.
- :func:`version` — the CLI's version.

Errors of the CLI raise :class:`InfoPlaneError` with its message.
"""

from ._analyze import AnalysisResult, analyze, read_mi_csv
from ._cli import InfoPlaneError, InfoPlaneWarning, binary_path, version
from ._estimate import Estimate, estimate, validate
from ._recorder import Recorder

__version__ = "0.1.0"

__all__ = [
    "AnalysisResult",
    "Estimate",
    "InfoPlaneError",
    "InfoPlaneWarning",
    "Recorder",
    "analyze",
    "binary_path",
    "estimate",
    "read_mi_csv",
    "validate",
    "version",
    "__version__",
]

# Show the public classes as infoplane.X (in tracebacks and reprs), not as their private modules'.
for _public in (AnalysisResult, Estimate, InfoPlaneError, InfoPlaneWarning, Recorder):
    _public.__module__ = __name__
del _public
