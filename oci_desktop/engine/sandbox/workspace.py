"""The host's side of a workspace folder that untrusted code also writes to.

Everything here treats the folder's contents as hostile: nothing follows a symlink, opens a
FIFO, or overwrites a file the code planted.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

OUTPUTS = "outputs"


@dataclass
class Usage:
    """A workspace's disk use: allocated bytes, files and folders counted, and whether the count is whole."""

    bytes: int
    files: int
    complete: bool
    """False when the walk stopped early (it already found more than the limits allow)."""


def measure(workspace: Path, max_bytes: int, max_files: int) -> Usage:
    """Disk use of the workspace in allocated blocks, so a swarm of tiny files counts too."""
    total, files = 0, 0
    for root, dirs, names in os.walk(workspace, followlinks=False):
        for name in names + dirs:
            try:
                info = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            total += info.st_blocks * 512
            files += 1
        if total > max_bytes or files > max_files:
            return Usage(total, files, complete=False)
    return Usage(total, files, complete=True)


def save_output(workspace: Path, stem: str, suffix: str, data: bytes, owner: int | None = None) -> str:
    """Write data as a new file in workspace/outputs/; returns its path relative to the workspace.

    The folder is opened without following links and the file is created exclusively, so a
    symlink or FIFO planted by the code cannot redirect a write of the app's.
    """
    flags_dir = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    top = os.open(workspace, flags_dir)
    try:
        try:
            os.mkdir(OUTPUTS, 0o755, dir_fd=top)
            if owner is not None:
                os.chown(OUTPUTS, owner, owner, dir_fd=top, follow_symlinks=False)
        except FileExistsError:
            pass
        out_dir = os.open(OUTPUTS, flags_dir, dir_fd=top)
    finally:
        os.close(top)
    try:
        for _ in range(20):
            name = f"{stem}-{secrets.token_hex(3)}{suffix}"
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=out_dir)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if owner is not None:
                    os.fchown(handle.fileno(), owner, owner)
            return f"{OUTPUTS}/{name}"
        raise OSError("could not find a free file name in outputs/")
    finally:
        os.close(out_dir)


def upload_files(workspace: Path, files: list[Path]) -> list[str]:
    """Copy the user's files into the workspace (never over a planted link); returns their names."""
    import shutil

    workspace.mkdir(parents=True, exist_ok=True)
    names = []
    for source in files:
        target = workspace / Path(source).name
        if target.is_symlink():
            target.unlink()
        shutil.copyfile(source, target, follow_symlinks=True)
        names.append(target.name)
    return names
