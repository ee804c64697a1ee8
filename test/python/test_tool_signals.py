"""Signals to the tools (issue 12): SIGINT/SIGTERM stop the worker before it writes, no
worker outlives the command, and no ``.aic-*`` temporary file is left behind."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import onnx
import pytest
from aic.testing import models

SLOW_PLUGIN = Path(__file__).resolve().parents[1] / "tools" / "Inputs" / "slow_plugin.py"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _start_slow_compile(tmp_path, block=False):
    """A guarded ``aic-compile`` (parent and worker) whose worker is inside a slow pass."""
    onnx.save(models.mlp(), str(tmp_path / "mlp.onnx"))
    marker = tmp_path / "worker.pid"
    env = {k: v for k, v in os.environ.items() if k != "AIC_UNGUARDED"}
    env.update(AIC_TEST_SLOW_MARKER=str(marker), **({"AIC_TEST_SLOW_BLOCK": "1"} if block else {}))
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from aic.tools.compile import main; sys.exit(main())",
         str(tmp_path / "mlp.onnx"), "-o", str(tmp_path / "out" / "m.so"),
         "--plugin", str(SLOW_PLUGIN), "--passes", "after:graph=aic-test-slow"],
        env=env, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while not (marker.exists() and marker.read_text()):
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the worker never reached the slow pass"
        time.sleep(0.1)
    return proc, int(marker.read_text())


def _check_stopped(proc, worker, tmp_path, code, within):
    start = time.monotonic()
    rc = proc.wait(timeout=60)
    err = proc.stderr.read().decode()
    assert rc == code, err
    assert time.monotonic() - start < within
    assert not _alive(worker), "the worker outlived the command"
    assert not (tmp_path / "out").exists(), "the worker wrote its outputs"
    left = [p.name for p in tmp_path.rglob(".aic-*")]
    assert not left, left
    assert "internal" not in err and "Traceback" not in err, err


def test_sigterm_to_the_tool_alone_stops_its_worker(tmp_path):
    proc, worker = _start_slow_compile(tmp_path)
    proc.send_signal(signal.SIGTERM)
    _check_stopped(proc, worker, tmp_path, 128 + signal.SIGTERM, within=10)


def test_a_worker_that_ignores_the_signal_is_killed(tmp_path):
    from aic.driver.crash_guard import GRACE_S

    proc, worker = _start_slow_compile(tmp_path, block=True)
    proc.send_signal(signal.SIGTERM)
    _check_stopped(proc, worker, tmp_path, 128 + signal.SIGTERM, within=GRACE_S + 10)


def test_ctrl_c_to_the_process_group(tmp_path):
    """The worker gets Ctrl-C twice (from the terminal, and passed on by the tool), the
    second one late, while it cleans up or exits: it must still exit quietly."""
    proc, worker = _start_slow_compile(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)
    for _ in range(40):
        time.sleep(0.02)
        try:
            os.kill(worker, signal.SIGINT)
        except ProcessLookupError:
            break
    _check_stopped(proc, worker, tmp_path, 128 + signal.SIGINT, within=10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_sigkill_to_the_tool_stops_its_worker(tmp_path):
    """The parent cannot pass SIGKILL on; the worker gets SIGTERM from the kernel instead."""
    proc, worker = _start_slow_compile(tmp_path)
    proc.kill()
    proc.wait(timeout=60)
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker), "the worker outlived the command"
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob(".aic-*"))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_a_write_removes_the_temporary_file(tmp_path, signum):
    """The signal lands while the output's temporary file is half written: it is removed and
    the existing output is kept."""
    target = tmp_path / "model.so"
    target.write_text("old")
    script = textwrap.dedent(f"""
        import os, sys, time
        from aic.compiler import files
        from aic.driver.cli import run_tool

        def produce(tmp):
            with open(tmp, "w") as f:
                f.write("partial")
            os.kill(os.getpid(), {int(signum)})
            time.sleep(30)

        sys.exit(run_tool("compile", lambda: files.atomic({str(target)!r}, produce) or 0))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60,
                          check=False)
    assert proc.returncode == 128 + signum, proc.stderr.decode()
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.so"]
