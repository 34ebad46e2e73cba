"""The host's side of a workspace folder that untrusted code also writes to.

Everything here treats the folder's contents as hostile: nothing follows a symlink, opens a
FIFO, or writes through a file the code planted. Reads go through engine.workspace_files.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from ..workspace_files import printable

OUTPUTS = "outputs"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


@dataclass
class Usage:
    """A workspace's disk use: allocated bytes, files and folders counted, and whether the count is whole."""

    bytes: int
    files: int
    complete: bool
    """False when the walk stopped early (it already found more than the limits allow)."""


def measure(workspace: Path, max_bytes: int, max_files: int) -> Usage:
    """Disk use of the workspace in allocated blocks, so a swarm of tiny files counts too.

    Walked through folder descriptors (os.fwalk), so a folder the code swaps for a link while it
    is walked cannot lead the count outside the workspace."""
    total, files = 0, 0
    for _root, dirs, names, root_fd in os.fwalk(workspace, follow_symlinks=False):
        for name in names + dirs:
            try:
                info = os.stat(name, dir_fd=root_fd, follow_symlinks=False)
            except OSError:
                continue
            total += info.st_blocks * 512
            files += 1
        if total > max_bytes or files > max_files:
            return Usage(total, files, complete=False)
    return Usage(total, files, complete=True)


def _open_folder(workspace: Path, folder: str, owner: int | None) -> int:
    """A descriptor of workspace/folder (one level, made if missing), opened without following a
    link: a link planted in its place cannot redirect a write of the app's."""
    top = os.open(workspace, _DIR_FLAGS & ~os.O_NOFOLLOW)  # the workspace itself is the app's
    if not folder:
        return top
    try:
        try:
            os.mkdir(folder, 0o755, dir_fd=top)
            if owner is not None:
                os.chown(folder, owner, owner, dir_fd=top, follow_symlinks=False)
        except FileExistsError:
            pass
        return os.open(folder, _DIR_FLAGS, dir_fd=top)
    finally:
        os.close(top)


def _write_new(folder_fd: int, name: str, data: bytes | BinaryIO, owner: int | None) -> None:
    """Create name in the folder exclusively (never through a planted link or FIFO) and write
    data (bytes, or a file to copy from)."""
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644,
                 dir_fd=folder_fd)
    with os.fdopen(fd, "wb") as handle:
        if isinstance(data, bytes):
            handle.write(data)
        else:
            shutil.copyfileobj(data, handle, 1 << 20)
        if owner is not None:
            os.fchown(handle.fileno(), owner, owner)


def _write_fresh(folder_fd: int, make_name: Callable[[], str], data: bytes | BinaryIO, owner: int | None) -> str:
    """Write data under the first free name make_name() gives (the code may take names first)."""
    for _ in range(20):
        name = make_name()
        try:
            _write_new(folder_fd, name, data, owner)
        except FileExistsError:
            continue
        return name
    raise OSError("could not find a free file name in the workspace")


def save_output(workspace: Path, stem: str, suffix: str, data: bytes, owner: int | None = None) -> str:
    """Write data as a new file in workspace/outputs/; returns its path relative to the workspace."""
    out_dir = _open_folder(workspace, OUTPUTS, owner)
    try:
        return f"{OUTPUTS}/{_write_fresh(out_dir, lambda: f'{stem}-{secrets.token_hex(3)}{suffix}', data, owner)}"
    finally:
        os.close(out_dir)


def place_file(workspace: Path, folder: str, name: str, data: bytes | BinaryIO, owner: int | None = None) -> None:
    """Put data in workspace/folder/name ("" for the top), replacing whatever the code left
    under that name (a file, a link: the link itself, never its target).

    Written to a fresh name first, then renamed over the old one: rename replaces a link, where
    opening the name for writing would write through it."""
    folder_fd = _open_folder(workspace, folder, owner)
    try:
        temporary = _write_fresh(folder_fd, lambda: f".{name}.{secrets.token_hex(4)}.part", data, owner)
        try:
            os.rename(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        except OSError as exc:
            os.unlink(temporary, dir_fd=folder_fd)
            if isinstance(exc, IsADirectoryError):
                raise IsADirectoryError(f"the workspace has a folder named {printable(name)}") from None
            raise
    finally:
        os.close(folder_fd)


def upload_files(workspace: Path, files: list[Path], owner: int | None = None) -> list[str]:
    """Copy the person's files into the workspace (over whatever the code left under the same
    name, never through it); returns their names there."""
    workspace.mkdir(parents=True, exist_ok=True)
    names = []
    for source in files:
        name = Path(source).name
        with open(source, "rb") as handle:
            place_file(workspace, "", name, handle, owner)
        names.append(name)
    return names
