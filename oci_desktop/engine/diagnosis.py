"""`oci-desktop doctor`: one report a person can paste into a bug report (also Help > Diagnosis).

Each line is checked on this machine now, not assumed: the sandbox's layers are read from inside a
trial sandbox. Nothing here changes the machine; the report holds no conversation content.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from oci_desktop import __version__

from .data_folder import data_dir
from .llm import catalog, cpu_support, library
from .sandbox import cgroups, syscall_filter
from .sandbox.probe import APPARMOR_FIX, SandboxUnavailable, apparmor_restriction, inspect_layers
from .system import GIB, total_ram_bytes, usable_cores

_LOW_SPACE = 2 * GIB


@dataclass
class Line:
    """One fact: a label, its value, and whether it is a problem (ok False), fine (True) or just information (None)."""

    label: str
    value: str
    ok: bool | None = None


@dataclass
class Diagnosis:
    """The whole report: sections of lines, and whether code can run here at all."""

    sections: dict[str, list[Line]] = field(default_factory=dict)
    can_run_code: bool = False

    def text(self) -> str:
        """The report as plain text, problems marked with "!!"."""
        out = [f"OCI Desktop {__version__}: diagnosis",
               "Code can run here." if self.can_run_code else "!! Code cannot run here: see Sandbox below."]
        for title, lines in self.sections.items():
            out += ["", f"## {title}"]
            width = max(len(line.label) for line in lines)
            out += [f"{'!!' if line.ok is False else '  '} {line.label:<{width}}  {line.value}" for line in lines]
        return "\n".join(out) + "\n"

    def to_json(self) -> dict:
        """The report as plain data."""
        return {"can_run_code": self.can_run_code,
                "sections": {title: [asdict(line) for line in lines] for title, lines in self.sections.items()}}


def _os_name() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    except OSError:
        return platform.system()


def _system() -> list[Line]:
    cores = usable_cores()
    who = "root (code in the sandbox runs as uid 65534)" if os.geteuid() == 0 else f"uid {os.geteuid()}"
    return [Line("operating system", _os_name()), Line("kernel", f"{platform.release()} {platform.machine()}"),
            Line("processor", f"{cores} cores"), Line("memory", f"{total_ram_bytes() / GIB:.1f} GB"),
            Line("app runs as", who),
            Line("Python", f"{platform.python_version()}{' (release bundle)' if getattr(sys, 'frozen', False) else ''}")]


def _apparmor() -> Line:
    value = apparmor_restriction()
    if value is None:
        return Line("AppArmor user namespaces", "not restricted (no such setting)", True)
    if value == "0":
        return Line("AppArmor user namespaces", "not restricted (kernel.apparmor_restrict_unprivileged_userns=0)", True)
    if os.geteuid() == 0:
        return Line("AppArmor user namespaces", "restricted, but the app runs as root and needs none", True)
    return Line("AppArmor user namespaces", "restricted (kernel.apparmor_restrict_unprivileged_userns=1). "
                f"If the sandbox fails: {APPARMOR_FIX}")


def _bwrap_version() -> str:
    try:
        return subprocess.run(["bwrap", "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"


def _sandbox() -> tuple[list[Line], bool]:
    lines = [Line("bubblewrap", _bwrap_version())]
    try:
        inside = inspect_layers()
    except SandboxUnavailable as exc:
        return lines + [Line("state", f"cannot start: {exc.reason}", False), Line("how to fix it", exc.fix, False),
                        _apparmor()], False
    mode = ("as root: no user namespace; code drops to uid 65534 inside" if os.geteuid() == 0
            else "user namespace (nested user namespaces disabled)")
    lines += [Line("state", "works", True), Line("mode", mode),
              Line("code runs as", f"uid {inside['uid']}, capabilities {inside['capabilities']}, "
                                   f"no_new_privs {inside['no_new_privs']}", inside["capabilities"] == "0" * 16),
              Line("namespaces", "new " + ", ".join(inside["new_namespaces"]), "pid" in inside["new_namespaces"])]
    seccomp_on = inside["seccomp"] == "2"
    lines.append(Line("system call filter", f"seccomp in force: {len(syscall_filter.BLOCKED)} calls blocked, "
                      f"and {syscall_filter.BLOCKED_WITH_ARGUMENTS}" if seccomp_on else "NOT in force", seccomp_on))
    support = cgroups.detect()
    if support.available:
        where = ", ".join(str(p) for p in support.parents.values())
        limits = Line("memory and task limits", f"cgroup v{support.version} for each kernel (under {where})", True)
    else:
        limits = Line("memory and task limits", f"rlimits (address space, processes); no cgroup because {support.reason}")
    network = inside["interfaces"] == ["lo"]
    lines += [limits, Line("network", "off by default (only loopback inside)" if network
                           else f"interfaces inside: {', '.join(inside['interfaces'])}", network), _apparmor()]
    return lines, True


def _llama() -> list[Line]:
    try:
        version = importlib.metadata.version("llama-cpp-python")
    except importlib.metadata.PackageNotFoundError:
        return [Line("llama.cpp", "not installed (the core install: connect to a model server with --endpoint)")]
    lines = [Line("llama-cpp-python", version), Line("CPU backend", cpu_support.describe_backend())]
    try:
        llama = cpu_support.import_llama_cpp()
        info = llama.llama_print_system_info().decode(errors="replace")
        features = sorted({part.split("=")[0].split(":")[-1].strip() for part in info.split("|")
                           if part.strip().endswith("= 1")})
        lines.append(Line("CPU features used", ", ".join(features) or info.strip()))
        gpu = bool(llama.llama_supports_gpu_offload())
    except Exception as exc:  # a build that cannot load is exactly what this report is for
        return lines + [Line("loads", f"no: {exc}", False)]
    vram = catalog.gpu_vram_bytes()
    lines.append(Line("GPU offload", ("built with GPU support" if gpu else "CPU-only build")
                      + (f"; GPU with {vram / GIB:.1f} GB" if vram else "; no NVIDIA GPU found")))
    return lines


def _data(data_folder: Path) -> list[Line]:
    exists = data_folder.exists()
    lines = [Line("data folder", str(data_folder) + ("" if exists else " (not made yet: the app makes it at start)"))]
    probe = data_folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        free = shutil.disk_usage(probe).free
        lines.append(Line("free space", f"{free / GIB:.1f} GB", free >= _LOW_SPACE))
    except OSError as exc:
        lines.append(Line("free space", f"unknown ({exc})", False))
    writable = os.access(probe, os.W_OK)
    lines.append(Line("writable", "yes" if writable else "no: history and settings cannot be saved", writable))
    return lines


def _models() -> list[Line]:
    try:
        found = library.list_models()
    except OSError as exc:
        return [Line("installed", f"cannot be listed ({exc})", False)]
    if not found:
        return [Line("installed", "none (the bundled model comes with the app; `oci-desktop models list`)")]
    return [Line(entry.name, f"{entry.size_bytes / GIB:.2f} GB, {entry.path}") for entry in found]


def _versions() -> list[Line]:
    lines = [Line("oci-desktop", __version__)]
    for package in ("PySide6-Essentials", "jupyter_client", "ipykernel", "pyseccomp", "numpy", "pandas", "matplotlib"):
        try:
            lines.append(Line(package, importlib.metadata.version(package)))
        except importlib.metadata.PackageNotFoundError:
            lines.append(Line(package, "not installed"))
    return lines


def diagnose() -> Diagnosis:
    """Check this machine now (starts one trial sandbox and loads llama.cpp's library: a second or two)."""
    report = Diagnosis()
    report.sections["System"] = _system()
    report.sections["Sandbox"], report.can_run_code = _sandbox()
    report.sections["Model runtime"] = _llama()
    report.sections["Data"] = _data(data_dir())
    report.sections["Models"] = _models()
    report.sections["Versions"] = _versions()
    return report
