"""Can the sandbox start here? Answered once per process, with the reason and the fix when not.

There is no silent fallback: when this says no, code is not run.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import syscall_filter
from .launcher import BubblewrapLauncher
from .limits import SandboxLimits


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start on this machine; `reason` says why and `fix` how to fix it."""

    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(f"{reason}\nHow to fix it: {fix}")
        self.reason = reason
        self.fix = fix


@dataclass(frozen=True)
class SandboxSupport:
    """The sandbox works here: its kind of isolation, and a line describing it."""

    isolation: str  # "isolated" on Linux with bubblewrap
    detail: str


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


APPARMOR_SETTING = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
APPARMOR_FIX = ("install an AppArmor profile that allows bwrap to use user namespaces (the .deb installs "
                "its own; Ubuntu 24.04: `sudo apt install apparmor-profiles && sudo ln -s "
                "/usr/share/apparmor/extra-profiles/bwrap-userns-restrict /etc/apparmor.d/ && "
                "sudo apparmor_parser -r /etc/apparmor.d/bwrap-userns-restrict`), or, less safely, "
                "`sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`.")


def apparmor_restriction() -> str | None:
    """AppArmor's restriction of unprivileged user namespaces: "1" on, "0" off, None: no such setting."""
    return _read(APPARMOR_SETTING)


def _explain_bwrap_failure(stderr: str) -> SandboxUnavailable:
    text = stderr.strip() or "bubblewrap exited without a message"
    if apparmor_restriction() == "1":
        return SandboxUnavailable(f"AppArmor blocks the user namespaces the sandbox needs ({text}).", APPARMOR_FIX)
    if _read("/proc/sys/kernel/unprivileged_userns_clone") == "0":
        return SandboxUnavailable(
            f"Unprivileged user namespaces are turned off on this system ({text}).",
            "`sudo sysctl -w kernel.unprivileged_userns_clone=1` (and add it to /etc/sysctl.d/ to keep it).")
    if _read("/proc/sys/user/max_user_namespaces") == "0":
        return SandboxUnavailable(
            f"User namespaces are limited to zero on this system ({text}).",
            "`sudo sysctl -w user.max_user_namespaces=15000`.")
    return SandboxUnavailable(f"bubblewrap could not create the sandbox: {text}",
                              "check that bubblewrap works: `bwrap --ro-bind / / true`.")


def _trial(limits: SandboxLimits, code: str) -> tuple[subprocess.CompletedProcess, str]:
    """Run code with this Python in a throwaway sandbox: the finished process, and what the code
    left in /workspace/probe ("" if nothing)."""
    launcher = BubblewrapLauncher(limits)
    try:
        fd = syscall_filter.filter_fd()
    except syscall_filter.FilterUnavailable as exc:
        raise SandboxUnavailable(f"The sandbox's system call filter needs libseccomp: {exc}.",
                                 "`sudo apt install libseccomp2` (Fedora: `sudo dnf install libseccomp`).") from exc
    with tempfile.TemporaryDirectory(prefix="oci-probe-") as tmp:
        workspace, runtime = Path(tmp, "w"), Path(tmp, "r")
        workspace.mkdir()
        runtime.mkdir()
        launcher.prepare(workspace, runtime)
        argv = launcher.command(workspace, runtime, [launcher.python, "-I", "-c", code], seccomp_fd=fd)
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=30, pass_fds=(fd,))
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SandboxUnavailable(f"bubblewrap could not be run: {exc}", "reinstall bubblewrap.") from exc
        finally:
            os.close(fd)
        probe = workspace / "probe"
        return done, probe.read_text() if probe.exists() else ""


def check_sandbox(limits: SandboxLimits | None = None) -> SandboxSupport:
    """Raise SandboxUnavailable unless a trial sandbox runs this Python as expected."""
    return _check_cached(limits or SandboxLimits())


@functools.lru_cache(maxsize=4)
def _check_cached(limits: SandboxLimits) -> SandboxSupport:
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(
            f"No sandbox is available for {sys.platform} in this version; code is not run unsandboxed.",
            "run OCI Desktop on Linux, or connect it to a Linux machine.")
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed; it isolates the code the model writes.",
                                 "`sudo apt install bubblewrap` (Fedora: `sudo dnf install bubblewrap`).")
    for tool in ("prlimit", "setpriv") if os.geteuid() == 0 else ("prlimit",):
        if shutil.which(tool) is None:
            raise SandboxUnavailable(f"`{tool}` is missing; it applies the sandbox's limits.",
                                     "`sudo apt install util-linux`.")
    check = ("import os; open('/workspace/probe', 'w').write(str(os.getuid())); "
             "status = open('/proc/self/status').read(); "
             "print(status.split('CapEff:')[1].split()[0], status.split('Seccomp:')[1].split()[0])")
    done, probe = _trial(limits, check)
    if done.returncode != 0:
        raise _explain_bwrap_failure(done.stderr)
    capabilities, seccomp_mode = (done.stdout.split() + ["", ""])[:2]
    if seccomp_mode != "2":
        raise SandboxUnavailable("The system call filter was not applied inside the sandbox.",
                                 "report this with the output of `bwrap --version` and `uname -r`.")
    if capabilities != "0000000000000000":
        raise SandboxUnavailable("Code in the sandbox kept Linux capabilities.",
                                 "report this with the output of `bwrap --version`.")
    if os.geteuid() == 0 and probe == "0":
        raise SandboxUnavailable("Code in the sandbox ran as root.", "check that `setpriv` works.")
    mode = "as uid 65534 inside namespaces" if os.geteuid() == 0 else "in a user namespace"
    return SandboxSupport("isolated", f"bubblewrap, {mode}, seccomp filter, "
                                      f"network {'on' if limits.network else 'off'}")


# Run inside the sandbox by inspect_layers: what the code there really gets.
_INSPECT = r"""
import json, os
status = dict(line.split(':', 1) for line in open('/proc/self/status') if ':' in line)
print(json.dumps({
    'uid': os.getuid(), 'capabilities': status['CapEff'].strip(), 'seccomp': status['Seccomp'].strip(),
    'no_new_privs': status['NoNewPrivs'].strip(),
    'interfaces': sorted(line.split(':')[0].strip() for line in open('/proc/net/dev').readlines()[2:]),
    'namespaces': {name: os.readlink(f'/proc/self/ns/{name}') for name in os.listdir('/proc/self/ns')},
}))
"""


def inspect_layers(limits: SandboxLimits | None = None) -> dict:
    """Start a trial sandbox and report what is in force inside: uid, capabilities, seccomp mode,
    no_new_privs, network interfaces, and which namespaces differ from the app's own."""
    limits = limits or SandboxLimits()
    check_sandbox(limits)
    done, _ = _trial(limits, _INSPECT)
    if done.returncode != 0:
        raise _explain_bwrap_failure(done.stderr)
    inside = json.loads(done.stdout)
    own = {name: os.readlink(f"/proc/self/ns/{name}") for name in os.listdir("/proc/self/ns")}
    inside["new_namespaces"] = sorted(n for n, v in inside.pop("namespaces").items()
                                      if n in own and own[n] != v and not n.endswith("_for_children"))
    return inside
