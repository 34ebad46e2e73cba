"""Download a model file from Hugging Face: progress, cancel, resume, disk check, sha256.

huggingface_hub resolves the file (endpoint, auth, redirects, the LFS sha256 in its metadata);
the bytes are fetched here into a `.part` file beside the target, because the library's own
temporary files are unique per process and so cannot resume after the app restarts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx

from ..cancel import CancelToken

CHUNK = 1 << 20
DISK_MARGIN = 200 * 2**20


class DownloadError(RuntimeError):
    """A download failed; the message says why and what to do."""


class DownloadCancelled(DownloadError):
    """The user stopped the download; the part already fetched is kept for a resume."""


@dataclass
class DownloadProgress:
    """How far a download has got: bytes done and in all, speed, and seconds left when known."""

    done: int
    total: int
    speed_bps: float
    eta_s: float | None

    def describe(self) -> str:
        """The progress in words: "12.0 of 870.0 MB (5.1 MB/s, 168 s left)"."""
        eta = f", {self.eta_s:.0f} s left" if self.eta_s is not None else ""
        return (f"{self.done / 1e6:,.1f} of {self.total / 1e6:,.1f} MB "
                f"({self.speed_bps / 1e6:.1f} MB/s{eta})")


ProgressCallback = Callable[[DownloadProgress], None]

NO_CONNECTION = "No connection to Hugging Face"
"""How a download that could not reach the hub begins its message (the app then says it is offline)."""


def part_path(target: Path) -> Path:
    """Where an unfinished download of target waits to be resumed."""
    return target.with_name(target.name + ".part")


def discard_partial(dest_dir: Path, filename: str) -> None:
    """Delete what a cancelled download of filename had fetched (a paused one keeps it)."""
    part_path(dest_dir / Path(filename).name).unlink(missing_ok=True)


def download_model(repo: str, filename: str, dest_dir: Path, progress: ProgressCallback | None = None,
                   cancel: CancelToken | None = None, endpoint: str | None = None,
                   token: str | None = None, retries: int = 5) -> Path:
    """Download a file of a Hugging Face repo into dest_dir (resumed, retried, sha256 checked); returns its path."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    size, sha256, url = _metadata(repo, filename, endpoint, token)
    target = dest_dir / Path(filename).name
    if target.exists() and target.stat().st_size == size and (sha256 is None or _sha256(target) == sha256):
        return target
    part = part_path(target)
    have = part.stat().st_size if part.exists() else 0
    if have > size:
        part.unlink()
        have = 0
    free = shutil.disk_usage(dest_dir).free
    if size - have + DISK_MARGIN > free:
        raise DownloadError(f"Not enough disk space for {filename}: it needs {(size - have) / 1e9:.2f} GB "
                            f"more and {free / 1e9:.2f} GB is free in {dest_dir}.")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    attempt = 0
    while have < size:
        try:
            have = _fetch(url, part, have, size, headers, progress, cancel)
        except (httpx.TransportError, httpx.RemoteProtocolError) as exc:
            attempt += 1
            if attempt > retries:
                raise DownloadError(f"The download of {filename} kept failing ({exc}); what was fetched is "
                                    "kept, and the next try resumes from there.") from exc
            time.sleep(min(2.0 * attempt, 10.0))
            have = part.stat().st_size if part.exists() else 0
    if sha256 is not None and _sha256(part) != sha256:
        part.unlink()
        raise DownloadError(f"{filename} arrived damaged (its sha256 does not match the one Hugging Face "
                            "lists); it was deleted. Download it again.")
    os.replace(part, target)
    return target


def _metadata(repo: str, filename: str, endpoint: str | None, token: str | None) -> tuple[int, str | None, str]:
    # Imported when a download starts: huggingface_hub is not needed to show the window.
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError, RepositoryNotFoundError

    url = hf_hub_url(repo, filename, endpoint=endpoint)
    try:
        meta = get_hf_file_metadata(url, token=token, endpoint=endpoint)
    except (EntryNotFoundError, RepositoryNotFoundError) as exc:
        raise DownloadError(f"{repo}/{filename} was not found on Hugging Face: check the repository and "
                            "file names.") from exc
    except HfHubHTTPError as exc:
        raise DownloadError(f"Hugging Face refused {repo}/{filename}: {exc}") from exc
    except Exception as exc:  # huggingface_hub's own HTTP stack (httpx2) has its own error classes
        raise DownloadError(f"{NO_CONNECTION} ({type(exc).__name__}: {exc}). Check the "
                            "network, or import a .gguf file you already have.") from exc
    if not meta.size:
        raise DownloadError(f"Hugging Face did not say how large {filename} is; cannot download it safely.")
    etag = (meta.etag or "").strip('"')
    sha256 = etag if len(etag) == 64 and all(c in "0123456789abcdef" for c in etag) else None
    return meta.size, sha256, meta.location


def _fetch(url: str, part: Path, have: int, size: int, headers: dict, progress: ProgressCallback | None,
           cancel: CancelToken | None) -> int:
    started, at_start, last_report = time.monotonic(), have, 0.0
    request_headers = {**headers, "Range": f"bytes={have}-"} if have else headers
    with httpx.stream("GET", url, headers=request_headers, follow_redirects=True,
                      timeout=httpx.Timeout(30.0, connect=10.0)) as response:
        if response.status_code not in (200, 206):
            raise DownloadError(f"The download failed: HTTP {response.status_code} from {url}.")
        if have and response.status_code == 200:  # the server ignored the range: start over
            have = at_start = 0
        try:
            with open(part, "ab" if have else "wb") as out:
                for chunk in response.iter_bytes(CHUNK):
                    if cancel is not None and cancel.cancelled:
                        raise DownloadCancelled(f"Download stopped at {have / 1e6:.1f} MB; it resumes from there.")
                    out.write(chunk)
                    have += len(chunk)
                    now = time.monotonic()
                    if progress is not None and (now - last_report > 0.1 or have >= size):
                        last_report = now
                        speed = (have - at_start) / max(now - started, 1e-6)
                        eta = (size - have) / speed if speed > 0 else None
                        progress(DownloadProgress(have, size, speed, eta))
        except OSError as exc:
            if exc.errno == 28:
                raise DownloadError("The disk filled up during the download; free some space and try "
                                    "again (it resumes).") from exc
            raise
    return have


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()
