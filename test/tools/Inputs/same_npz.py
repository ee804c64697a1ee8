"""same_npz.py REF.npz OTHER.npz...: exit 1 unless every array of every OTHER matches REF."""

import sys

import numpy as np

ref = np.load(sys.argv[1])
for path in sys.argv[2:]:
    other = np.load(path)
    assert sorted(other.files) == sorted(ref.files), (path, other.files, ref.files)
    for name in ref.files:
        np.testing.assert_allclose(other[name], ref[name], rtol=1e-5, atol=1e-6, err_msg=path)
print("same")
