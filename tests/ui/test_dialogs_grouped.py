"""Issue 35: Settings grouped in pages with a line of help per field, fitting a small window; the
Models dialog with a Close button, its installed rows' buttons in sight, the catalog under a
heading per family, and each model's speed on this computer in words and numbers."""

import json
import os
from dataclasses import asdict

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QGroupBox, QPushButton

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from oci_desktop.engine.llm.catalog import CATALOG, Machine  # noqa: E402
from oci_desktop.engine.llm.library import models_dir  # noqa: E402
from oci_desktop.engine.settings import Settings  # noqa: E402
from oci_desktop.ui.dialogs.catalog_table import ON_THIS_COMPUTER  # noqa: E402
from oci_desktop.ui.dialogs.help_form import HelpPage  # noqa: E402
from oci_desktop.ui.dialogs.models_dialog import ModelsDialog  # noqa: E402
from oci_desktop.ui.dialogs.settings_dialog import PAGES, SettingsDialog  # noqa: E402
from oci_desktop.engine.session import ModelSource  # noqa: E402
from oci_desktop.engine.system import usable_cores  # noqa: E402
from tests.support.engines import ScriptedModels, scripted_session  # noqa: E402
from tests.support.fake_kernel import use_fake_kernel  # noqa: E402
from tests.support.gguf_files import write_gguf  # noqa: E402

GiB = 2**30
TWO_CORES = Machine(24 * GiB, cores=2)
"""The issue's machine: 2 cores, 24 GiB, no GPU."""


def _entry(model_suffix: str, quantization: str):
    return next(e for e in CATALOG if e.model.endswith(model_suffix) and e.quantization == quantization)


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path / "data"))
    return tmp_path / "data"


# -- Settings ---------------------------------------------------------------------------------


def _settings_dialog(qtbot, tmp_path, settings=None):
    dialog = SettingsDialog(settings or Settings(), tmp_path / "settings.json", machine=TWO_CORES)
    qtbot.addWidget(dialog)
    return dialog


def _page(dialog, name):
    return dialog.pages.widget(PAGES.index(name))


def test_settings_are_grouped_as_people_think_of_them(qtbot, tmp_path, data):
    dialog = _settings_dialog(qtbot, tmp_path)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert [dialog.pages.tabText(i) for i in range(dialog.pages.count())] == ["General", "Model", "Sandbox", "Advanced"]
    where = {"General": [dialog.theme, dialog.auto_run, dialog.font_size, dialog.max_rounds],
             "Model": [dialog.prompt_profile],
             "Sandbox": [dialog.timeout, dialog.memory, dialog.workspace, dialog.network],
             "Advanced": [dialog.temperature, dialog.max_tokens, dialog.system_prompt, dialog.n_ctx,
                          dialog.gpu_layers, dialog.reviewer, dialog.reviewer_n_ctx, dialog.reviewer_gpu_layers,
                          dialog.reviewer_time_limit]}
    for name, fields in where.items():
        assert all(_page(dialog, name).isAncestorOf(f) for f in fields), name
    assert dialog.pages.currentIndex() == 0 and dialog.theme.isVisible()  # the look comes first
    bar = dialog.pages.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(PAGES.index("Advanced")).center())
    assert dialog.reviewer.isVisible() and not dialog.theme.isVisible()
    assert dialog.gpu_layers.text() == "Automatic"  # not a bare -1


def test_every_settings_field_says_in_a_line_what_it_does(qtbot, tmp_path, data):
    dialog = _settings_dialog(qtbot, tmp_path)
    dialog.show()
    helped = {}
    for index in range(dialog.pages.count()):
        dialog.pages.setCurrentIndex(index)
        page = dialog.pages.currentWidget()
        assert isinstance(page, HelpPage)
        for field, hint in page.help.items():
            assert hint.isVisible() and len(hint.text()) > 20, field.accessibleName()
            assert field.accessibleDescription() == hint.text() and field.toolTip()
            helped[field] = hint.text()
    fields = [dialog.theme, dialog.font_size, dialog.auto_run, dialog.max_rounds, dialog.prompt_profile,
              dialog.timeout, dialog.memory, dialog.workspace, dialog.network, dialog.temperature,
              dialog.max_tokens, dialog.system_prompt, dialog.n_ctx, dialog.gpu_layers, dialog.reviewer,
              dialog.reviewer_n_ctx, dialog.reviewer_gpu_layers, dialog.reviewer_time_limit]
    assert set(fields) <= set(helped)
    assert "toolbar" in helped[dialog.auto_run]  # one switch, said to be the toolbar's


def test_settings_fit_a_small_window_and_scroll_rather_than_clip(qtbot, tmp_path, data):
    dialog = _settings_dialog(qtbot, tmp_path)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 600 and hint.height() <= 440, hint
    dialog.resize(600, 440)
    dialog.show()
    qtbot.waitExposed(dialog)
    save = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Save")
    for index in range(dialog.pages.count()):
        dialog.pages.setCurrentIndex(index)
        page = dialog.pages.currentWidget()
        qtbot.waitUntil(lambda page=page: page.widget().width() <= page.viewport().width())
        assert page.horizontalScrollBar().maximum() == 0, dialog.pages.tabText(index)
        corner = save.mapTo(dialog, QPoint(save.width(), save.height()))
        assert dialog.rect().contains(corner)


def test_every_setting_keeps_its_key_and_value_through_the_dialog(qtbot, tmp_path, data):
    chosen = Settings(max_rounds=5, auto_run=False, system_prompt="Be brief.", temperature=0.7, max_tokens=2048,
                      model_path="/models/x.gguf", n_ctx=8192, gpu_layers=12, prompt_profile="qwen2.5-coder",
                      reviewer="same", reviewer_model_name="m", reviewer_n_ctx=2048, reviewer_gpu_layers=0,
                      reviewer_time_limit_s=45.5, cell_timeout_s=30.5, memory_mib=1024, workspace_mib=512,
                      network=True, theme="dark", font_size=13)
    dialog = _settings_dialog(qtbot, tmp_path, chosen)
    assert dialog.values() == chosen
    dialog.save()
    assert json.loads((tmp_path / "settings.json").read_text()) == asdict(chosen)


def test_restore_defaults_puts_back_what_a_new_installation_has(qtbot, tmp_path, data):
    chosen = Settings(temperature=0.9, gpu_layers=4, theme="dark", network=True, model_path="/models/x.gguf")
    dialog = _settings_dialog(qtbot, tmp_path, chosen)
    dialog.show()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.values() == Settings(model_path="/models/x.gguf")  # the chosen model stays


def test_the_model_page_says_how_fast_the_model_is_here(qtbot, tmp_path, data):
    seven_b = _entry("Coder-7B-Instruct", "Q4_K_M")
    path = write_gguf(tmp_path / seven_b.file)
    dialog = _settings_dialog(qtbot, tmp_path, Settings(model_path=str(path)))
    assert dialog.model_name.text() == "Qwen2.5-Coder-7B-Instruct Q4_K_M"
    summary = dialog.model_summary.text()
    assert "slow: about 3.4 tokens/s" in summary and "2 CPU cores" in summary and "toolbar" in summary
    lines = dialog.trade_offs.text().splitlines()
    assert lines[0].startswith("Small (") and "fast" in lines[0]
    assert lines[-1].startswith("Large (33B): very slow here, about 0.8 tokens/s")


# -- Models -----------------------------------------------------------------------------------


def _models_dialog(qtbot, machine=TWO_CORES):
    dialog = ModelsDialog(machine=machine)
    qtbot.addWidget(dialog)
    return dialog


def test_the_close_button_closes_the_models_dialog(qtbot, data):
    dialog = _models_dialog(qtbot)
    dialog.show()
    qtbot.waitExposed(dialog)
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert close.isVisible()
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Rejected


def test_installed_rows_show_their_buttons_not_a_stray_bar(qtbot, data):
    models_dir().mkdir(parents=True)
    path = write_gguf(models_dir() / "my-model.gguf")
    dialog = _models_dialog(qtbot)
    dialog.resize(900, 640)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.installed
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "my-model")
    cell = table.cellWidget(row, table.columnCount() - 1)
    assert not isinstance(cell, QGroupBox) and not cell.findChildren(QGroupBox)  # its frame was the bar
    buttons = {b.text(): b for b in cell.findChildren(QPushButton)}
    assert set(buttons) == {"Use", "Remove"}
    for button in buttons.values():
        assert button.isVisible() and button.height() >= button.minimumSizeHint().height()
        assert button.visibleRegion().boundingRect() == button.rect()  # all of it in sight
    assert "tokens/s" in table.item(row, 3).text()
    with qtbot.waitSignal(dialog.sig_use_model) as used:
        qtbot.mouseClick(buttons["Use"], Qt.MouseButton.LeftButton)
    assert used.args == [str(path)]
    dialog.done(0)


def test_the_catalog_is_grouped_by_family_under_honest_headings(qtbot, data):
    dialog = _models_dialog(qtbot)
    table = dialog.catalog
    assert set(table.rows) == set(CATALOG)
    headings = [table.item(r, 0).text() for r in table.headings]
    assert [h.split(":")[0] for h in headings] == ["OpenCodeInterpreter", "Qwen2.5-Coder"]
    for entry, row in table.rows.items():
        family = "Qwen2.5-Coder" if entry.model.startswith("Qwen") else "OpenCodeInterpreter"
        assert table.family_of_row(row).startswith(family + ":"), entry.model
    dialog.done(0)


def test_each_model_says_how_fast_it_would_be_on_a_two_core_machine(qtbot, data):
    dialog = _models_dialog(qtbot)

    def says(suffix, quantization):
        return dialog.catalog.text(_entry(suffix, quantization), ON_THIS_COMPUTER)

    assert says("DS-33B", "IQ3_XXS").startswith("Fits in memory, but about 1.2 tokens/s here: very slow")
    assert says("DS-33B", "Q4_K_M").startswith("Barely fits in memory, but about 0.8 tokens/s here: very slow")
    assert says("DS-6.7B", "IQ4_XS").startswith("Slow: about 4.4 tokens/s")
    assert says("Coder-7B-Instruct", "Q4_K_M").startswith("Slow: about 3.4 tokens/s")
    assert says("DS-1.3B", "Q4_K_M").startswith("Fast: about 18 tokens/s")
    assert "Everyday coding" in says("DS-6.7B", "IQ4_XS")  # what it is good for, on the model's first file
    assert "★ recommended" in says("DS-1.3B", "Q4_K_M")
    dialog.done(0)


def test_too_big_and_gpu_and_measured_speeds_are_said_so(qtbot, data):
    small = _models_dialog(qtbot, Machine(8 * GiB, cores=8))
    assert small.catalog.text(_entry("DS-33B", "Q4_K_M"), ON_THIS_COMPUTER).startswith("Too big")
    small.done(0)
    gpu = _models_dialog(qtbot, Machine(32 * GiB, 24 * GiB, True, cores=8))
    assert gpu.catalog.text(_entry("DS-6.7B", "IQ4_XS"), ON_THIS_COMPUTER).startswith("Runs on the GPU")
    gpu.done(0)
    ds67 = _entry("DS-6.7B", "IQ4_XS")
    bench = {(ds67.model, "IQ4_XS"): {"model": ds67.model, "quantization": "IQ4_XS", "threads": 2,
                                      "tokens_per_s": 9.0, "file_bytes": int(ds67.size_gb * 1e9)}}
    measured = _models_dialog(qtbot, Machine(24 * GiB, cores=2, speeds=bench))
    assert measured.catalog.text(ds67, ON_THIS_COMPUTER).startswith("Usable: about 9.0 tokens/s (measured)")
    measured.done(0)


def test_an_installed_file_that_answered_here_says_its_speed_was_measured(qtbot, data, monkeypatch):
    use_fake_kernel(monkeypatch)
    models_dir().mkdir(parents=True)
    path = write_gguf(models_dir() / "my-model.gguf")
    models = ScriptedModels("A reply long enough to be timed, in small pieces. " * 4, seconds_per_chunk=0.001,
                            cpu_threads=usable_cores())  # a file decoding on this CPU, as the app runs it
    session = scripted_session(data, models)
    try:
        session.choose_model(ModelSource.local(path, gpu_layers=0))
        list(session.send("Say something"))
    finally:
        session.close()
    dialog = ModelsDialog()  # this computer, as the app opens the dialog
    qtbot.addWidget(dialog)
    table = dialog.installed
    speed = table.item(next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "my-model"), 3)
    assert speed.text().endswith("tokens/s (measured)")
    assert "from the model's own replies" in speed.toolTip() and "synthetic" not in speed.toolTip()
    dialog.done(0)


def test_the_models_dialog_fits_a_small_window(qtbot, data):
    dialog = _models_dialog(qtbot)
    dialog.resize(600, 520)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.catalog.horizontalScrollBar().maximum() == 0)
    assert dialog.installed.horizontalScrollBar().maximum() == 0
    close = dialog.buttons.button(QDialogButtonBox.StandardButton.Close)
    assert dialog.rect().contains(close.mapTo(dialog, QPoint(close.width(), close.height())))
    dialog.done(0)
