"""The app's host-side reads of a workspace while sandboxed code swaps files for links.

Started by test_workspace_reads.py as root and as an unprivileged user. A real sandboxed kernel
draws a plot, then a cell starts a thread that keeps swapping, as fast as it can, the plot for a
link to a host secret, a table for a link to a host table, and the outputs/ folder for a link to
a host folder holding a file of the plot's name. Meanwhile this process reads the workspace
every way the app does (the chat's image, the model's stand-in, the table's columns, every
export format, a copy to open or save, the listing, an upload over the table, handing the
workspace to the sandbox's uid) and reports whether the secret ever came through.
Input on stdin: {"workspace", "secret", "secret_table", "host_folder", "seconds", "upload", "data"}.
Output: JSON {"leaks": [...], "read": n, "refused": n, "refusals": [distinct messages], ...}.
"""

import json
import sys
import time
from pathlib import Path

from oci_desktop.engine.agent.feedback import image_stand_in
from oci_desktop.engine.agent.prompts import announce_files
from oci_desktop.engine.sandbox import Executor, KernelSession, SandboxLimits
from oci_desktop.engine.sandbox.workspace import upload_files
from oci_desktop.engine.store.db import Store
from oci_desktop.engine.store.export import FORMATS, export
from oci_desktop.engine.workspace_files import IMAGE_LIMIT, Refused, copy_for_viewing, entries, read_bytes

PLOT = ("import matplotlib.pyplot as plt\n"
        "plt.plot([1, 2, 3]); plt.show()\nopen('sales.csv', 'w').write('month,revenue\\nJan,1\\n')")

FLIP = """
import os, threading
def _swap_for_link(name, target):
    os.symlink(target, name + '.swap'); os.replace(name + '.swap', name)
def _swap_for_file(name, data):
    with open(name + '.swap', 'wb') as f: f.write(data)
    os.replace(name + '.swap', name)
def _flip(plot, secret, table, secret_table, host_folder):
    image, rows = open(plot, 'rb').read(), open(table, 'rb').read()
    while True:
        _swap_for_link(plot, secret); _swap_for_link(table, secret_table)
        _swap_for_file(plot, image); _swap_for_file(table, rows)
        os.rename('outputs', 'outputs.real'); os.symlink(host_folder, 'outputs')
        os.unlink('outputs'); os.rename('outputs.real', 'outputs')
threading.Thread(target=_flip, args={args!r}, daemon=True).start()
print('flipping')
"""


def main() -> None:
    request = json.load(sys.stdin)
    workspace, secret = Path(request["workspace"]), Path(request["secret"]).read_bytes()
    session = KernelSession(workspace, SandboxLimits(cell_timeout_s=60))
    session.start()
    executor = Executor(session)
    report = {"leaks": [], "read": 0, "refused": 0, "refusals": set(), "upload_errors": 0}
    try:
        drawn = executor.run(PLOT)
        plot = next(o.path for o in drawn.outputs if o.path)
        # Behind the outputs/ link the code swaps in, a host file bears the plot's very name.
        planted = Path(request["host_folder"]) / Path(plot).name
        planted.write_bytes(secret)
        planted.chmod(0o600)
        store = Store(Path(request["data"]) / "history.sqlite3")
        cid = store.create_conversation("race", workspace=str(workspace))
        cell = store.add_cell(cid, PLOT, 1)
        store.finish_cell(cell, "ok", drawn.to_json())
        args = (plot, request["secret"], "sales.csv", request["secret_table"], request["host_folder"])
        report["flip"] = executor.run(FLIP.format(args=args)).stdout.strip()

        def check(what: str, data) -> None:
            text = data if isinstance(data, (bytes, str)) else json.dumps(data)
            raw = text.encode() if isinstance(text, str) else text
            if secret in raw or b"hunter2" in raw or b"c3NoLWVkMjU1MTk" in raw:
                report["leaks"].append(what)

        deadline = time.monotonic() + request["seconds"]
        while time.monotonic() < deadline:
            for what, read in (("image", lambda: read_bytes(workspace, plot, IMAGE_LIMIT, "not shown")),
                               ("open", lambda: copy_for_viewing(workspace, plot).read_bytes())):
                try:
                    check(what, read())
                    report["read"] += 1
                except Refused as exc:
                    report["refused"] += 1
                    report["refusals"].add(str(exc).replace(plot, "PLOT"))
            check("stand-in", image_stand_in(plot, workspace))
            check("columns", announce_files("q", ["sales.csv"], workspace))
            for fmt in FORMATS:
                check(fmt, export(store, cid, fmt))
            check("listing", [e.path for e in entries(workspace)])
            try:
                upload_files(workspace, [Path(request["upload"])], session.launcher.file_owner)
            except OSError:
                report["upload_errors"] += 1  # a folder swapped in at the same name: refused, not followed
            session.hand_over(workspace)
    finally:
        session.shutdown()
    report["refusals"] = sorted(report["refusals"])
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
