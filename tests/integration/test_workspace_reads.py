"""Nothing leaves the workspace through the app: its host-side reads hold while real sandboxed
code swaps the files it reads for links to host files, as root and as an unprivileged user."""

import json
import os
import subprocess

SECRET = "ssh-ed25519 AAAA-the-host-secret"


def test_reads_of_a_workspace_that_the_code_keeps_swapping_never_carry_a_host_file(
        identity, workspace, readable_source, tmp_path):
    # The person's private files: readable by the app's user only, outside the sandbox.
    home = identity.own(_folder(tmp_path / "home"))
    secret, table = home / "id_ed25519", home / "passwords.csv"
    secret.write_text(SECRET)
    table.write_text("root,hunter2\n")
    (home / "decoy").mkdir()
    data = identity.own(_folder(tmp_path / "app-data"))  # where the app keeps its history
    upload = tmp_path / "upload" / "sales.csv"
    upload.parent.mkdir()
    upload.write_text("month,revenue\nFeb,2\n")
    for path in (secret, table, home / "decoy", upload.parent, upload):
        identity.own(path)
    secret.chmod(0o600)
    table.chmod(0o600)
    before = {p.name: (p.stat().st_uid, p.read_bytes() if p.is_file() else b"") for p in home.iterdir()}
    # The host folder the code's link points at holds a file named like any plot it will draw.
    host_folder = home / "decoy"
    request = {"workspace": str(workspace), "secret": str(secret), "secret_table": str(table),
               "host_folder": str(host_folder), "seconds": 8, "upload": str(upload),
               "data": str(data)}
    argv = identity.command([str(readable_source / "workspace_reads_driver.py")])
    done = subprocess.run(argv, input=json.dumps(request), capture_output=True, text=True, cwd="/",
                          env={**os.environ, "PYTHONPATH": str(readable_source)}, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    print({k: v for k, v in report.items() if k != "refusals"}, report["refusals"])
    assert report["flip"] == "flipping"
    assert report["leaks"] == []
    # The swaps really raced the reads: some reads met the plot, some met a link and were refused.
    assert report["read"] > 0 and report["refused"] > 0, report
    assert any("is a link to a file outside this conversation's folder: not shown" in r for r in report["refusals"])
    # Nothing of the person's changed hands or content: no upload wrote through a link, no chown followed one.
    after = {p.name: (p.stat().st_uid, p.read_bytes() if p.is_file() else b"") for p in home.iterdir()}
    assert after == before
    planted = list((home / "decoy").iterdir())  # the driver's copy of the secret under the plot's name
    assert len(planted) == 1 and planted[0].read_text() == SECRET


def _folder(path):
    path.mkdir(mode=0o700)
    os.chmod(path.parent, 0o755)
    return path
