"""First run: the welcome card offers the file that suits this computer as one button; the
download shows progress, pauses, resumes after a restart, and the app switches to the model."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402

from oci_desktop.engine.llm.bundled import BUNDLED_FILE  # noqa: E402
from oci_desktop.engine.llm.download import part_path  # noqa: E402
from oci_desktop.engine.llm.library import models_dir  # noqa: E402
from oci_desktop.engine.settings import load_settings  # noqa: E402
from oci_desktop.ui.window.main_window import MainWindow  # noqa: E402
from oci_desktop.ui.chat.model_offer import OFFLINE, ModelOffer, model_to_offer  # noqa: E402
from tests.support.engines import ScriptedModels, scripted_session  # noqa: E402
from tests.support.fake_hub import FakeHub  # noqa: E402
from tests.support.gguf_files import write_gguf  # noqa: E402
from tests.support.margins import REAL_MODEL

pytestmark = [pytest.mark.slow, REAL_MODEL]  # the kernel is real


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path / "data"))  # the model library lives here too
    return tmp_path / "data"


@pytest.fixture
def hub(tmp_path, data, monkeypatch):
    entry = model_to_offer()
    model = write_gguf(tmp_path / "m.gguf", tensor_bytes=3 * 2**20)
    with FakeHub() as server:
        server.files[f"{entry.repo}/{entry.file}"] = model.read_bytes()
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        server.entry = entry
        yield server


def open_window(qtbot, data, models):
    window = MainWindow(lambda: scripted_session(data, models))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.status_kernel.text() == "Kernel: idle", timeout=30_000)
    offers = window.chat.widget().findChildren(ModelOffer)
    assert len(offers) == 1
    return window, offers[0]


def test_one_click_downloads_checks_and_switches_to_the_model(qtbot, hub, data):
    models = ScriptedModels()
    window, offer = open_window(qtbot, data, models)
    entry = hub.entry
    assert offer.start.text() == f"Download it ({entry.size_gb:.2f} GB)"
    assert f"{entry.model} {entry.quantization} ({entry.size_gb:.2f} GB)" in offer.status.text()
    assert offer.start.accessibleName() == f"Download {entry.model} {entry.quantization} ({entry.size_gb:.2f} GB)"
    qtbot.mouseClick(offer.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(models.sources) and models.sources[-1].path.name == entry.file, timeout=60_000)
    qtbot.waitUntil(lambda: window.status_model.text() == f"Model: {entry.model} {entry.quantization}", timeout=120_000)
    assert "downloaded and checked" in offer.status.text()
    # the default from now on (the worker saves it just after it says "ready": wait for the file)
    qtbot.waitUntil(lambda: load_settings(data / "settings.json")[0].model_path.endswith(entry.file), timeout=10_000)
    assert window.model_box.currentText() == f"{entry.model} {entry.quantization}"
    window.close()


def test_a_paused_download_resumes_after_a_restart(qtbot, hub, data):
    entry = hub.entry
    hub.chunk_delay = 0.05  # about 2.5 s for the whole file
    window, offer = open_window(qtbot, data, ScriptedModels())
    qtbot.mouseClick(offer.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: offer.progress.value() > 0, timeout=30_000)
    assert offer.pause.isVisible() and "Downloading" in offer.status.text()
    qtbot.mouseClick(offer.pause, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.transfers.busy, timeout=30_000)
    part = part_path(models_dir() / entry.file)
    fetched = part.stat().st_size
    assert 0 < fetched < len(hub.files[f"{entry.repo}/{entry.file}"])
    window.close()

    hub.chunk_delay = 0.0
    models = ScriptedModels()
    window, offer = open_window(qtbot, data, models)
    assert offer.start.text().startswith("Resume (")
    qtbot.mouseClick(offer.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(models.sources) and models.sources[-1].path.name == entry.file, timeout=60_000)
    assert f"bytes={fetched}-" in hub.get_requests  # it went on from where it stopped
    assert not part.exists()
    window.close()


def test_offline_the_card_says_so_and_the_bundled_model_stays(qtbot, data, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    models = ScriptedModels()
    window, offer = open_window(qtbot, data, models)
    qtbot.mouseClick(offer.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: offer.status.text() == OFFLINE, timeout=60_000)
    assert offer.start.isVisible() and all(s.path.name == BUNDLED_FILE for s in models.sources)
    assert window.status_model.text() == "Model: Qwen2.5-Coder-0.5B-Instruct (bundled)"
    window.close()
