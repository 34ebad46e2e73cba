"""Light and dark palettes (Fusion style), and the font size."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication


def apply_theme(app: QApplication, theme: str, font_size: int) -> None:
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSize(font_size)
    app.setFont(font)
    if theme == "system":
        app.setPalette(app.style().standardPalette())
        return
    palette = QPalette()
    if theme == "dark":
        colors = {QPalette.ColorRole.Window: "#1f2328", QPalette.ColorRole.WindowText: "#e6edf3",
                  QPalette.ColorRole.Base: "#0d1117", QPalette.ColorRole.AlternateBase: "#161b22",
                  QPalette.ColorRole.Text: "#e6edf3", QPalette.ColorRole.Button: "#21262d",
                  QPalette.ColorRole.ButtonText: "#e6edf3", QPalette.ColorRole.Highlight: "#1f6feb",
                  QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#161b22",
                  QPalette.ColorRole.ToolTipText: "#e6edf3", QPalette.ColorRole.PlaceholderText: "#7d8590"}
    else:
        colors = {QPalette.ColorRole.Window: "#f6f8fa", QPalette.ColorRole.WindowText: "#1f2328",
                  QPalette.ColorRole.Base: "#ffffff", QPalette.ColorRole.Text: "#1f2328",
                  QPalette.ColorRole.Button: "#f6f8fa", QPalette.ColorRole.ButtonText: "#1f2328",
                  QPalette.ColorRole.Highlight: "#0969da", QPalette.ColorRole.HighlightedText: "#ffffff"}
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    muted = QColor("#6e7781" if theme == "dark" else "#8c959f")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, muted)
    app.setPalette(palette)
