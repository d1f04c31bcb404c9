"""Recorder: save a PyTorch model's layer outputs after every epoch, in the layout ``infoplane analyze`` reads."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Sequence, Union

import numpy as np

from ._analyze import AnalysisResult, analyze
from ._arrays import ArrayLike, PathLike, as_numpy, cli_array, cli_labels
from ._safetensors import write_safetensors

if TYPE_CHECKING:  # torch is imported only when a Recorder is made
    import torch

__all__ = ["Recorder"]

#: Largest epoch number: analyze reads 1 to 9 digits after ``epoch-``.
MAX_EPOCH = 999_999_999

_EPOCH_FILE = re.compile(r"^epoch-[0-9]{1,9}(\.safetensors)?$")


def _check_layer_name(name: str) -> None:
    """Reject layer names that analyze cannot read back faithfully.

    Dots (``features.0``), slashes and spaces are fine. An empty name would give a row without a
    layer, ``__metadata__`` is reserved by safetensors, and a line break would break mi.csv.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"layer names must be non-empty strings, got {name!r}")
    if name == "__metadata__":
        raise ValueError("'__metadata__' is reserved by the safetensors format; name the layer differently")
    if any(character in name for character in "\n\r\0"):
        raise ValueError(f"layer name {name!r} holds a line break or NUL; name the layer differently")


def _first_tensor(output: Any, torch: Any) -> Any:
    """The tensor of a module's output: the output itself, or the first tensor of a tuple/list/dict (e.g. an LSTM's)."""
    if isinstance(output, torch.Tensor):
        return output
    values = output.values() if isinstance(output, Mapping) else output if isinstance(output, (tuple, list)) else ()
    for value in values:
        if isinstance(value, torch.Tensor):
            return value
    raise TypeError(f"the module returned {type(output).__name__} without a tensor; record a module that returns one")


class Recorder:
    """Record the outputs of chosen layers of a PyTorch model on fixed evaluation data, once per epoch.

    Construction writes ``root/inputs.npy`` (the evaluation inputs) and ``root/labels.npy`` (their
    class labels, int64). Each :meth:`record` runs the evaluation inputs through the model and
    writes ``root/epoch-NNNN.safetensors`` with one float32 tensor [n, …] per layer, named by the
    layer: the layout ``infoplane analyze`` reads (docs/formats.md). :meth:`analyze` then estimates
    I(X;L) and I(L;Y) of every layer and epoch.

    torch is imported only here, so ``import infoplane`` works without it. Files are written with
    the ``safetensors`` package when it is installed, else with a small built-in writer.

    Example::

        rec = infoplane.Recorder(model, ["features.1", "head"], inputs=x_eval, labels=y_eval, root="acts")
        for epoch in range(1, epochs + 1):
            train_one_epoch(model)
            rec.record(epoch)
        result = rec.analyze()          # result.rows, result.report

    Args:
        model: the ``torch.nn.Module``.
        modules: the layers to record: names from ``model.named_modules()`` (e.g. ``["features.0",
            "fc"]``; the name is the layer's name in the files and in mi.csv), or a dict
            ``{layer name: module}``. None records the model's direct children (``named_children``).
            Names may hold dots, slashes and spaces; not line breaks, nor ``__metadata__``.
        inputs: evaluation inputs [n, …] (a tensor or array; NumPy floats are cast to the model's
            parameter dtype for the forward pass). Saved as given (float16/bfloat16 as float32).
        labels: their n integer class labels.
        root: the folder to write to (created if missing).
        batch_size: evaluation inputs per forward pass.
        device: where to run the forward passes (None: the device of the model's first parameter,
            or the CPU).

    A module that returns a tuple (an LSTM) is recorded by its first tensor. Each recorded module
    must run exactly once per forward pass, keeping the batch dimension first.
    """

    def __init__(
        self,
        model: "torch.nn.Module",
        modules: Union[Mapping[str, "torch.nn.Module"], Sequence[str], None] = None,
        *,
        inputs: ArrayLike,
        labels: ArrayLike,
        root: PathLike = "acts",
        batch_size: int = 1000,
        device: Union[str, "torch.device", None] = None,
    ) -> None:
        try:
            import torch
        except ImportError as error:
            raise ImportError("infoplane.Recorder needs PyTorch: pip install torch (or infoplane[torch])") from error
        self._torch = torch
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        if int(batch_size) < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.model = model
        self.modules: Dict[str, torch.nn.Module] = self._resolve_modules(model, modules)
        self.root = Path(root)
        self.batch_size = int(batch_size)
        self.device = torch.device(device) if device is not None else None

        saved_inputs = cli_array(inputs, "inputs")
        saved_labels = cli_labels(labels, "labels")
        if saved_inputs.shape[0] != saved_labels.shape[0]:
            raise ValueError(f"inputs has {saved_inputs.shape[0]} rows but labels has {saved_labels.shape[0]}; they must be paired")
        self.n = int(saved_inputs.shape[0])
        if self.n == 0:
            raise ValueError("inputs has no rows; pass the evaluation samples to record")
        self._inputs = self._forward_inputs(inputs)

        self.root.mkdir(parents=True, exist_ok=True)
        stale = sorted(p.name for p in self.root.iterdir() if _EPOCH_FILE.match(p.name))
        if stale:
            warnings.warn(
                f"{self.root} already holds {len(stale)} epoch(s) ({', '.join(stale[:3])}{', …' if len(stale) > 3 else ''}) "
                "from an earlier run; analyze reads them with the new ones unless you delete them or use another root",
                stacklevel=2,
            )
        np.save(self.root / "inputs.npy", saved_inputs, allow_pickle=False)
        np.save(self.root / "labels.npy", saved_labels, allow_pickle=False)

    @staticmethod
    def _resolve_modules(model: Any, modules: Any) -> Dict[str, Any]:
        """The name → module dict of the layers to record, with names checked."""
        if modules is None:
            chosen = dict(model.named_children())
        elif isinstance(modules, Mapping):
            chosen = dict(modules)
        elif isinstance(modules, str):
            raise TypeError("modules must be a list of names or a dict, not a single string; write [name]")
        else:
            named = dict(model.named_modules())
            chosen = {}
            for name in modules:
                if name not in named:
                    known = [n for n in named if n]
                    listed = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
                    raise ValueError(f"the model has no module named {name!r}; its modules are: {listed}")
                chosen[name] = named[name]
        if not chosen:
            raise ValueError("no layers to record: pass module names or a dict of modules")
        for name, module in chosen.items():
            _check_layer_name(name)
            if not callable(getattr(module, "register_forward_hook", None)):
                raise TypeError(f"layer {name!r} is {type(module).__name__}, not a torch.nn.Module")
        return chosen

    def _forward_inputs(self, inputs: ArrayLike) -> "torch.Tensor":
        """The evaluation inputs as a CPU tensor of the dtype the model computes in."""
        torch = self._torch
        if isinstance(inputs, torch.Tensor):
            return inputs.detach().cpu()
        tensor = torch.from_numpy(np.ascontiguousarray(as_numpy(inputs, "inputs")))
        parameter = next(self.model.parameters(), None)
        if tensor.is_floating_point() and parameter is not None and parameter.is_floating_point():
            tensor = tensor.to(parameter.dtype)
        return tensor

    def _device(self) -> "torch.device":
        if self.device is not None:
            return self.device
        parameter = next(self.model.parameters(), None)
        return parameter.device if parameter is not None else self._torch.device("cpu")

    def path(self, epoch: int) -> Path:
        """The file :meth:`record` writes for ``epoch``: ``root/epoch-NNNN.safetensors`` (at least 4 digits)."""
        return self.root / f"epoch-{epoch:04d}.safetensors"

    def record(self, epoch: int) -> Path:
        """Run the evaluation inputs through the model and save every recorded layer's outputs for ``epoch``.

        The model runs in eval mode under ``torch.no_grad()``; each module's train/eval mode is
        restored afterwards and the hooks are removed, also when the forward pass fails.
        Recording an epoch again replaces its file.

        Args:
            epoch: the epoch number, 0 … 999 999 999.

        Returns:
            The path of the file written.
        """
        torch = self._torch
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or not 0 <= epoch <= MAX_EPOCH:
            raise ValueError(f"epoch must be an integer from 0 to {MAX_EPOCH}, got {epoch!r}")
        epoch = int(epoch)
        outputs: Dict[str, List[torch.Tensor]] = {name: [] for name in self.modules}
        calls: Dict[str, int] = {name: 0 for name in self.modules}

        def hook_for(name: str):
            def hook(module: Any, arguments: Any, output: Any) -> None:
                tensor = _first_tensor(output, torch)
                outputs[name].append(tensor.detach().to(device="cpu", dtype=torch.float32))
                calls[name] += 1

            return hook

        modes = [(module, module.training) for module in self.model.modules()]
        handles = [module.register_forward_hook(hook_for(name)) for name, module in self.modules.items()]
        device = self._device()
        try:
            self.model.eval()
            with torch.no_grad():
                for start in range(0, self.n, self.batch_size):
                    self.model(self._inputs[start:start + self.batch_size].to(device))
        finally:
            for handle in handles:
                handle.remove()
            for module, training in modes:
                module.training = training

        batches = -(-self.n // self.batch_size)
        tensors: Dict[str, np.ndarray] = {}
        for name, parts in outputs.items():
            if calls[name] != batches:
                raise RuntimeError(
                    f"layer {name!r} ran {calls[name]} times in {batches} forward passes; record modules that run "
                    "exactly once per forward pass"
                )
            joined = torch.cat(parts) if len(parts) > 1 else parts[0]
            if joined.shape[0] != self.n:
                raise RuntimeError(
                    f"layer {name!r} gave {joined.shape[0]} rows for {self.n} inputs; its output must keep the batch dimension first"
                )
            tensors[name] = joined.contiguous().numpy()
        path = self.path(epoch)
        write_safetensors(path, tensors)
        return path

    def analyze(self, **options: Any) -> AnalysisResult:
        """Run :func:`infoplane.analyze` on ``root`` (options as there: out, estimator, x_latent_dim, …)."""
        return analyze(self.root, **options)

    def __repr__(self) -> str:
        return f"Recorder(root={str(self.root)!r}, layers={list(self.modules)}, n={self.n})"
