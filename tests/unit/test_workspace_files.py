"""The host's reads of what sandboxed code left in a workspace: every kind of planted thing is
refused with a plain message, and nothing outside the workspace is ever read or written.

The same reads run as root and as an unprivileged user, against a real sandboxed kernel that
swaps links while the app reads, in tests/integration/test_workspace_reads.py.
"""

import base64
import json
import os
import socket
import threading
from pathlib import Path

import nbformat
import pytest

from oci_desktop.engine.agent.feedback import image_stand_in
from oci_desktop.engine.agent.prompts import announce_files
from oci_desktop.engine.sandbox.explain import _workspace_files
from oci_desktop.engine.sandbox.launcher import BubblewrapLauncher
from oci_desktop.engine.sandbox.limits import SandboxLimits
from oci_desktop.engine.sandbox.workspace import measure, place_file, save_output, upload_files
from oci_desktop.engine.store.db import Store
from oci_desktop.engine.store.export import FORMATS, export
from oci_desktop.engine.workspace_files import Refused, copy_for_viewing, copy_to, entries, printable, read_bytes
from tests.unit.test_store import PNG, record_turn

SECRET = b"ssh-ed25519 AAAA-the-host-secret"
PLOT = "outputs/cell1-aa.png"


@pytest.fixture
def host(tmp_path):
    """A workspace, and a private host file and folder outside it (mode 600/700, as an SSH key)."""
    outside = tmp_path / "home"
    outside.mkdir(mode=0o700)
    secret = outside / "id_ed25519"
    secret.write_bytes(SECRET)
    secret.chmod(0o600)
    (outside / "cell1-aa.png").write_bytes(SECRET)
    workspace = tmp_path / "ws"
    (workspace / "outputs").mkdir(parents=True)
    return workspace, secret


def refusal(workspace, relative, **kw) -> str:
    with pytest.raises(Refused) as caught:
        read_bytes(workspace, relative, 1 << 20, "not shown", **kw)
    return str(caught.value)


def test_a_regular_file_is_read(host):
    workspace, _ = host
    (workspace / PLOT).write_bytes(PNG)
    assert read_bytes(workspace, PLOT, 1 << 20) == PNG


def test_a_link_to_a_host_file_is_refused_in_plain_words(host):
    workspace, secret = host
    os.symlink(secret, workspace / PLOT)
    assert refusal(workspace, PLOT) == f"{PLOT} is a link to a file outside this conversation's folder: not shown"


def test_links_inside_to_proc_and_dangling_are_refused(host):
    workspace, _ = host
    (workspace / "data.csv").write_text("a,b\n")
    os.symlink("../data.csv", workspace / "outputs" / "inside.png")
    os.symlink("/proc/self/environ", workspace / "outputs" / "proc.png")
    os.symlink("/nonexistent/file", workspace / "outputs" / "dangling.png")
    assert "is a link (links are not followed)" in refusal(workspace, "outputs/inside.png")
    assert "outside this conversation's folder" in refusal(workspace, "outputs/proc.png")
    assert "outside this conversation's folder" in refusal(workspace, "outputs/dangling.png")


def test_a_folder_swapped_for_a_link_is_not_walked_through(host):
    workspace, secret = host
    (workspace / "outputs").rmdir()
    os.symlink(secret.parent, workspace / "outputs")  # outputs/cell1-aa.png now names the host's copy
    assert "reached through a link to a folder outside" in refusal(workspace, PLOT)


def test_pipes_sockets_devices_folders_and_hard_links_are_refused(host, tmp_path):
    workspace, _ = host
    os.mkfifo(workspace / "outputs" / "fifo.png")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(workspace / "outputs" / "sock.png"))
    (workspace / "outputs" / "a.png").write_bytes(PNG)
    os.link(workspace / "outputs" / "a.png", workspace / "outputs" / "b.png")
    done = threading.Event()
    words = {}

    def read_all():  # a FIFO must be refused at once, not block the app in open()
        words["fifo"] = refusal(workspace, "outputs/fifo.png")
        done.set()

    threading.Thread(target=read_all, daemon=True).start()
    assert done.wait(10), "reading a FIFO blocked"
    assert "is a pipe (FIFO), not a file" in words["fifo"]
    assert "is a socket, not a file" in refusal(workspace, "outputs/sock.png")
    assert "hard links" in refusal(workspace, "outputs/b.png")
    assert "is a folder, not a file" in refusal(workspace, "outputs")
    with pytest.raises(Refused, match="is a device, not a file"):
        read_bytes(Path("/"), "dev/null", 100)
    server.close()


def test_paths_that_leave_the_workspace_and_big_files_are_refused(host):
    workspace, secret = host
    (workspace / "big.bin").write_bytes(b"x" * 2000)
    for path in ("../home/id_ed25519", str(secret), "outputs/../../home/id_ed25519", "", "a//b"):
        assert "is not a path inside this conversation's folder" in refusal(workspace, path)
    with pytest.raises(Refused, match="is larger than 1000 bytes: not shown"):
        read_bytes(workspace, "big.bin", 1000, "not shown")
    assert "is no longer in this conversation's folder" in refusal(workspace, "gone.png")


def test_a_listing_shows_links_as_links_and_never_walks_into_them(host):
    workspace, secret = host
    (workspace / "data.csv").write_bytes(b"a,b\n1,2\n")
    os.symlink(secret, workspace / "key.txt")
    os.symlink(secret.parent, workspace / "home")
    listed = {e.path: (e.kind, e.size) for e in entries(workspace)}
    assert listed == {"data.csv": ("file", 8), "key.txt": ("link", 0), "home": ("link", 0), "outputs": ("folder", 0)}
    assert "id_ed25519" not in str(listed)
    assert measure(workspace, 1 << 30, 100).files == 4  # the host folder's files are not counted
    assert _workspace_files(workspace) == ["data.csv"]


def test_names_and_output_are_shown_with_their_control_characters_escaped():
    assert printable("plot\x1b[2J\x1b]0;pwned\x07.png") == "plot\\x1b[2J\\x1b]0;pwned\\x07.png"
    assert printable("a\nb\rc\td") == "a\\x0ab\\x0dc\\x09d"
    assert printable("evil\u202egnp.exe\u2066") == "evil\\u202egnp.exe\\u2066"
    assert printable("bad\udcff") == "bad\\udcff"
    assert printable("line 1\r\nline 2\n\tdone\x1b[31m", multiline=True) == "line 1\nline 2\n\tdone\\x1b[31m"
    assert printable("naïve 日本 😀") == "naïve 日本 😀"


def test_every_export_format_leaves_a_planted_link_out(host):
    workspace, secret = host
    store = Store(workspace.parent / "h.sqlite3")
    cid = record_turn(store, workspace)
    (workspace / PLOT).unlink()
    os.symlink(secret, workspace / PLOT)
    texts = {fmt: export(store, cid, fmt) for fmt in FORMATS}
    for fmt, text in texts.items():
        assert SECRET.decode() not in text and base64.b64encode(SECRET).decode() not in text, fmt
    notebook = nbformat.reads(texts["ipynb"], as_version=4)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "display_data"]
    assert any("is a link to a file outside this conversation's folder: not exported" in o.get("text", "")
               for o in outputs)
    assert "![output]" not in texts["md"] and "is a link to a file outside" in texts["md"]


def test_the_models_image_stand_in_and_table_columns_never_read_through_a_link(host):
    workspace, secret = host
    (workspace / PLOT).write_bytes(PNG)
    assert image_stand_in(PLOT, workspace) == f"[1x1 image saved as {PLOT}]"
    (workspace / PLOT).unlink()
    os.symlink(secret, workspace / PLOT)
    assert image_stand_in(PLOT, workspace) == f"[image saved as {PLOT}]"
    (workspace / "sales.csv").write_text("month,revenue\nJan,1\n")
    assert "(columns: month, revenue)" in announce_files("hi", ["sales.csv"], workspace)
    (workspace / "sales.csv").unlink()
    secret_table = secret.parent / "passwords.csv"
    secret_table.write_text("root,hunter2\n")
    os.symlink(secret_table, workspace / "sales.csv")
    told = announce_files("hi", ["sales.csv", "we\x1bird.csv"], workspace)
    assert "hunter2" not in told and "columns" not in told and "we\\x1bird.csv" in told


def test_copies_for_the_person_work_for_files_and_refuse_links(host, tmp_path):
    workspace, secret = host
    (workspace / "report.txt").write_bytes(b"total 42\n")
    os.symlink(secret, workspace / "key.txt")
    viewed = copy_for_viewing(workspace, "report.txt")
    assert viewed.read_bytes() == b"total 42\n" and viewed.name == "report.txt"
    assert oct(viewed.stat().st_mode & 0o777) == "0o400" and oct(viewed.parent.stat().st_mode & 0o777) == "0o700"
    saved = tmp_path / "saved.txt"
    assert copy_to(workspace, "report.txt", saved) == 9 and saved.read_bytes() == b"total 42\n"
    with pytest.raises(Refused, match="key.txt is a link to a file outside this conversation's folder: not opened"):
        copy_for_viewing(workspace, "key.txt")
    with pytest.raises(Refused, match="not saved"):
        copy_to(workspace, "key.txt", tmp_path / "other.txt", "not saved")
    assert not (tmp_path / "other.txt").exists()


def test_writes_of_the_app_replace_a_planted_link_and_never_write_through_it(host, tmp_path):
    workspace, secret = host
    os.symlink(secret, workspace / "data.csv")
    upload = tmp_path / "data.csv"
    upload.write_text("a,b\n1,2\n")
    assert upload_files(workspace, [upload]) == ["data.csv"]
    assert secret.read_bytes() == SECRET
    assert not (workspace / "data.csv").is_symlink() and (workspace / "data.csv").read_text() == "a,b\n1,2\n"
    os.symlink(secret.parent, workspace / "eval-inputs")
    with pytest.raises(OSError):
        place_file(workspace, "eval-inputs", "HumanEval_0.json", b"[]")
    assert sorted(p.name for p in secret.parent.iterdir()) == ["cell1-aa.png", "id_ed25519"]
    (workspace / "outputs").rmdir()
    os.symlink(secret.parent, workspace / "outputs")
    with pytest.raises(OSError):
        save_output(workspace, "cell1", ".png", PNG)
    (workspace / "folder").mkdir()
    with pytest.raises(IsADirectoryError, match="a folder named folder"):
        place_file(workspace, "", "folder", b"x")
    assert [p.name for p in workspace.iterdir() if p.name.endswith(".part")] == []


def test_handing_the_workspace_to_the_sandbox_never_gives_away_a_host_file(host):
    """As root the app gives the workspace to the sandbox's uid (65534); a link in it must not
    carry that to a host file. (As a normal user the files stay the user's.)"""
    workspace, secret = host
    owner = os.geteuid()
    os.symlink(secret.parent, workspace / "home")
    os.symlink(secret, workspace / "key")
    (workspace / "data.csv").write_text("a\n")
    BubblewrapLauncher(SandboxLimits()).hand_over(workspace)
    assert secret.stat().st_uid == owner and secret.parent.stat().st_uid == owner
    assert (secret.parent / "cell1-aa.png").stat().st_uid == owner
    assert (workspace / "data.csv").stat().st_uid == (65534 if owner == 0 else owner)


def test_the_results_of_a_refusal_are_plain_json_safe(host):
    workspace, secret = host
    os.symlink(secret, workspace / "outputs" / "a\nb\x1b.png")
    message = refusal(workspace, "outputs/a\nb\x1b.png")
    assert "\n" not in message and "\x1b" not in message and json.dumps(message)
