"""Settings: the loop, the model, the sandbox, the look. Saved atomically; a wrong value is named."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QVBoxLayout)

from oci_desktop.engine.llm.profiles import PROFILES
from oci_desktop.engine.settings import Settings, SettingsError, save_settings


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox(minimum=low, maximum=high, value=value)
    box.setSuffix(suffix)
    return box


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, path: Path, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.path, self.settings = path, settings
        form = QFormLayout()
        self.max_rounds = _spin(1, 20, settings.max_rounds)
        self.auto_run = QCheckBox("Run the model's code without asking", checked=settings.auto_run)
        self.temperature = QDoubleSpinBox(minimum=0.0, maximum=2.0, singleStep=0.1, value=settings.temperature)
        self.max_tokens = _spin(16, 32768, settings.max_tokens, " tokens")
        self.n_ctx = _spin(512, 262144, settings.n_ctx, " tokens")
        self.gpu_layers = _spin(-1, 999, settings.gpu_layers)
        self.gpu_layers.setToolTip("-1: all layers on the GPU when the model fits there, else as many as fit "
                                   "(none without a GPU build of llama.cpp); 0: CPU only")
        self.prompt_profile = QComboBox()
        self.prompt_profile.addItem("Automatic (from the model file)", "auto")
        for profile in PROFILES.values():
            self.prompt_profile.addItem(profile.label, profile.key)
            self.prompt_profile.setItemData(self.prompt_profile.count() - 1, profile.summary,
                                            Qt.ItemDataRole.ToolTipRole)
        self.prompt_profile.setCurrentIndex(max(0, self.prompt_profile.findData(settings.prompt_profile)))
        self.prompt_profile.setToolTip("How the model is asked: the chat format and prompt its makers trained and "
                                       "evaluated it with. Automatic reads the family from the model file; choose "
                                       "one only for a file that does not say (a renamed fine-tune).")
        self.reviewer = QLineEdit(settings.reviewer)
        self.reviewer.setPlaceholderText("off; 'same'; a .gguf file, a model's name or http://… of an endpoint")
        self.reviewer.setToolTip("A second model that reads a failed run and guides the model in up to three "
                                 "sentences. A model of its own runs beside the first; 'same' lets the model review "
                                 "its own work. An endpoint's API key comes from OCI_DESKTOP_REVIEWER_API_KEY.")
        self.reviewer_n_ctx = _spin(512, 262144, settings.reviewer_n_ctx, " tokens")
        self.reviewer_gpu_layers = _spin(-1, 999, settings.reviewer_gpu_layers)
        self.reviewer_time_limit = QDoubleSpinBox(minimum=5, maximum=3600, value=settings.reviewer_time_limit_s,
                                                  suffix=" s")
        self.timeout = QDoubleSpinBox(minimum=1, maximum=3600, value=settings.cell_timeout_s, suffix=" s")
        self.memory = _spin(256, 1 << 20, settings.memory_mib, " MiB")
        self.workspace = _spin(16, 1 << 22, settings.workspace_mib, " MiB")
        self.network = QCheckBox("Let code use the network", checked=settings.network)
        self.theme = QComboBox()
        self.theme.addItems(["system", "light", "dark"])
        self.theme.setCurrentText(settings.theme)
        self.font_size = _spin(6, 40, settings.font_size, " pt")
        self.system_prompt = QPlainTextEdit(settings.system_prompt)
        self.system_prompt.setMaximumHeight(120)
        rows = [("Max rounds per turn", self.max_rounds), ("Approval", self.auto_run),
                ("Temperature", self.temperature), ("Max tokens per reply", self.max_tokens),
                ("Context size", self.n_ctx), ("GPU layers", self.gpu_layers), ("Prompt style", self.prompt_profile),
                ("Reviewer", self.reviewer), ("Reviewer context size", self.reviewer_n_ctx),
                ("Reviewer GPU layers", self.reviewer_gpu_layers), ("Reviewer time limit", self.reviewer_time_limit),
                ("Time limit per cell", self.timeout), ("Memory for code", self.memory),
                ("Workspace size", self.workspace), ("Network", self.network), ("Theme", self.theme),
                ("Font size", self.font_size), ("System prompt", self.system_prompt)]
        for label, widget in rows:
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Model and sandbox changes apply to the next model load and the next kernel."))
        layout.addWidget(self.error)
        layout.addWidget(buttons)

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
