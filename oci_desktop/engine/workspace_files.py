"""The one way the app reads what sandboxed code left in a workspace.

The code in the sandbox can leave anything in its workspace: a link to a host file in place of a
plot, a FIFO, a folder swapped for a link, names with escape sequences, and it can swap them
while the app reads. The app reads with the person's own rights, outside the sandbox, so every
host-side read of a workspace file goes through here: each part of the path is opened relative
to the workspace's directory descriptor with O_NOFOLLOW, the opened file is then checked with
fstat (a regular file, one link, on the workspace's file system), and reads are capped. Nothing
here checks a path first and opens it afterwards. Listings use lstat and never follow a link.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MIB = 1 << 20
IMAGE_LIMIT = 64 * MIB
"""The most the app reads of one image (a plot to show or to put in an export)."""
COPY_LIMIT = 512 * MIB
"""The most the app copies out of the workspace at once: the sandbox's own per-file limit."""

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO swapped in after the lstat must not hang the app in open().
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class Refused(OSError):
    """A workspace file the app will not read; str() says which and why, in plain words."""


@dataclass(frozen=True)
class WorkspaceEntry:
    """One name in a workspace, as lstat sees it (a link is a link, never what it points to)."""

    path: str
    """Relative to the workspace, "/"-separated, exactly as on disk: show it with printable()."""
    kind: str
    """"file", "link", "folder" or "other" (a FIFO, a socket, a device)."""
    size: int
    """Bytes, for a regular file; 0 for anything else."""


def read_bytes(workspace: Path, relative: str, limit: int, action: str = "not read") -> bytes:
    """The whole content of a regular file of the workspace, at most limit bytes.

    Raises Refused (an OSError) for anything else: a link anywhere on the path, a folder, a FIFO,
    a socket, a device, a file with other hard links, a file larger than limit, a missing file;
    its message ends with action ("not shown", "not exported").
    """
    with open_regular(workspace, relative, action) as (handle, info):
        if info.st_size > limit:
            raise Refused(f"{printable(relative)} is larger than {_size(limit)}: {action}")
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while being read
        raise Refused(f"{printable(relative)} is larger than {_size(limit)}: {action}")
    return data


def copy_to(workspace: Path, relative: str, destination: Path, action: str = "not copied",
            limit: int = COPY_LIMIT) -> int:
    """Copy a regular file of the workspace to destination (a path the person chose); returns
    the bytes copied. Refused as read_bytes is; the destination is left out when refused."""
    with open_regular(workspace, relative, action) as (handle, info):
        if info.st_size > limit:
            raise Refused(f"{printable(relative)} is larger than {_size(limit)}: {action}")
        copied = 0
        with open(destination, "wb") as out:
            while chunk := handle.read(MIB):
                copied += len(chunk)
                if copied > limit:
                    out.close()
                    destination.unlink(missing_ok=True)
                    raise Refused(f"{printable(relative)} is larger than {_size(limit)}: {action}")
                out.write(chunk)
    return copied


@contextmanager
def open_regular(workspace: Path, relative: str, action: str = "not read") -> Iterator[tuple[BinaryIO, os.stat_result]]:
    """The file opened for reading and its fstat, once checked; Refused when it may not be read."""
    parts = _parts(relative, action)
    fd, top_device = _open_below(workspace, relative, parts, action)
    try:
        info = os.fstat(fd)
        why = _not_readable(info, top_device)
        if why:
            raise Refused(f"{printable(relative)} {why}: {action}")
        # Reads must block as normal now that it is known to be a regular file.
        os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle, info


def entries(workspace: Path, limit: int = 10_000) -> list[WorkspaceEntry]:
    """What the workspace holds, sorted by path, at most limit entries; folders are walked
    through their descriptors and links are listed as links, never followed."""
    found: list[WorkspaceEntry] = []
    if not os.path.isdir(workspace):
        return found
    for root, dirs, files, root_fd in os.fwalk(workspace, follow_symlinks=False):
        base = os.path.relpath(root, workspace)
        for name in sorted(dirs + files):
            try:
                info = os.stat(name, dir_fd=root_fd, follow_symlinks=False)
            except OSError:
                continue  # gone since the folder was listed
            path = name if base == "." else posixpath.join(base, name)
            found.append(WorkspaceEntry(path, _kind(info.st_mode),
                                        info.st_size if stat.S_ISREG(info.st_mode) else 0))
            if len(found) >= limit:
                return sorted(found, key=lambda e: e.path)
    return sorted(found, key=lambda e: e.path)


def printable(text: str, multiline: bool = False) -> str:
    """text with every control character made visible (\\x1b, \\u202e ...), so that what the
    sandboxed code chose (a file name, printed output) can neither drive a terminal nor reorder or
    break a line in a label. multiline keeps newlines and tabs (printed output); names keep none."""
    keep = "\n\t" if multiline else ""
    if multiline:
        text = text.replace("\r\n", "\n")
    out = []
    for char in text:
        if char in keep or not _is_control(char):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)


def _is_control(char: str) -> bool:
    # Cc: C0/C1 controls (ESC, CR, BEL ...); Cf: bidirectional marks and overrides, invisible
    # format characters; Zl/Zp: line and paragraph separators; Cs: undecodable bytes in a name.
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def _parts(relative: str, action: str) -> list[str]:
    parts = relative.split("/")
    if relative.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\0" in relative:
        raise Refused(f"{printable(relative)} is not a path inside this conversation's folder: {action}")
    return parts


def _open_below(workspace: Path, relative: str, parts: list[str], action: str) -> tuple[int, int]:
    """A descriptor of workspace/relative, every step taken without following a link, and the
    workspace's device."""
    # The workspace itself is the app's choice (the code cannot replace its own mount point).
    fd = os.open(workspace, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    top_device = os.fstat(fd).st_dev
    try:
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            try:
                # lstat first only to keep away from FIFOs and devices; the fstat after the open decides.
                before = os.stat(part, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                raise Refused(f"{printable(relative)} is no longer in this conversation's folder: {action}") from None
            if stat.S_ISLNK(before.st_mode):
                raise Refused(f"{printable(relative)} {_link_words(fd, parts[:index + 1], last)}: {action}")
            if last and not stat.S_ISREG(before.st_mode):
                raise Refused(f"{printable(relative)} is {_kind_words(before.st_mode)}, not a file: {action}")
            try:
                next_fd = os.open(part, _FILE_FLAGS if last else _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                raise Refused(f"{printable(relative)} {_open_error_words(exc)}: {action}") from None
            os.close(fd)
            fd = next_fd
        return fd, top_device
    except BaseException:
        os.close(fd)
        raise


def _not_readable(info: os.stat_result, top_device: int) -> str:
    if not stat.S_ISREG(info.st_mode):
        return f"is {_kind_words(info.st_mode)}, not a file"
    if info.st_nlink > 1:
        return "has other names (hard links) that may lie outside this conversation's folder"
    if info.st_dev != top_device:
        return "is on another file system than this conversation's folder"
    return ""


def _link_words(dir_fd: int, link: list[str], last: bool) -> str:
    """How a link reads to a person: where it points is only looked at, never followed."""
    what = "a file" if last else "a folder"
    try:
        target = os.readlink(link[-1], dir_fd=dir_fd)
    except OSError:
        target = "/"
    pointed = posixpath.normpath(posixpath.join(*link[:-1], target) if link[:-1] else target)
    outside = pointed.startswith("/") or pointed == ".." or pointed.startswith("../")
    if not last:
        return ("is reached through a link to a folder outside this conversation's folder" if outside
                else "is reached through a link (links are not followed)")
    return (f"is a link to {what} outside this conversation's folder" if outside
            else "is a link (links are not followed)")


def _open_error_words(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "became a link while it was opened"
    if exc.errno in (errno.ENOTDIR, errno.EISDIR):
        return "changed while it was opened (a folder on its path was replaced)"
    if exc.errno == errno.ENOENT:
        return "is no longer in this conversation's folder"
    return f"could not be opened ({exc.strerror})"


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "folder"
    return "other"


def _kind_words(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a link"
    return "not a regular file"


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB else f"{limit} bytes"


def copy_for_viewing(workspace: Path, relative: str) -> Path:
    """A read-only copy of a workspace file in a private temporary folder, for another program
    to open: a viewer handed the workspace path itself would follow a link the code puts there
    after this check, and could write through it. Refused as read_bytes is."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="oci-desktop-open-"))  # mode 0700
    destination = folder / posixpath.basename(relative)
    try:
        copy_to(workspace, relative, destination, "not opened")
    except BaseException:
        destination.unlink(missing_ok=True)
        folder.rmdir()
        raise
    destination.chmod(0o400)
    return destination
