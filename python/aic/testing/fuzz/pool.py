"""Running fuzz cases in a worker process, so that a crash or a hang costs one case.

The parent sends each case (pickled, length-prefixed) to ``python -m aic.testing.fuzz
--worker``; the worker answers JSON lines: ``{"stage": ...}`` before each risky step and one
``{"status": ..., "detail": ...}`` per case. A worker that dies is a ``crash`` (``ref-crash``
when it died inside onnxruntime, the reference), one silent for ``timeout_s`` a ``hang``;
either way a fresh worker takes over.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import struct
import subprocess
import sys
import time
from dataclasses import dataclass

CASE_TIMEOUT_S = 120.0


@dataclass
class Case:
    campaign: str  # onnx | cli | inputs | mlir
    name: str  # e.g. "mlp/attribute/17": seed model, mutation, case number
    payload: tuple  # onnx/cli: (model bytes,); inputs: (seed name, via, mutation, seed);
    # mlir: (MLIR text, verify?)
    description: str = ""


@dataclass
class Result:
    case: Case
    status: str
    detail: str = ""
    seconds: float = 0.0


def worker_main() -> int:
    """The worker's loop (``python -m aic.testing.fuzz --worker``)."""
    from aic.testing.fuzz.cases import first_line, run_cli, run_onnx, run_opt
    from aic.testing.fuzz.inputs import Models, run_input_case

    out = sys.stdout.buffer
    models = Models()

    def send(message: dict) -> None:
        out.write((json.dumps(message) + "\n").encode())
        out.flush()

    def stage(name: str) -> None:
        send({"stage": name})

    while True:
        header = sys.stdin.buffer.read(8)
        if len(header) < 8:
            return 0
        case: Case = pickle.loads(sys.stdin.buffer.read(struct.unpack("<Q", header)[0]))
        try:
            if case.campaign == "inputs":
                seed_name, via, mutation, seed = case.payload
                stage("compile seed")
                model, path, inputs = models.get(seed_name, via)
                status, detail = run_input_case(model, path, inputs, mutation, seed, stage)
            elif case.campaign == "cli":
                status, detail = run_cli(case.payload[0], stage)
            elif case.campaign == "mlir":
                status, detail = run_opt(*case.payload, stage)
            else:
                status, detail = run_onnx(case.payload[0], stage)
        except Exception as e:  # noqa: BLE001 - an exception that escaped aic: the finding
            status, detail = "escaped", first_line(e)
        send({"status": status, "detail": detail})


class Pool:
    def __init__(self, timeout_s: float = CASE_TIMEOUT_S):
        self.timeout_s = timeout_s
        self.proc = None
        self._buffer = b""

    def _start(self) -> None:
        env = dict(os.environ, OMP_NUM_THREADS="1", AIC_UNGUARDED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "aic.testing.fuzz", "--worker"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self._buffer = b""

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def run(self, case: Case) -> Result:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        start = time.monotonic()
        payload = pickle.dumps(case)
        self.proc.stdin.write(struct.pack("<Q", len(payload)) + payload)
        self.proc.stdin.flush()
        status, detail = self._wait(start)
        return Result(case, status, detail, time.monotonic() - start)

    def _wait(self, start: float) -> tuple[str, str]:
        stage = "start"
        while True:
            line = self._line(self.timeout_s - (time.monotonic() - start))
            if line is None:
                self.close()
                return "hang", f"no result after {self.timeout_s:.0f} s (in {stage})"
            if not line:
                code = self.proc.wait()
                self.proc = None
                kind = "ref-crash" if stage == "onnxruntime" else "crash"
                return kind, f"worker died with {code} in {stage}"
            message = json.loads(line)
            if "stage" in message:
                stage = message["stage"]
            else:
                return message["status"], message["detail"]

    def _line(self, timeout: float) -> bytes | None:
        """The worker's next line; b"" at its end, None after ``timeout`` seconds of silence."""
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b""
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line
