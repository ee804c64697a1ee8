"""Compile timing (aic.timing) and progress (aic.progress): MLIR's pass report read into the
span tree, the merged report, ``aic.compile(timing=True, verbose=True)``."""

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import aic
import onnx
from aic import progress, timing
from aic.testing import models

MLIR_REPORT = """\
===-------------------------------------------------------------------------===
                         ... Execution time report ...
===-------------------------------------------------------------------------===
  Total Execution Time: 0.0112 seconds

  ----User Time----  ----Wall Time----  ----Name----
    0.0003 (  2.0%)    0.0002 (  1.5%)  Canonicalizer
    0.0001 (  0.1%)    0.0001 (  0.1%)  'func.func' Pipeline
    0.0001 (  0.1%)    0.0001 (  0.1%)    CSE
    0.0000 (  0.0%)    0.0000 (  0.0%)      (A) DominanceInfo
   10.5000 ( 92.0%)   10.0103 ( 92.0%)  aic-graph-simplify
    0.0007 (  6.1%)    0.0007 (  6.1%)  Rest
   10.0112 (100.0%)   10.0112 (100.0%)  Total
"""


def test_mlir_report_is_read_as_a_tree_of_wall_times():
    spans = timing.parse_mlir_report(MLIR_REPORT)
    assert [(s.name, s.seconds) for s in spans] == [
        ("Canonicalizer", 0.0002), ("'func.func' Pipeline", 0.0001),
        ("aic-graph-simplify", 10.0103)]
    (cse,) = spans[1].children
    assert cse.name == "CSE" and [c.name for c in cse.children] == ["(A) DominanceInfo"]


def test_report_nests_spans_and_merges_repeated_steps():
    rec = timing.Recorder()
    with timing.recording(rec):
        for _ in range(2):
            with timing.span("pipeline", merge=True):
                rec.graft(timing.parse_mlir_report(MLIR_REPORT))
        with timing.span("llc"):
            pass
    pipeline, _ = rec.root.children
    assert pipeline.children[2].seconds == 2 * 10.0103  # the same passes added up
    lines = rec.report().splitlines()
    assert lines[1].strip() == "... Execution time report ..."
    names = [line.split("%)  ", 1)[1] for line in lines[6:]]
    assert names == ["pipeline", "  Canonicalizer", "  'func.func' Pipeline", "    CSE",
                     "      (A) DominanceInfo", "  aic-graph-simplify", "llc", "Rest", "Total"]
    assert rec.top(1)[0][1] == "pipeline / aic-graph-simplify"


def test_spans_are_free_without_a_recorder():
    with timing.span("nothing") as s:
        assert s is None
    timing.note("ignored")


def test_compile_with_timing_prints_and_keeps_the_report(capsys):
    compiled = aic.compile(models.mlp(), timing=True, cache=False)
    err = capsys.readouterr().err
    assert "Execution time report" in err and "  stage graph\n" in err
    assert "    aic-graph-infer-shapes\n" in err and "  jit (ExecutionEngine)\n" in err
    assert compiled.timing.report().count("stage ") == 6
    assert len(compiled.timing.top(5)) == 5


def test_verbose_compile_prints_progress_lines(capsys):
    aic.compile(models.mlp(), verbose=True, cache=False)
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith("[aic") and line.endswith("] stage graph") for line in lines)
    assert any(line.endswith("stage llvm | aic-convert-hw-to-scf") for line in lines)


def test_auto_progress_stays_silent_off_a_terminal(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    rec = timing.Recorder()
    with timing.recording(rec), progress.watch(rec, "auto") as display, \
            timing.span("stage graph"):
        pass
    assert display is None and stream.getvalue() == ""


def test_terminal_line_is_redrawn_in_place():
    stream = io.StringIO()
    display = progress.Display(stream, tty=True, delay=0.0)
    display.begin(["stage tiled"])
    display.note("aic-convert-linalg-to-tiled")
    display.close()
    text = stream.getvalue()
    assert text.startswith("\r[aic") and "\n" not in text and text.endswith("\r\x1b[K")


def test_progress_reaches_the_terminal_through_the_crash_guard(tmp_path):
    """The guarded tool's child writes the line to the parent's terminal (``AIC_PROGRESS_FD``),
    not to the stderr pipe the parent relays at the end."""
    onnx.save(models.mlp(), str(tmp_path / "mlp.onnx"))
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "AIC_UNGUARDED"}
    env.update(AIC_PROGRESS="1", AIC_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(root / "python"), env.get("PYTHONPATH", "")]))
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "aic.tools.compile", str(tmp_path / "mlp.onnx"),
                             "-o", str(tmp_path / "mlp.so")], env=env, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the terminal closed: every writer is gone
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=600) == 0
    os.close(master)
    text = b"".join(chunks).decode()
    assert "\r[aic" in text and "] stage " in text and "\x1b[K" in text  # (which stages
    # are drawn depends on the redraw rate)
    assert "wrote " in text  # the relayed stderr arrives too
