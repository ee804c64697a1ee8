"""The checked-in generated files (IRDL, README op sections) match the dialect declarations."""

from aic.dialects import generate


def test_generated_files_are_fresh():
    stale = generate.stale_files()
    assert not stale, ("stale generated files (run: python -m aic.dialects.generate): "
                       + ", ".join(str(p) for p in stale))


def test_stale_file_is_detected(tmp_path, monkeypatch):
    files = generate.expected_files()
    path = next(p for p in files if p.name.endswith(".irdl.mlir"))
    copy = tmp_path / path.name
    copy.write_text(files[path] + "// edited by hand\n")
    monkeypatch.setattr(generate, "expected_files", lambda: {copy: files[path]})
    assert generate.stale_files() == [copy]


def test_levels_doc_matches_the_stage_table():
    from aic.compiler import generate_docs

    assert generate_docs.LEVELS_DOC.read_text() == generate_docs.expected_text(), (
        "docs/levels.md is stale (run: python -m aic.compiler.generate_docs)")
