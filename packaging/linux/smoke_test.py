"""Smoke test of the built Linux artifacts, on this machine, the way a new user meets them.

Per-user installer: a fresh unprivileged user whose home is a new folder, and who cannot see the
source tree or its .venv, installs it; runs `oci-desktop exec` (status ok, sandbox isolated) and
`oci-desktop ask --yes --json` on the bundled model (a finished turn); opens the window under
Xvfb with the menu entry's own command (screenshot; the model process and the kernel run from the
installed files); uninstalls; nothing of the app is left outside the user's data.
The .deb: installed with apt, the same as that user, `exec` as root too, then removed with apt.

usage (as root): smoke_test.py DIST_DIR [--screenshots DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
USER = "oci-smoke-user"
ISOLATION_CHECK = r"""
import json, os, socket
home = os.environ.get("OCI_SMOKE_HOME", "")
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3)
    network = "reachable"
except OSError as exc:
    network = type(exc).__name__
print(json.dumps({"uid": os.getuid(), "cwd": os.getcwd(), "sees_host_home": os.path.exists("/home"),
                  "sees_source": os.path.exists(%r), "network": network, "answer": 6 * 7}))
""" % str(ROOT)
DECODE = """
import json, os, sys
from oci_desktop.engine.llm.bundled import bundled_model_path
from oci_desktop.engine.llm.cpu_support import CPU_ENV, import_llama_cpp
llm = import_llama_cpp().Llama(str(bundled_model_path()), n_ctx=256, n_threads=2, verbose=False)
out = llm("def add(a, b):", max_tokens=6, temperature=0.0)
print(json.dumps({"backend": os.environ[CPU_ENV], "tokens": out["usage"]["completion_tokens"]}))
"""
QUESTION = "Write Python code that prints the sum of the squares of the numbers 1 to 10."


class SmokeFailure(AssertionError):
    pass


def check(condition: bool, what: str, detail: str = "") -> None:
    """Print what was checked; on failure, with the detail (a command's stderr) that explains it."""
    if not condition:
        raise SmokeFailure(f"{what}\n{detail.strip()}")
    print(f"  ok  {what}")


class Person:
    """An unprivileged user with a fresh home, who cannot see the source tree."""

    def __init__(self, home: Path) -> None:
        if subprocess.run(["id", USER], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/sh", USER], check=True)
        self.uid, self.gid = pwd.getpwnam(USER).pw_uid, pwd.getpwnam(USER).pw_gid
        # usermod refuses a user with processes, and a model process may outlive its window briefly.
        subprocess.run(["pkill", "-KILL", "-u", USER], capture_output=True)
        deadline = time.monotonic() + 30
        while subprocess.run(["pgrep", "-u", USER], capture_output=True).returncode == 0:
            if time.monotonic() > deadline:
                raise SmokeFailure(f"processes of {USER} did not end")
            time.sleep(0.1)
        subprocess.run(["usermod", "--home", str(home), USER], check=True)
        home.mkdir(parents=True)
        os.chown(home, self.uid, self.gid)
        self.home = home

    def run(self, argv: list[str], *, timeout: float = 600, input: str | None = None,
            path_extra: str = "") -> subprocess.CompletedProcess:
        env = {"HOME": str(self.home), "USER": USER, "LOGNAME": USER, "LANG": "C.UTF-8",
               "PATH": f"{path_extra}/usr/local/bin:/usr/bin:/bin", "OCI_SMOKE_HOME": str(self.home)}
        # A private mount namespace in which the source tree (and its .venv) is an empty folder.
        drop = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups",
                "env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv]
        script = f"mount -t tmpfs -o size=1m,mode=0755 none {shlex.quote(str(ROOT))} && exec \"$@\""
        return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *drop],
                              capture_output=True, text=True, timeout=timeout, input=input, cwd="/")

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.home)) for p in self.home.rglob("*") if not p.is_dir())


def check_exec(run, label: str) -> None:
    started = time.monotonic()
    done = run(["oci-desktop", "exec", "-"], input=ISOLATION_CHECK)
    check(done.returncode == 0, f"{label}: oci-desktop exec exits 0", done.stderr[-2000:])
    result = json.loads(done.stdout)
    seen = json.loads(result["stdout"])
    check(result["status"] == "ok" and result["isolation"] == "isolated",
          f"{label}: exec status ok, sandbox isolated ({time.monotonic() - started:.1f} s)")
    check(seen["answer"] == 42 and seen["cwd"] == "/workspace", f"{label}: code ran in /workspace")
    check(not seen["sees_host_home"] and not seen["sees_source"] and seen["network"] != "reachable",
          f"{label}: no host home, no source tree, no network inside ({seen['network']})")


def check_ask(run, label: str) -> None:
    started = time.monotonic()
    done = run(["oci-desktop", "ask", QUESTION, "--yes", "--json", "--max-rounds", "2", "--max-tokens", "300"])
    check(done.returncode == 0, f"{label}: oci-desktop ask exits 0", done.stderr[-2000:])
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    last = events[-1] if events else {}
    check(last.get("type") == "done" and last.get("reason") not in ("error", "cancelled"),
          f"{label}: ask on the bundled model finishes a turn ({last.get('reason')}, "
          f"{sum(e['type'] == 'token' for e in events)} token events, {time.monotonic() - started:.1f} s)")


def check_window(person: Person, exec_line: str, shot: Path, label: str) -> None:
    """Open the window with the menu entry's command under Xvfb; screenshot it once the model
    process and the kernel are up, and check they run from the installed executable."""
    executable = exec_line.strip('"').split()[0]
    executable = os.path.realpath(shutil.which(executable, path=f"{person.home}/.local/bin:/usr/bin") or executable)
    # Each kind also matches its sandbox's bwrap processes: wait for one of each run by the app's file.
    script = f"""
running() {{
  for pid in $(pgrep -u {person.uid} -f $1); do
    [ "$(readlink /proc/$pid/exe)" = {shlex.quote(executable)} ] && return 0
  done
  return 1
}}
{exec_line} &
app=$!
for i in $(seq 1 600); do
  xdotool search --name '^OCI Desktop' >/dev/null 2>&1 && break; sleep 0.1
done
xdotool search --name '^OCI Desktop' >/dev/null || {{ echo 'no window' >&2; kill $app; exit 1; }}
for i in $(seq 1 600); do
  running model_process && running ipykernel_launcher && break; sleep 0.1
done
running model_process && echo "runs model_process"
running ipykernel_launcher && echo "runs ipykernel_launcher"
sleep 3   # the model loads (a second or two) and the status bar settles
import -window root {shlex.quote(str(shot))}
kill $app; wait $app 2>/dev/null
exit 0
"""
    # -noreset: Xvfb would otherwise reset when a polling xdotool is its only client, and refuse the app.
    done = person.run(["xvfb-run", "-a", "-s", "-screen 0 1400x900x24 -noreset", "sh", "-c", script], timeout=180)
    check(done.returncode == 0 and shot.is_file(), f"{label}: window opened from the menu entry", done.stderr[-2000:])
    check("runs model_process" in done.stdout and "runs ipykernel_launcher" in done.stdout,
          f"{label}: the model process and the kernel run from {executable}")
    colours = int(subprocess.run(["identify", "-format", "%k", str(shot)], capture_output=True, text=True).stdout or 0)
    check(colours > 50, f"{label}: screenshot {shot} shows a drawn window ({colours} colours)")


def desktop_exec(path: Path) -> str:
    line = next(line for line in path.read_text().splitlines() if line.startswith("Exec="))
    return line.removeprefix("Exec=")


def smoke_portability(deb_file: Path, work: Path) -> None:
    """The bundle's llama.cpp decodes on emulated processors without AVX-512 (qemu-user runs the
    whole bundle as that CPU would; it does not follow child processes, so the decode runs in
    process), and a processor older than x86-64-v2 gets a message instead of SIGILL."""
    print("Portability (qemu-x86_64)")
    extract = work / "extracted"
    subprocess.run(["dpkg-deb", "-x", str(deb_file), str(extract)], check=True)
    app = str(extract / "opt/oci-desktop/oci-desktop")
    # PyInstaller's bootloader starts itself again with these set, so that its libraries are found;
    # qemu-user would not follow that exec, so the second stage is started directly. (Were it not
    # emulated, CPUID would report this machine, and the Nehalem and core2duo checks would fail.)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8", "_PYI_ARCHIVE_FILE": app,
           "_PYI_PARENT_PROCESS_LEVEL": "-1", "_PYI_LINUX_PROCESS_NAME": "oci-desktop",
           "LD_LIBRARY_PATH": str(extract / "opt/oci-desktop/_internal")}
    for cpu, backend in (("Haswell", "x86-64-v3"), ("Nehalem", "x86-64-v2")):
        started = time.monotonic()
        done = subprocess.run(["qemu-x86_64", "-cpu", cpu, app, "-c", DECODE], capture_output=True, text=True,
                              env=env, timeout=900)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        check(done.returncode == 0 and bool(lines), f"{cpu}: the bundle runs", done.stderr[-2000:])
        result = json.loads(lines[-1])
        check(result["backend"] == backend and result["tokens"] > 0,
              f"{cpu}: llama.cpp ({result['backend']}) decodes {result['tokens']} tokens "
              f"({time.monotonic() - started:.0f} s emulated)")
    done = subprocess.run(["qemu-x86_64", "-cpu", "core2duo", app, "--version"], capture_output=True, text=True,
                          env=env, timeout=300)
    check(done.returncode == 3 and "SSE4.2" in done.stderr,
          f"core2duo: refused with a message, exit code {done.returncode}: {done.stderr.strip()[:160]}")


def smoke_user_installer(run_file: Path, work: Path, shots: Path) -> None:
    print(f"Per-user installer: {run_file.name}")
    person = Person(work / "home")
    installer = work / run_file.name
    shutil.copy(run_file, installer)
    os.chmod(installer, 0o755)
    before = person.files()
    started = time.monotonic()
    done = person.run([str(installer)], timeout=600)
    check(done.returncode == 0, f"installs as {USER} without root ({time.monotonic() - started:.1f} s)", done.stderr)
    prefix = person.home / ".local/opt/oci-desktop"
    menu = person.home / ".local/share/applications/oci-desktop.desktop"
    check((prefix / "oci-desktop").is_file() and menu.is_file()
          and (person.home / ".local/share/icons/hicolor/scalable/apps/oci-desktop.svg").is_file()
          and os.path.islink(person.home / ".local/bin/oci-desktop"),
          "app, command, menu entry and icon in place")
    bin_dir = f"{person.home}/.local/bin:"

    def run(argv, **kw):
        return person.run(argv, path_extra=bin_dir, **kw)

    check_exec(run, "user install")
    child_env = "import subprocess; print(subprocess.run(['env'], capture_output=True, text=True).stdout)"
    done = run(["oci-desktop", "-c", child_env])
    library_path = [line for line in done.stdout.splitlines() if line.startswith("LD_LIBRARY_PATH=")]
    check(done.returncode == 0 and not any("oci-desktop" in line for line in library_path),
          "programs the app starts do not inherit the bundle's library path", done.stdout + done.stderr)
    check_ask(run, "user install")
    check_window(person, desktop_exec(menu), shots / "user-install-window.png", "user install")
    done = person.run([str(prefix / "uninstall")])
    check(done.returncode == 0, "uninstaller runs", done.stderr)
    # The user's data, caches, and the menu's MIME cache that update-desktop-database keeps.
    kept = ("Xauthority", ".local/share/oci-desktop/", ".cache/", ".config/", "applications/mimeinfo.cache")
    left = [f for f in person.files() if f not in before and not any(k in f for k in kept)]
    check(not left, f"nothing left outside the user's data after uninstalling {left[:10]}")
    check((person.home / ".local/share/oci-desktop").is_dir(), "the user's data is kept")


def smoke_deb(deb_file: Path, work: Path, shots: Path) -> None:
    print(f"Debian package: {deb_file.name}")
    local = work / deb_file.name
    shutil.copy(deb_file, local)
    os.chmod(work, 0o755)
    os.chmod(local, 0o644)
    # Pretend AppArmor 4 where it is absent, so that postinst installs the profile and postrm removes it.
    abi = Path("/etc/apparmor.d/abi/4.0")
    faked = [] if abi.exists() else [p for p in (abi, abi.parent, abi.parent.parent) if not p.exists()]
    if faked:
        abi.parent.mkdir(parents=True, exist_ok=True)
        abi.write_text("# placeholder for the smoke test\n")
    try:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        done = subprocess.run(["apt-get", "install", "-y", "-qq", str(local)], capture_output=True, text=True, env=env)
        check(done.returncode == 0, "apt installs it", done.stderr)
        files = subprocess.run(["dpkg", "-L", "oci-desktop"], capture_output=True, text=True).stdout.split()
        check(os.path.realpath("/usr/bin/oci-desktop") == "/opt/oci-desktop/oci-desktop"
              and Path("/etc/apparmor.d/oci-desktop").is_file(), "command on PATH, AppArmor profile installed")
        person = Person(work / "deb-home")
        check_exec(person.run, "deb, user")
        check_exec(lambda argv, **kw: subprocess.run(argv, capture_output=True, text=True, **kw), "deb, root")
        check_ask(person.run, "deb, user")
        check_window(person, desktop_exec(Path("/usr/share/applications/oci-desktop.desktop")),
                     shots / "deb-window.png", "deb")
        done = subprocess.run(["apt-get", "remove", "-y", "-qq", "oci-desktop"], capture_output=True, text=True, env=env)
        check(done.returncode == 0, "apt removes it", done.stderr)
        left = [f for f in files if os.path.lexists(f) and not os.path.isdir(f)]
        check(not left and not Path("/opt/oci-desktop").exists() and not Path("/etc/apparmor.d/oci-desktop").exists(),
              f"nothing of the package is left {left[:10]}")
    finally:
        for path in faked:  # the file, then the folders the test made for it (left if not empty)
            try:
                path.unlink() if path.is_file() else path.rmdir()
            except OSError:
                pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("--screenshots", type=Path, default=ROOT / "build" / "smoke")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("smoke_test.py needs root (it creates a user and installs a .deb)", file=sys.stderr)
        return 2
    args.screenshots.mkdir(parents=True, exist_ok=True)
    run_file = next(args.dist.glob("oci-desktop-*-linux-x86_64.run"))
    deb_file = next(args.dist.glob("oci-desktop_*_amd64.deb"))
    work = Path(tempfile.mkdtemp(prefix="oci-smoke-"))
    os.chmod(work, 0o755)
    shots = Path(tempfile.mkdtemp(prefix="oci-smoke-shots-"))
    os.chmod(shots, 0o777)
    started = time.monotonic()
    try:
        smoke_portability(deb_file.resolve(), work)
        smoke_user_installer(run_file.resolve(), work, shots)
        smoke_deb(deb_file.resolve(), work, shots)
    except SmokeFailure as failure:
        print(f"SMOKE TEST FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        for shot in shots.glob("*.png"):
            shutil.copy(shot, args.screenshots / shot.name)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(shots, ignore_errors=True)
    print(f"Smoke test passed in {time.monotonic() - started:.0f} s; screenshots in {args.screenshots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
