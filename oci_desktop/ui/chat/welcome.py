"""The first screen of a new chat: what the app does in one line, the model that is ready, the
offer of a bigger model as a card, and the example tasks as tiles with an icon each."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ..style import icons
from ..style.theme import SPACE
from .cards import icon_label, text_label
from .examples import EXAMPLES, Example
from .rich_text import RichText

class ExampleTiles(QWidget):
    """The examples as a grid of tiles, as many columns (one to three) as leave every tile room
    for its title."""

    sig_example = Signal(object)
    """This example (an Example) was picked."""

    def __init__(self) -> None:
        super().__init__()
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(SPACE["s"])
        self.tiles = [self._tile(example) for example in EXAMPLES]
        self._columns = 0
        self._arrange(2)

    def _tile(self, example: Example) -> QPushButton:
        tile = QPushButton(icons.icon(example.icon, "accent"), example.title)
        tile.setObjectName("exampleTile")
        tile.setIconSize(QSize(20, 20))
        tile.setToolTip(example.prompt)
        tile.setAccessibleName(f"Example: {example.prompt}")
        tile.setMinimumHeight(48)
        # as narrow as the column needs: fewer columns come before a tile too narrow for its title
        tile.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        tile.clicked.connect(lambda _=False, e=example: self.sig_example.emit(e))
        return tile

    def _arrange(self, columns: int) -> None:
        if columns == self._columns:
            return
        self._columns = columns
        for tile in self.tiles:
            self.grid.removeWidget(tile)
        for index, tile in enumerate(self.tiles):
            self.grid.addWidget(tile, index // columns, index % columns)
        for column in range(3):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        self.updateGeometry()  # more rows, or fewer: the column around it lays out again

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        spacing = self.grid.horizontalSpacing()
        widest = max(tile.sizeHint().width() for tile in self.tiles)
        self._arrange(max(1, min(3, (event.size().width() + spacing) // (widest + spacing))))


class _TallAsItsText(QFrame):
    """A frame as tall as its wrapped text needs at the width it has: in the chat's scroll area a
    frame gets its minimum height, which does not follow the wrapping of the labels inside."""

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            height = layout.totalHeightForWidth(self.width())
            if height != self.minimumHeight():
                self.setMinimumHeight(height)


class Welcome(_TallAsItsText):
    """The welcome screen, centred in the chat column, at most MAX_WIDTH wide."""

    MAX_WIDTH = 760

    def __init__(self, offer: QWidget | None, model_name: str) -> None:
        super().__init__()
        self.setObjectName("welcome")
        self.setMaximumWidth(self.MAX_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE["l"], SPACE["xxl"], SPACE["l"], SPACE["l"])
        layout.setSpacing(SPACE["m"])
        title = QHBoxLayout()
        title.setSpacing(SPACE["m"])
        title.addWidget(icon_label("sparkles", "accent", 28))
        heading = text_label("Welcome to OCI Desktop", "display")
        heading.setWordWrap(True)
        title.addWidget(heading, stretch=1)
        layout.addLayout(title)
        layout.addWidget(RichText(
            "Ask for something a little Python can do. The model writes the code, a sandbox on this computer "
            "runs it, and the model fixes it when it fails. Nothing leaves your machine.", selectable=False))
        name = html.escape(model_name.removesuffix(" (bundled)") or "the bundled model")
        chip = QFrame()
        chip.setObjectName("modelChip")
        row = QHBoxLayout(chip)
        row.setContentsMargins(SPACE["m"], SPACE["s"], SPACE["m"], SPACE["s"])
        row.setSpacing(SPACE["s"])
        row.addWidget(icon_label("cpu", "success", 16), alignment=Qt.AlignmentFlag.AlignTop)
        row.addWidget(RichText(f"Model: <b>{name}</b>. It handles everyday tasks (charts of your files, tables, "
                               "sums, conversions, text) on any computer, without a network.", selectable=False),
                      stretch=1)
        layout.addWidget(chip)
        layout.addSpacing(SPACE["s"])
        layout.addWidget(text_label("Try one of these", "section"))
        self.tiles = ExampleTiles()
        self.sig_example = self.tiles.sig_example
        layout.addWidget(self.tiles)
        if offer is not None:
            layout.addSpacing(SPACE["s"])
            layout.addWidget(OfferCard(offer))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        # Centred, it gets the width it asks for: all of the column's, up to MAX_WIDTH (its
        # wrapped text alone would ask for less, and leave the tiles in one narrow column).
        return QSize(self.MAX_WIDTH, super().sizeHint().height())


class OfferCard(_TallAsItsText):
    """The offer of a bigger model (ModelOffer) in a card of its own, under an icon and a title."""

    def __init__(self, offer: QWidget) -> None:
        super().__init__()
        self.setObjectName("offerCard")
        row = QHBoxLayout(self)
        row.setContentsMargins(SPACE["l"], SPACE["m"], SPACE["l"], SPACE["m"])
        row.setSpacing(SPACE["m"])
        row.addWidget(icon_label("download", "accent", 22), alignment=Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(SPACE["xs"])
        title = text_label("A stronger model, when you need one", "subtitle")
        title.setWordWrap(True)  # on one line, it made the welcome wider than a narrow chat
        column.addWidget(title)
        column.addWidget(offer)
        row.addLayout(column, stretch=1)
