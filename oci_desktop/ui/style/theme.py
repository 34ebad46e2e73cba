"""The theme: light or dark (following the system, or as the Settings say), one type scale and one
spacing scale, applied as a Qt palette plus one application style sheet (stylesheet.py).

Widgets that write colours into HTML (the chat's output blocks, highlighted code) ask current()
when they render; the window renders the conversation again when the theme changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from .icon_files import tinted_file
from .palettes import LIGHT, PALETTES, Palette
from .stylesheet import stylesheet

TYPE_SCALE = {"caption": 0.85, "body": 1.0, "subtitle": 1.15, "title": 1.45, "display": 1.9}
"""Text sizes as multiples of the body size (the Settings' font size)."""
SPACE = {"xs": 4, "s": 8, "m": 12, "l": 16, "xl": 24, "xxl": 36}
"""Gaps and paddings in pixels; nothing in the window uses a size off this scale."""
RADIUS = {"s": 6, "m": 10, "l": 14}
"""Corner radii in pixels: controls, cards, the welcome screen's tiles."""

_current: Palette = LIGHT
"""The palette applied last. Module state on purpose: like QApplication.palette(), there is one
look per process, and the HTML renderers have no widget to ask."""


def current() -> Palette:
    """The palette in use."""
    return _current


def point_size(step: str) -> float:
    """A size of the type scale, in points, for the application's body font."""
    app = QApplication.instance()
    base = app.font().pointSizeF() if app else 11.0
    return round(base * TYPE_SCALE[step], 1)


def resolve(theme: str) -> Palette:
    """The palette for a Settings value: light, dark, or system (the desktop's colour scheme)."""
    if theme in PALETTES:
        return PALETTES[theme]
    scheme = QGuiApplication.styleHints().colorScheme()
    return PALETTES["dark" if scheme == Qt.ColorScheme.Dark else "light"]


def qpalette(p: Palette) -> QPalette:
    """The Qt palette of this theme, for the widgets the style sheet leaves to Fusion."""
    palette = QPalette()
    roles = {QPalette.ColorRole.Window: p.window, QPalette.ColorRole.WindowText: p.text,
             QPalette.ColorRole.Base: p.surface, QPalette.ColorRole.AlternateBase: p.raised,
             QPalette.ColorRole.Text: p.text, QPalette.ColorRole.Button: p.surface,
             QPalette.ColorRole.ButtonText: p.text, QPalette.ColorRole.Highlight: p.selection,
             QPalette.ColorRole.HighlightedText: p.on_selection, QPalette.ColorRole.ToolTipBase: p.surface,
             QPalette.ColorRole.ToolTipText: p.text, QPalette.ColorRole.PlaceholderText: p.muted,
             QPalette.ColorRole.Link: p.accent, QPalette.ColorRole.Mid: p.border,
             QPalette.ColorRole.BrightText: p.error}
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(p.muted))
    return palette


def apply_theme(app: QApplication, theme: str, font_size: int) -> Palette:
    """Apply a Settings theme (system, light, dark) and font size to the whole application."""
    global _current
    if app.style().name().lower() != "fusion":
        # A new style object re-polishes every widget, those a closed window left to deleteLater
        # too: set again at each window's start, it crashed Qt once in the suite.
        app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSize(font_size)
    app.setFont(font)
    _current = resolve(theme)
    app.setPalette(qpalette(_current))
    images = {"check": tinted_file("check", _current.on_accent, stroke=3).as_posix(),
              "search": tinted_file("search", _current.muted, margin=6).as_posix(),
              "up": tinted_file("chevron-up", _current.icon).as_posix(),
              "down": tinted_file("chevron-down", _current.icon).as_posix()}
    app.setStyleSheet(stylesheet(_current, font_size, SPACE, RADIUS, TYPE_SCALE, images))
    return _current
