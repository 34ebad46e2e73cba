"""Icons: Lucide's SVG files (resources/icons, ISC licence beside them), drawn in the theme's colours.

Lucide draws with `currentColor`; an icon engine puts a palette colour there when Qt asks for a
pixmap, at the size and device pixel ratio asked for, so an icon is sharp at every size and takes
the theme in use when it is painted (a theme change needs no new icons).
"""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

from . import theme
from .icon_files import ICONS, svg_text


FILE_TYPES = {
    ".csv": "file-spreadsheet", ".tsv": "file-spreadsheet", ".xlsx": "file-spreadsheet", ".xls": "file-spreadsheet",
    ".png": "file-image", ".jpg": "file-image", ".jpeg": "file-image", ".gif": "file-image", ".svg": "file-image",
    ".py": "file-code", ".ipynb": "file-code", ".json": "file-code", ".js": "file-code", ".sql": "file-code",
    ".txt": "file-text", ".md": "file-text", ".pdf": "file-text", ".log": "file-text",
}
"""The icon of a workspace file, by its suffix; others get "file"."""


@functools.lru_cache(maxsize=512)
def _renderer(name: str, color: str) -> QSvgRenderer:
    return QSvgRenderer(QByteArray(svg_text(name).replace("currentColor", color).encode()))


class _TintedSvg(QIconEngine):
    """One Lucide icon in a palette colour (role), muted when disabled."""

    def __init__(self, name: str, role: str) -> None:
        super().__init__()
        self.name, self.role = name, role

    def _color(self, mode: QIcon.Mode) -> str:
        palette = theme.current()
        if mode == QIcon.Mode.Disabled:
            return palette.border
        if mode == QIcon.Mode.Selected:
            return palette.on_selection
        return getattr(palette, self.role)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        _renderer(self.name, self._color(mode)).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:  # noqa: N802
        pixmap = self.pixmap(QSize(round(size.width() * scale), round(size.height() * scale)), mode, state)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def clone(self) -> QIconEngine:
        return _TintedSvg(self.name, self.role)


def icon(name: str, role: str = "icon") -> QIcon:
    """The Lucide icon of this name (resources/icons/NAME.svg) in a palette colour: icon, muted,
    accent, on_accent, success, error, warning."""
    if not (ICONS / f"{name}.svg").is_file():
        raise KeyError(f"no icon {name!r} in {ICONS}")
    return QIcon(_TintedSvg(name, role))


def pixmap(name: str, size: int, role: str = "icon", ratio: float = 1.0) -> QPixmap:
    """The icon as a pixmap (for a QLabel), size px square at this device pixel ratio."""
    return icon(name, role).pixmap(QSize(size, size), ratio)


def file_icon(path: Path | str) -> QIcon:
    """The icon of a workspace file, by its type."""
    return icon(FILE_TYPES.get(Path(path).suffix.lower(), "file"))


class IconLabel(QWidget):
    """An icon on its own (beside words that say the same: it is not read out), painted in the
    theme in use each time, so a theme change repaints it."""

    def __init__(self, name: str, role: str = "icon", size: int = 16) -> None:
        super().__init__()
        self._icon = icon(name, role)
        self.setFixedSize(size, size)

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        self._icon.paint(painter, self.rect())
        painter.end()
