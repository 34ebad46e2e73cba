"""Settings, grouped as people think of them: General (the look, Auto-run), Model (which one, how
fast here, how it is asked), Sandbox (what code may do) and Advanced (sampling, context, GPU
layers, the reviewer). Every field says in a line what it does; the defaults suit most people.
Saved atomically; a wrong value is named."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QLineEdit,
                               QPlainTextEdit, QSpinBox, QTabWidget, QVBoxLayout)

from oci_desktop.engine.llm.catalog import CATALOG, Machine, this_machine
from oci_desktop.engine.llm.profiles import PROFILES
from oci_desktop.engine.settings import Settings, SettingsError, save_settings

from .help_form import HelpPage, caption
from .model_in_use import model_in_use_text
from .model_words import trade_offs

PAGES = ["General", "Model", "Sandbox", "Advanced"]


def _spin(low: int, high: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox(minimum=low, maximum=high)
    box.setSuffix(suffix)
    return box


def _seconds(low: float, high: float) -> QDoubleSpinBox:
    return QDoubleSpinBox(minimum=low, maximum=high, suffix=" s", decimals=1)


def _gpu_layers() -> QSpinBox:
    box = _spin(-1, 999, " layers")
    box.setSpecialValueText("Automatic")  # shown for -1: as many as fit on the GPU
    return box


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, path: Path, parent=None, machine: Machine | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.path, self.settings = path, settings
        self.machine = machine
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        for page in (self._general(), self._model(), self._sandbox(), self._advanced()):
            self.pages.addTab(page, PAGES[self.pages.count()])
        self.error = caption("", "error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.restore_button = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.restore_button.setToolTip("Put every field back to what the app starts with; nothing is saved "
                                       "until you press Save")
        self.restore_button.clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.show_values(settings)
        self._fit_screen()

    # -- the pages ------------------------------------------------------------------------------

    def _general(self) -> HelpPage:
        page = HelpPage()
        self.theme = QComboBox()
        self.theme.addItems(["system", "light", "dark"])
        page.add("Theme", self.theme, "Light, dark, or follow the desktop's own setting (system).")
        self.font_size = page.add("Text size", _spin(6, 40, " pt"), "The size of text in the whole window.")
        self.auto_run = QCheckBox("Run the model's code without asking")
        page.add("Auto-run", self.auto_run, "The same switch as Auto-run in the toolbar. Off, the code waits in "
                                            "the editor until you run it.")
        self.max_rounds = page.add("Tries per message", _spin(1, 20),
                                   "When code fails, the model reads the error and tries again, up to this "
                                   "many runs for one message.")
        return page

    def _model(self) -> HelpPage:
        page = HelpPage()
        machine = self.machine or this_machine()
        name, details = model_in_use_text(self.settings, machine)
        page.section("The model")
        self.model_name = caption(name, "subtitle")
        self.model_summary = caption(details, "muted")
        for label in (self.model_name, self.model_summary):
            label.setTextFormat(Qt.TextFormat.PlainText)
            page.note(label)
        page.section("Bigger models write better code, but answer more slowly")
        self.trade_offs = caption("\n".join(trade_offs(CATALOG, machine)), "muted")
        page.note(self.trade_offs)
        self.prompt_profile = QComboBox()
        self.prompt_profile.addItem("Automatic (from the model file)", "auto")
        for profile in PROFILES.values():
            self.prompt_profile.addItem(profile.label, profile.key)
            self.prompt_profile.setItemData(self.prompt_profile.count() - 1, profile.summary,
                                            Qt.ItemDataRole.ToolTipRole)
        self.prompt_profile.setToolTip("How the model is asked: the chat format and prompt its makers trained and "
                                       "evaluated it with. Automatic reads the family from the model file; choose "
                                       "one only for a file that does not say (a renamed fine-tune).")
        page.section("How the model is asked")
        page.add("Prompt style", self.prompt_profile, "Leave on Automatic unless a renamed model file answers "
                                                      "badly: then name its family. Applies at the next load.")
        return page

    def _sandbox(self) -> HelpPage:
        page = HelpPage("What the model's code may do. Changes apply from the next kernel start.")
        self.timeout = page.add("Time limit per run", _seconds(1, 3600), "Code still running after this is stopped.")
        self.memory = page.add("Memory for code", _spin(256, 1 << 20, " MiB"),
                               "Code that needs more memory than this is stopped; the model needs memory of its own.")
        self.workspace = page.add("Disk space for files", _spin(16, 1 << 22, " MiB"),
                                  "The most that files written by the code may take.")
        self.network = QCheckBox("Let code use the network")
        page.add("Network", self.network, "Off, code cannot reach the internet. Turn it on only for code you trust "
                                          "to download or send things.")
        return page

    def _advanced(self) -> HelpPage:
        page = HelpPage("The defaults suit most people and most models.")
        page.section("Answers")
        self.temperature = QDoubleSpinBox(minimum=0.0, maximum=2.0, singleStep=0.1)
        page.add("Temperature", self.temperature, "0 gives the same answer each time; higher varies more, and errs "
                                                  "more.")
        self.max_tokens = page.add("Longest reply", _spin(16, 32768, " tokens"),
                                   "A reply is cut off after this many tokens (a token is about ¾ of a word).")
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setMinimumHeight(90)
        self.system_prompt.setMaximumHeight(140)
        page.add("System prompt", self.system_prompt, "The instructions the model reads before each conversation.")
        page.section("Loading the model")
        self.n_ctx = page.add("Context size", _spin(512, 262144, " tokens"),
                              "How much of the conversation the model sees at once; more takes more memory.")
        self.gpu_layers = page.add("GPU layers", _gpu_layers(), "Automatic puts as much of the model on the GPU as "
                                                                "fits; 0 uses the CPU only.")
        self.gpu_layers.setToolTip("-1 (Automatic): all layers on the GPU when the model fits there, else as many "
                                   "as fit (none without a GPU build of llama.cpp); 0: CPU only")
        page.section("Reviewer: a second opinion after a failed run (off by default)")
        self.reviewer = QLineEdit()
        self.reviewer.setPlaceholderText("off; 'same'; a .gguf file, a model's name or http://… of an endpoint")
        self.reviewer.setToolTip("A second model that reads a failed run and guides the model in up to three "
                                 "sentences. A model of its own runs beside the first; 'same' lets the model review "
                                 "its own work. An endpoint's API key comes from OCI_DESKTOP_REVIEWER_API_KEY.")
        page.add("Reviewer", self.reviewer, "Empty: off. 'same': the model reviews its own work. Or a second "
                                            "model's file, name or server address.")
        self.reviewer_n_ctx = page.add("Reviewer context", _spin(512, 262144, " tokens"),
                                       "How much of the failed run the reviewer sees.")
        self.reviewer_gpu_layers = page.add("Reviewer GPU layers", _gpu_layers(),
                                            "As for the model: Automatic, or 0 for the CPU only.")
        self.reviewer_time_limit = page.add("Reviewer time limit", _seconds(5, 3600),
                                            "A slower review is dropped; the model goes on without it.")
        return page

    # -- values ---------------------------------------------------------------------------------

    def show_values(self, settings: Settings) -> None:
        """Fill every field from these settings."""
        self.theme.setCurrentText(settings.theme)
        self.font_size.setValue(settings.font_size)
        self.auto_run.setChecked(settings.auto_run)
        self.max_rounds.setValue(settings.max_rounds)
        self.prompt_profile.setCurrentIndex(max(0, self.prompt_profile.findData(settings.prompt_profile)))
        self.timeout.setValue(settings.cell_timeout_s)
        self.memory.setValue(settings.memory_mib)
        self.workspace.setValue(settings.workspace_mib)
        self.network.setChecked(settings.network)
        self.temperature.setValue(settings.temperature)
        self.max_tokens.setValue(settings.max_tokens)
        self.system_prompt.setPlainText(settings.system_prompt)
        self.n_ctx.setValue(settings.n_ctx)
        self.gpu_layers.setValue(settings.gpu_layers)
        self.reviewer.setText(settings.reviewer)
        self.reviewer_n_ctx.setValue(settings.reviewer_n_ctx)
        self.reviewer_gpu_layers.setValue(settings.reviewer_gpu_layers)
        self.reviewer_time_limit.setValue(settings.reviewer_time_limit_s)

    def restore_defaults(self) -> None:
        """Every field as a new installation has it; the chosen model is kept."""
        self.show_values(Settings(model_path=self.settings.model_path,
                                  reviewer_model_name=self.settings.reviewer_model_name))

    def values(self) -> Settings:
        return replace(self.settings, max_rounds=self.max_rounds.value(), auto_run=self.auto_run.isChecked(),
                       temperature=self.temperature.value(), max_tokens=self.max_tokens.value(),
                       n_ctx=self.n_ctx.value(), gpu_layers=self.gpu_layers.value(),
                       prompt_profile=self.prompt_profile.currentData(),
                       reviewer=self.reviewer.text().strip(), reviewer_n_ctx=self.reviewer_n_ctx.value(),
                       reviewer_gpu_layers=self.reviewer_gpu_layers.value(),
                       reviewer_time_limit_s=self.reviewer_time_limit.value(),
                       cell_timeout_s=self.timeout.value(), memory_mib=self.memory.value(),
                       workspace_mib=self.workspace.value(), network=self.network.isChecked(),
                       theme=self.theme.currentText(), font_size=self.font_size.value(),
                       system_prompt=self.system_prompt.toPlainText())

    def save(self) -> None:
        candidate = self.values()
        try:
            save_settings(candidate, self.path)
        except (SettingsError, OSError) as exc:
            self.error.setText(str(exc))
            return
        self.settings = candidate
        self.accept()

    def _fit_screen(self) -> None:
        """Open at a comfortable size, never bigger than the screen; the pages scroll when it is small."""
        screen = (self.parentWidget() or self).screen() or QGuiApplication.primaryScreen()
        width, height = 640, 600
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 40), min(height, room.height() - 40)
        self.resize(width, height)
