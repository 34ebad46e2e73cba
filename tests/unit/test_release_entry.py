"""The release bundle's entry point and its choice of llama.cpp CPU backend, tested from source.

The frozen bundle itself is built and run by packaging/linux/build.sh and smoke_test.py (CI);
these check the same code paths without freezing anything.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from oci_desktop.engine.llm import cpu_support

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def frozen_main(monkeypatch):
    spec = importlib.util.spec_from_file_location("frozen_main", ROOT / "packaging" / "frozen_main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(sys, "argv", list(sys.argv))  # run_as_python sets it, as an interpreter would
    return module


def test_dash_m_runs_a_module_as_main_with_its_arguments(frozen_main, tmp_path, monkeypatch):
    (tmp_path / "probe_module.py").write_text(
        "import sys, pathlib\nif __name__ == '__main__':\n"
        "    pathlib.Path(sys.argv[1]).write_text(repr(sys.argv[1:]))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "out.txt"
    assert frozen_main.run_as_python(["-m", "probe_module", str(out), "--flag"])
    assert out.read_text() == repr([str(out), "--flag"])


def test_dash_c_runs_code_and_interpreter_options_are_accepted(frozen_main, tmp_path):
    out = tmp_path / "out.txt"
    code = f"import sys; open({str(out)!r}, 'w').write(__name__ + ' ' + ' '.join(sys.argv))"
    assert frozen_main.run_as_python(["-I", "-u", "-c", code, "extra"])
    assert out.read_text() == "__main__ -c extra"


def test_a_script_path_runs_the_script(frozen_main, tmp_path):
    out = tmp_path / "out.txt"
    script = tmp_path / "job.py"
    script.write_text(f"import sys; open({str(out)!r}, 'w').write(sys.argv[-1])")
    assert frozen_main.run_as_python([str(script), "hello"])
    assert out.read_text() == "hello"


def test_the_apps_own_arguments_are_left_to_the_cli(frozen_main):
    for args in ([], ["exec", "-"], ["ask", "hello", "--yes"], ["--version"], ["missing.py"]):
        assert not frozen_main.run_as_python(args)


def _compile(source: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    c_file, library = folder / "probe.c", folder / "libprobe.so"
    c_file.write_text(source)
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(library), str(c_file)], check=True)
    return library


def test_cpuid_probe_agrees_with_the_kernels_view_of_this_processor(tmp_path):
    probe = _compile((ROOT / "packaging" / "linux" / "cpu_level.c").read_text(), tmp_path)
    flags = set(next(line for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("flags")).split(":")[1].split())
    v3 = {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"}  # abm: the kernel's name for lzcnt
    v2 = {"cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"}
    expected = 3 if v3 | v2 <= flags else 2 if v2 <= flags else 1
    assert cpu_support.processor_level(probe) == expected


def test_backend_follows_the_processor_and_an_old_one_is_refused_in_words(tmp_path, monkeypatch):
    monkeypatch.delenv(cpu_support.CPU_ENV, raising=False)
    for level, backend in ((3, cpu_support.V3), (2, cpu_support.V2)):
        probe = _compile(f"int oci_cpu_level(void) {{ return {level}; }}", tmp_path / str(level))
        assert cpu_support.choose_backend(probe) == backend
        assert os.environ[cpu_support.CPU_ENV] == backend  # the processes it starts inherit the choice
        monkeypatch.delenv(cpu_support.CPU_ENV)
    old = _compile("int oci_cpu_level(void) { return 1; }", tmp_path / "1")
    with pytest.raises(cpu_support.ProcessorTooOld, match="SSE4.2"):
        cpu_support.choose_backend(old)


def test_an_explicit_choice_wins_over_the_probe(tmp_path, monkeypatch):
    monkeypatch.setenv(cpu_support.CPU_ENV, cpu_support.V2)
    assert cpu_support.choose_backend(tmp_path / "no-such-probe.so") == cpu_support.V2
    assert "SSE4.2" in cpu_support.describe_backend()


def test_a_frozen_app_binds_its_own_folder_into_the_sandbox_and_finds_its_model_there(tmp_path, monkeypatch):
    from oci_desktop.engine.llm import bundled
    from oci_desktop.engine.sandbox import launcher

    app_dir = tmp_path / "opt" / "oci-desktop"
    (app_dir / "_internal" / bundled.FROZEN_FOLDER).mkdir(parents=True)
    (app_dir / "_internal" / bundled.FROZEN_FOLDER / bundled.BUNDLED_FILE).write_bytes(b"GGUF")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app_dir / "oci-desktop"))
    monkeypatch.setattr(sys, "_MEIPASS", str(app_dir / "_internal"), raising=False)
    assert launcher.python_prefixes() == [str(app_dir.resolve())]
    assert bundled.bundled_model_path() == app_dir / "_internal" / bundled.FROZEN_FOLDER / bundled.BUNDLED_FILE
