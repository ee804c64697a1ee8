"""The per-op table of the docs (``docs/onnx-op-table.md``) is what ``aic.testing.op_table``
renders from the importer's registry, ``onnx.defs`` and the committed conformance data."""

import json

import onnx

from aic.testing import op_table


def _data():
    with open(op_table.DATA) as f:
        return json.load(f)


def test_table_is_up_to_date():
    with open(op_table.TABLE) as f:
        committed = f.read()
    assert committed == op_table.render(_data()), (
        "docs/onnx-op-table.md is stale: python -m aic.testing.op_table render")


def test_data_covers_every_claimed_op():
    data = _data()
    assert data["onnx"] == onnx.__version__
    assert op_table.stale(data) == [], (
        "ops claimed since the data were collected: run the conformance with --json and "
        "python -m aic.testing.op_table collect --conformance RUN.json")


def test_every_op_is_listed_once_with_a_reason_where_unsupported():
    ops, supported = op_table.onnx_ops(), op_table.handlers()
    assert set(supported) <= set(ops)
    assert not set(op_table.WHY_NOT) & set(supported), "a reason for an op aic imports"
    assert set(ops) - set(supported) <= set(op_table.WHY_NOT)
    rows = [line.split(" | ")[0][2:] for line in op_table.render(_data()).splitlines()
            if line.startswith("| ") and not line.startswith(("| op ", "| ---"))]
    assert rows == sorted(ops)
