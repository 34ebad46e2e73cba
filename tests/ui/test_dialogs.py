"""The settings and models dialogs, offscreen; downloads against the local test hub."""

import json
import os

import pytest
from PySide6.QtCore import Qt

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from oci_desktop.engine.llm import catalog  # noqa: E402
from oci_desktop.engine.llm.library import list_models  # noqa: E402
from oci_desktop.engine.settings import Settings, load_settings  # noqa: E402
from oci_desktop.ui.dialogs.models_dialog import ModelsDialog  # noqa: E402
from oci_desktop.ui.dialogs.settings_dialog import SettingsDialog  # noqa: E402
from tests.support.fake_hub import FakeHub  # noqa: E402
from tests.support.gguf_files import write_gguf  # noqa: E402


def test_settings_dialog_saves_and_says_when_it_cannot(qtbot, tmp_path):
    path = tmp_path / "settings.json"
    dialog = SettingsDialog(Settings(), path)
    qtbot.addWidget(dialog)
    dialog.max_rounds.setValue(7)
    dialog.theme.setCurrentText("dark")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    saved, problem = load_settings(path)
    assert problem is None and saved.max_rounds == 7 and saved.theme == "dark"
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    again = SettingsDialog(saved, blocked / "settings.json")
    qtbot.addWidget(again)
    again.max_rounds.setValue(9)
    again.save()
    assert "could not be saved" in again.error.text() and again.result() != again.DialogCode.Accepted
    assert load_settings(path)[0].max_rounds == 7


@pytest.fixture
def hub(tmp_path, monkeypatch):
    model = write_gguf(tmp_path / "m.gguf", tensor_bytes=3 * 2**20)
    with FakeHub() as server:
        server.files["tester/Tiny-GGUF/tiny-Q4_K_M.gguf"] = model.read_bytes()
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path / "data"))
        yield server


def test_models_dialog_downloads_with_progress_and_can_remove(qtbot, hub):
    dialog = ModelsDialog()
    qtbot.addWidget(dialog)
    assert len(dialog.catalog.rows) == len(catalog.CATALOG)  # under a heading per family
    seen = []
    dialog.transfers.sig_progress.connect(lambda text, fraction: seen.append(fraction))
    with qtbot.waitSignal(dialog.transfers.sig_finished, timeout=60_000) as done:
        dialog.download("tester/Tiny-GGUF", "tiny-Q4_K_M.gguf")
    assert done.args[1] is True and seen and max(seen) == 1.0
    names = [m.name for m in list_models()]
    assert "tiny-Q4_K_M" in names
    dialog._remove("tiny-Q4_K_M")
    assert "tiny-Q4_K_M" not in [m.name for m in list_models()]
    dialog.done(0)


def test_models_dialog_reports_a_missing_file(qtbot, hub):
    dialog = ModelsDialog()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.transfers.sig_finished, timeout=60_000) as done:
        dialog.download("tester/Tiny-GGUF", "missing.gguf")
    assert done.args[1] is False and "not found" in done.args[0]
    dialog.done(0)


def test_models_dialog_imports_and_refuses_a_damaged_file(qtbot, hub, tmp_path):
    dialog = ModelsDialog()
    qtbot.addWidget(dialog)
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 100)
    with qtbot.waitSignal(dialog.transfers.sig_finished, timeout=60_000) as done:
        dialog.import_file(str(bad))
    assert done.args[1] is False and "bad.gguf" in done.args[0]
    good = write_gguf(tmp_path / "good-model.gguf")
    with qtbot.waitSignal(dialog.transfers.sig_finished, timeout=60_000) as done:
        dialog.import_file(str(good))
    assert done.args[1] is True and "good-model" in [m.name for m in list_models()]
    dialog.done(0)


def test_pause_keeps_and_cancel_deletes_what_was_fetched(qtbot, hub):
    from oci_desktop.engine.llm.download import part_path
    from oci_desktop.engine.llm.library import models_dir

    part = part_path(models_dir() / "tiny-Q4_K_M.gguf")
    hub.chunk_delay = 0.05  # about 2.5 s for the whole file
    dialog = ModelsDialog()
    qtbot.addWidget(dialog)
    for action, kept in ((dialog.pause.click, True), (dialog._cancel, False)):
        progress = []

        def seen(text, fraction, progress=progress):
            progress.append(fraction)

        dialog.transfers.sig_progress.connect(seen)
        dialog.download("tester/Tiny-GGUF", "tiny-Q4_K_M.gguf")
        qtbot.waitUntil(lambda: len(progress) > 0, timeout=30_000)
        with qtbot.waitSignal(dialog.transfers.sig_finished, timeout=60_000) as done:
            action()
        assert done.args[1] is False
        assert part.exists() == kept
        dialog.transfers.sig_progress.disconnect(seen)
    dialog.done(0)


def test_diagnosis_dialog_shows_the_report_and_copies_it(qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QGuiApplication

    from oci_desktop.ui.dialogs.diagnosis_dialog import DiagnosisDialog

    monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path))
    dialog = DiagnosisDialog()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.copy_button.isEnabled, timeout=60_000)
    text = dialog.report.toPlainText()
    assert "## Sandbox" in text and "seccomp in force" in text and "## Model runtime" in text
    assert dialog.summary.text().startswith("Everything needed to run code works here")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == text
    dialog.close()


def test_diagnosis_dialog_deleted_mid_check_does_not_abort_the_process(qtbot, monkeypatch):
    """Deleting the dialog without done() (closed while hidden, torn down by its parent) once
    destroyed the running check's QThread with it, and Qt aborts the process for that."""
    import threading

    import shiboken6

    from oci_desktop.engine.diagnosis import Diagnosis
    from oci_desktop.ui.dialogs import diagnosis_dialog

    release = threading.Event()
    monkeypatch.setattr(diagnosis_dialog, "diagnose", lambda: (release.wait(30), Diagnosis())[1])
    dialog = diagnosis_dialog.DiagnosisDialog()
    check = dialog._check
    assert check.isRunning()
    shiboken6.delete(dialog)
    with qtbot.waitSignal(check.finished, timeout=30_000):
        release.set()
    qtbot.waitUntil(lambda: not shiboken6.isValid(check), timeout=5_000)  # it deletes itself


def test_closing_the_diagnosis_dialog_does_not_wait_for_its_checks(qtbot, monkeypatch):
    import threading

    from oci_desktop.engine.diagnosis import Diagnosis
    from oci_desktop.ui.dialogs import diagnosis_dialog

    release = threading.Event()
    monkeypatch.setattr(diagnosis_dialog, "diagnose", lambda: (release.wait(30), Diagnosis())[1])
    dialog = diagnosis_dialog.DiagnosisDialog()
    check = dialog._check
    dialog.done(0)  # returns at once: the window does not freeze while llama.cpp loads
    assert check.isRunning()
    with qtbot.waitSignal(check.finished, timeout=30_000):
        release.set()


def test_models_dialog_says_how_each_installed_model_is_asked(qtbot, hub):
    dialog = ModelsDialog()
    qtbot.addWidget(dialog)
    rows = {dialog.installed.item(r, 0).text(): dialog.installed.item(r, 2) for r in range(dialog.installed.rowCount())}
    asked = rows["Qwen2.5-Coder-0.5B-Instruct (bundled)"]
    assert asked.text() == "Qwen2.5-Coder" and "ChatML as Qwen evaluates it" in asked.toolTip()
    dialog.done(0)


def test_settings_name_the_prompt_style_with_a_word_on_each(qtbot, tmp_path):
    path = tmp_path / "settings.json"
    dialog = SettingsDialog(Settings(), path)
    qtbot.addWidget(dialog)
    assert dialog.prompt_profile.currentData() == "auto"
    index = dialog.prompt_profile.findText("DeepSeek-Coder")
    assert "### Instruction" in dialog.prompt_profile.itemData(index, Qt.ItemDataRole.ToolTipRole)
    dialog.prompt_profile.setCurrentIndex(index)
    dialog.save()
    assert json.loads(path.read_text())["prompt_profile"] == "deepseek-coder"
