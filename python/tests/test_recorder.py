"""Recorder + analyze round trip on a tiny PyTorch MLP."""

import json
import math
from collections import OrderedDict

import numpy as np
import pytest

import infoplane

torch = pytest.importorskip("torch", reason="Recorder needs PyTorch; install torch (run_tests.sh: INFOPLANE_PY_TORCH=1)")


def _data(n=600, features=10, classes=3, seed=0):
    generator = torch.Generator().manual_seed(seed)
    centres = 3.0 * torch.randn(classes, features, generator=generator)
    labels = torch.randint(0, classes, (n,), generator=generator)
    return centres[labels] + torch.randn(n, features, generator=generator), labels


def _model(features=10, classes=3):
    torch.manual_seed(0)
    return torch.nn.Sequential(
        OrderedDict(
            features=torch.nn.Sequential(
                torch.nn.Linear(features, 16), torch.nn.ReLU(), torch.nn.Dropout(0.1), torch.nn.Linear(16, 8), torch.nn.Tanh()
            ),
            head=torch.nn.Linear(8, classes),
        )
    )


def test_record_two_epochs_and_analyze(tmp_path):
    x_train, y_train = _data(seed=0)
    x_eval, y_eval = _data(n=500, seed=1)
    model = _model()
    layers = ["features.1", "features.4", "head"]  # dotted names from named_modules()
    recorder = infoplane.Recorder(model, layers, inputs=x_eval, labels=y_eval, root=tmp_path / "acts", batch_size=128)
    assert np.array_equal(np.load(tmp_path / "acts" / "inputs.npy"), x_eval.numpy())
    assert np.load(tmp_path / "acts" / "labels.npy").dtype == np.int64

    model.features[2].eval()  # a submodule in its own mode: restored as it was, not as the parent's
    for epoch in (1, 2):
        model.train()
        model.features[2].eval()
        for start in range(0, len(x_train), 32):
            model.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x_train[start:start + 32]), y_train[start:start + 32])
            loss.backward()
            with torch.no_grad():  # plain SGD by hand: building a torch.optim optimizer costs ~4 s of imports
                for parameter in model.parameters():
                    parameter -= 0.05 * parameter.grad
        path = recorder.record(epoch)
        assert path == tmp_path / "acts" / f"epoch-{epoch:04d}.safetensors" and path.is_file()
        assert model.training and model.features[0].training and not model.features[2].training
        assert all(not module._forward_hooks for module in model.modules())

    result = recorder.analyze(out=tmp_path / "out")

    assert len(result.rows) == 2 * len(layers)
    assert result.epochs == [1, 2]
    assert sorted(result.layers) == sorted(layers)
    for row in result.rows:
        assert all(math.isfinite(row[c]) for c in ("I_XL", "I_XL_se", "I_LY", "I_LY_se")), row
    assert result.report.is_file() and result.report.stat().st_size > 1000
    assert result.mi_csv.is_file()


def test_recorded_tensors(tmp_path):
    x_eval, y_eval = _data(n=250, seed=1)
    model = _model()
    head = model.head
    recorder = infoplane.Recorder(model, {"the head": head, "body/out": model.features}, inputs=x_eval.double().numpy(), labels=y_eval.numpy(), root=tmp_path, batch_size=100)
    path = recorder.record(7)
    assert path.name == "epoch-0007.safetensors"
    assert model.training  # record() restored train mode; compare with an eval-mode pass (no dropout)
    with torch.no_grad():
        expected = model.eval()(x_eval)
    header_length = int.from_bytes(path.read_bytes()[:8], "little")
    header = json.loads(path.read_bytes()[8:8 + header_length])
    assert header["the head"]["dtype"] == "F32" and header["the head"]["shape"] == [250, 3]
    assert header["body/out"]["shape"] == [250, 8]
    begin, end = header["the head"]["data_offsets"]
    stored = np.frombuffer(path.read_bytes()[8 + header_length + begin:8 + header_length + end], dtype="<f4").reshape(250, 3)
    assert np.allclose(stored, expected.numpy(), atol=1e-6)


def test_bad_arguments(tmp_path):
    x_eval, y_eval = _data(n=50)
    model = _model()
    with pytest.raises(ValueError, match="no module named 'nope'"):
        infoplane.Recorder(model, ["nope"], inputs=x_eval, labels=y_eval, root=tmp_path)
    with pytest.raises(ValueError, match="__metadata__"):
        infoplane.Recorder(model, {"__metadata__": model.head}, inputs=x_eval, labels=y_eval, root=tmp_path)
    with pytest.raises(ValueError, match="rows"):
        infoplane.Recorder(model, ["head"], inputs=x_eval, labels=y_eval[:49], root=tmp_path)
    recorder = infoplane.Recorder(model, ["head"], inputs=x_eval, labels=y_eval, root=tmp_path)
    with pytest.raises(ValueError, match="epoch"):
        recorder.record(-1)
    unused = infoplane.Recorder(model, {"unused": torch.nn.Linear(2, 2)}, inputs=x_eval, labels=y_eval, root=tmp_path)
    with pytest.raises(RuntimeError, match="ran 0 times"):
        unused.record(1)
