"""Running the network: onnxruntime on ``model.onnx`` (no torch), or torch on the weights.

Both take :class:`~perfeval.model.inputs.CandidateArrays` and give the logits as NumPy
arrays: value logits (N, classes) and link logits (N, 1 + K).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from perfeval.model.inputs import INPUT_NAMES, CandidateArrays
from perfeval.model.serialization import ModelLoadError, one_line

if TYPE_CHECKING:
    from perfeval.model.network import CandidateNetwork

THREADS_VARIABLE = "PERFEVAL_THREADS"  # intra-op threads of onnxruntime (default: its own choice)


class Runner(Protocol):
    def __call__(self, arrays: CandidateArrays) -> tuple[np.ndarray, np.ndarray]: ...


class OnnxRunner:
    """``model.onnx`` in an onnxruntime CPU session (threads: ``$PERFEVAL_THREADS``, if set)."""

    def __init__(self, file: Path) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        threads = os.environ.get(THREADS_VARIABLE)
        if threads:
            options.intra_op_num_threads = int(threads)
        options.inter_op_num_threads = 1
        # threads that wait for work sleep instead of spinning: the same speed here, a third less CPU
        # (the spinning took cores from PDF parsing and from the other processes)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = onnxruntime.InferenceSession(str(file), options, providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own exception types for unreadable graphs
            raise ModelLoadError(f"model directory {file.parent} is corrupt: {file.name} cannot be loaded ({one_line(err)}); re-save or retrain the model") from None

    def __call__(self, arrays: CandidateArrays) -> tuple[np.ndarray, np.ndarray]:
        feeds = arrays.as_dict()
        value_logits, link_logits = self.session.run(None, {name: feeds[name] for name in INPUT_NAMES})
        return value_logits, link_logits


class TorchRunner:
    """The network itself (training, or a directory without ``model.onnx``)."""

    def __init__(self, network: CandidateNetwork) -> None:
        self.network = network

    def __call__(self, arrays: CandidateArrays) -> tuple[np.ndarray, np.ndarray]:
        import torch

        device = next(self.network.parameters()).device
        feeds = arrays.as_dict()
        with torch.no_grad():
            self.network.eval()
            value_logits, link_logits = self.network(*(torch.from_numpy(feeds[name]).to(device) for name in INPUT_NAMES))
        return value_logits.cpu().numpy(), link_logits.cpu().numpy()
