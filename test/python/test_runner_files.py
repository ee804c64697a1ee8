"""``aic-run``'s input files: any truncated or corrupted .npz/.npy is an ``AicError`` naming
the file (numpy's readers raise BadZipFile, EOFError, zlib.error, TokenError, ...)."""

import io
import random

import numpy as np
import pytest
from aic import runner
from aic.errors import AicError


def _archives():
    rng = np.random.default_rng(0)
    arrays = {"x": rng.standard_normal((20, 20)).astype(np.float32), "ids": np.arange(7)}
    for save in (np.savez, np.savez_compressed):
        buf = io.BytesIO()
        save(buf, **arrays)
        yield buf.getvalue()


@pytest.mark.parametrize("mutation", ["truncate", "flip"])
def test_damaged_npz_is_an_aic_error(tmp_path, mutation):
    rng = random.Random(12)
    path = tmp_path / "in.npz"
    cases = 0
    for data in _archives():
        for _ in range(60):
            if mutation == "truncate":
                damaged = data[: rng.randrange(len(data))]
            else:
                damaged = bytearray(data)
                for _ in range(rng.randint(1, 4)):
                    damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
                damaged = bytes(damaged)
            path.write_bytes(damaged)
            try:
                runner.load_npz(str(path))
            except AicError as e:
                assert "in.npz" in str(e)
            cases += 1
    assert cases == 120


def test_damaged_npy_is_an_aic_error(tmp_path):
    buf = io.BytesIO()
    np.save(buf, np.ones((3, 3), np.float32))
    path = tmp_path / "x.npy"
    path.write_bytes(buf.getvalue()[:40])
    with pytest.raises(AicError, match="cannot read '.*x.npy'"):
        runner.load_npy(f"x={path}")
