"""The compile cache (aic.compiler.cache, aic.runtime.cached): where it lives, what its key
covers, hits and misses through ``aic.compile`` and ``aic-compile``, bypass, damaged entries,
two processes compiling the same model at once."""

import os
import subprocess
import sys
from pathlib import Path

import aic
import numpy as np
import onnx
import pytest
from aic.compiler import cache
from aic.compiler.emit import emit_artifact
from aic.testing import models

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("AIC_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def mlp_path(tmp_path):
    path = tmp_path / "mlp.onnx"
    onnx.save(models.mlp(), str(path))
    return str(path)


def _stages(model) -> list[str]:
    return [s.name for s in model.timing.root.children if s.name.startswith("stage ")]


def _run(model):
    x = np.random.default_rng(0).standard_normal((4, 64)).astype(np.float32)
    return model(x)[0]


def test_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("AIC_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == str(tmp_path / "mine")
    monkeypatch.delenv("AIC_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == str(tmp_path / "xdg" / "aic")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == str(tmp_path / "home" / ".cache" / "aic")


def test_second_compile_is_a_hit_with_the_same_results(cache_dir, mlp_path):
    first = aic.compile(mlp_path)
    assert first.library_path is None and "stage graph" in _stages(first)
    entries = sorted(p.name for p in cache_dir.iterdir())
    assert [e for e in entries if e.endswith(".o")], entries  # the JIT's object code
    second = aic.compile(mlp_path)
    assert second.library_path is not None and Path(second.library_path).parent == cache_dir
    assert _stages(second) == []  # nothing compiled
    third = aic.compile(mlp_path)  # loads the linked library directly
    np.testing.assert_array_equal(_run(first), _run(second))
    np.testing.assert_array_equal(_run(first), _run(third))


def test_saving_a_cached_model_writes_a_loadable_library(cache_dir, mlp_path, tmp_path):
    aic.compile(mlp_path)
    hit = aic.compile(mlp_path)
    assert hit.llvm_module_text is None
    saved = hit.save(str(tmp_path / "out" / "m.so"))
    assert (tmp_path / "out" / "m.h").exists() and (tmp_path / "out" / "libomp.so").exists()
    np.testing.assert_array_equal(aic.load(saved)(np.ones((4, 64), np.float32))[0],
                                  hit(np.ones((4, 64), np.float32))[0])


@pytest.mark.parametrize("change", [
    {"threads": 1},
    {"passes": {"after:graph": ["canonicalize"]}},
    {"opt_level": 2},
])
def test_another_option_is_a_miss(cache_dir, change):
    model = models.mlp()
    aic.compile(model, threads=2)
    again = aic.compile(model, **{"threads": 2, **change})
    assert again.library_path is None and "stage graph" in _stages(again)


def test_changed_model_bytes_are_a_miss(cache_dir, tmp_path):
    proto = models.mlp()
    path = tmp_path / "m.onnx"
    onnx.save(proto, str(path))
    before = cache.key(str(path), {})
    proto.graph.initializer[0].float_data[:] = []
    proto.graph.initializer[0].raw_data = np.ones(
        tuple(proto.graph.initializer[0].dims), np.float32).tobytes()
    onnx.save(proto, str(path))
    assert cache.key(str(path), {}) != before


def test_external_data_is_part_of_the_key(tmp_path):
    proto = models.mlp()
    path = tmp_path / "ext.onnx"
    onnx.save(proto, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
              location="weights.bin", size_threshold=0)
    before = cache.key(str(path), {})
    data = bytearray((tmp_path / "weights.bin").read_bytes())
    data[0] ^= 0xFF
    (tmp_path / "weights.bin").write_bytes(bytes(data))
    assert cache.key(str(path), {}) != before
    assert cache.key(str(path), {"threads": 1}) != cache.key(str(path), {"threads": 2})


def test_cache_false_bypasses(cache_dir, mlp_path):
    aic.compile(mlp_path)
    fresh = aic.compile(mlp_path, cache=False)
    assert fresh.library_path is None and "stage graph" in _stages(fresh)
    other = str(cache_dir) + "-unused"
    os.environ["AIC_CACHE_DIR"] = other
    aic.compile(mlp_path, cache=False)
    assert not os.path.exists(other)


@pytest.mark.parametrize("damage", ["truncate", "flip", "drop-record"])
def test_a_damaged_entry_is_detected_and_rebuilt(cache_dir, mlp_path, damage):
    aic.compile(mlp_path)
    (obj,) = cache_dir.glob("*.o")
    data = obj.read_bytes()
    if damage == "truncate":
        obj.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        obj.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    else:
        Path(str(obj) + ".json").unlink()
    rebuilt = aic.compile(mlp_path)
    assert rebuilt.library_path is None and "stage graph" in _stages(rebuilt)
    assert obj.read_bytes() == data  # written again, whole
    assert cache.lookup(obj.stem, ".o") is not None
    hit = aic.compile(mlp_path)
    assert hit.library_path is not None
    np.testing.assert_array_equal(_run(rebuilt), _run(hit))


def test_emit_hit_writes_the_same_bytes(cache_dir, mlp_path, tmp_path):
    first = emit_artifact(mlp_path, "lib", str(tmp_path / "a" / "m.so"))
    second = emit_artifact(mlp_path, "lib", str(tmp_path / "b" / "m.so"))
    assert (first.cached, second.cached) == (False, True)
    for name in ("m.so", "m.h", "libomp.so"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    dumped = emit_artifact(mlp_path, "lib", str(tmp_path / "c" / "m.so"),
                           dump_dir=str(tmp_path / "dump"))
    assert not dumped.cached and (tmp_path / "dump").is_dir()  # a dump needs the compile


def test_two_processes_compiling_at_once(cache_dir, mlp_path, tmp_path):
    env = dict(os.environ, AIC_UNGUARDED="1",
               PYTHONPATH=os.pathsep.join([str(ROOT / "python"), os.environ.get("PYTHONPATH", "")]))
    outs = [tmp_path / f"p{i}" / "m.so" for i in range(2)]
    procs = [subprocess.Popen([sys.executable, "-m", "aic.tools.compile", mlp_path, "-o",
                               str(out), "--quiet"], env=env, stderr=subprocess.PIPE)
             for out in outs]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()
    assert outs[0].read_bytes() == outs[1].read_bytes()
    (entry,) = [p for p in cache_dir.iterdir() if p.suffix == ".out"]
    assert cache.lookup(entry.stem, ".out").read() == outs[0].read_bytes()
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".aic-")]  # no leftovers
    hit = emit_artifact(mlp_path, "lib", str(tmp_path / "p2" / "m.so"))
    assert hit.cached and (tmp_path / "p2" / "m.so").read_bytes() == outs[0].read_bytes()


def test_an_ir_module_is_not_cached(cache_dir):
    module = aic.import_onnx(models.mlp())
    compiled = aic.compile(module)
    assert compiled.library_path is None
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


PLUGIN = '''
from aic.pass_base import Pass, register_pass


@register_pass
class CacheTestNoop(Pass):
    """Does nothing (a plugin pass for the cache key test)."""

    NAME = "aic-cachetest-noop"

    def run(self, op):
        pass
'''


def test_plugin_passes_named_in_hooks_are_part_of_the_key(mlp_path, tmp_path):
    plain = cache.key(mlp_path, {"passes": None})
    plugin = tmp_path / "cachetest_plugin.py"
    plugin.write_text(PLUGIN)
    aic.load_plugin(str(plugin))
    assert cache.key(mlp_path, {"passes": None}) == plain  # loaded but not used
    hooks = {"passes": {"after:graph": ["aic-cachetest-noop", "cse"]}}
    before = cache.key(mlp_path, hooks)
    assert before != plain
    plugin.write_text(PLUGIN + "# changed\n")
    assert cache.key(mlp_path, hooks) != before
    assert cache.key(mlp_path, {"passes": None}, plugins=[str(plugin)]) != plain
