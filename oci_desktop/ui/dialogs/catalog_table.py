"""The downloadable models, grouped under a heading per family, each row saying how fast the model
would answer on this computer and what it is good for, with its Download button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableWidget, QTableWidgetItem

from oci_desktop.engine.llm.catalog import CatalogEntry, Machine, recommend

from .model_words import catalog_verdict, family_heading, good_for, short_name

COLUMNS = ["Model", "Size", "Speed here · good for", "Download"]
MODEL, SIZE, ON_THIS_COMPUTER, DOWNLOAD = range(len(COLUMNS))


def by_family(entries: list[CatalogEntry]) -> dict[str, list[CatalogEntry]]:
    """The entries under their family's heading, families and files in catalog order."""
    groups: dict[str, list[CatalogEntry]] = {}
    for entry in entries:
        groups.setdefault(family_heading(entry.model), []).append(entry)
    return groups


class CatalogTable(QTableWidget):
    sig_download = Signal(str, str)
    """Download this file: (repository, file name)."""

    def __init__(self, entries: list[CatalogEntry], machine: Machine, parent=None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setAccessibleName("Model catalog")
        self.verticalHeader().setVisible(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.rows: dict[CatalogEntry, int] = {}
        """The row of each file, for the tests and for anything that wants to point at one."""
        self.headings: list[int] = []
        best = recommend(machine)
        for heading, files in by_family(entries).items():
            self._add_heading(heading)
            for entry in files:
                self._add_file(entry, machine, best is not None and best.entry == entry)
        header = self.horizontalHeader()
        header.setSectionResizeMode(MODEL, QHeaderView.ResizeMode.Fixed)  # a heading spans every column
        for column in (SIZE, DOWNLOAD):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The long text wraps rather than push the buttons out of sight; rows follow it.
        header.setSectionResizeMode(ON_THIS_COMPUTER, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def showEvent(self, event) -> None:  # Qt's name; the style sheet's font is known by now
        self.horizontalHeader().resizeSection(MODEL, self._widest_name())
        super().showEvent(event)

    def _widest_name(self) -> int:
        metrics = self.fontMetrics()
        names = [self.item(row, MODEL).text() for row in self.rows.values()] + [COLUMNS[MODEL]]
        return max(metrics.horizontalAdvance(name) for name in names) + 24

    def _add_heading(self, text: str) -> None:
        row = self.rowCount()
        self.insertRow(row)
        item = QTableWidgetItem(text)
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
        self.setItem(row, 0, item)
        self.setSpan(row, 0, 1, len(COLUMNS))
        self.headings.append(row)

    def _add_file(self, entry: CatalogEntry, machine: Machine, recommended: bool) -> None:
        row = self.rowCount()
        self.insertRow(row)
        first_of_its_model = all(e.model != entry.model for e in self.rows)
        self.rows[entry] = row
        for column, (text, tip) in enumerate(_cells(entry, machine, recommended, first_of_its_model)):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.setItem(row, column, item)
        button = QPushButton("Download")
        button.setAccessibleName(f"Download {entry.model} {entry.quantization}")
        button.setToolTip(f"{entry.size_gb:.1f} GB from {entry.repo}")
        button.clicked.connect(lambda _=False, e=entry: self.sig_download.emit(e.repo, e.file))
        self.setCellWidget(row, DOWNLOAD, button)

    def text(self, entry: CatalogEntry, column: int) -> str:
        """What the row of this file says in a column."""
        return self.item(self.rows[entry], column).text()

    def family_of_row(self, row: int) -> str:
        """The heading a row stands under."""
        return self.item(max(h for h in self.headings if h <= row), 0).text()


def _cells(entry: CatalogEntry, machine: Machine, recommended: bool, first_of_its_model: bool) -> list[tuple[str, str]]:
    """(text, tooltip) of a file's Model, Size and Speed-here cells. What the model is good for is
    said once, on its first file, so that its other files' rows stay one or two lines."""
    verdict = catalog_verdict(entry, machine)
    purpose = f"{entry.model}: {good_for(entry.model)}"
    lines = [verdict.text, "; ".join(filter(None, [good_for(entry.model) if first_of_its_model else "",
                                                    entry.notes]))]
    if recommended:
        lines.append("★ recommended: the biggest model that answers at a usable speed here")
    return [(f"{short_name(entry.model)} {entry.quantization}" + ("  ★" if recommended else ""),
             f"{entry.file}\n{purpose}"),
            (f"{entry.size_gb:.1f} GB", f"Needs {entry.ram_gb:.1f} GB of memory."),
            ("\n".join(filter(None, lines)), f"{purpose}. {verdict.detail}")]
