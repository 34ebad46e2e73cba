"""A page of fields, each with one line of help under it that says what it does in plain words.

The page scrolls, so that a dialog made of such pages fits a small screen however many fields a
page holds. The help is shown (a new user reads it) and is also the field's tooltip and
accessible description (a screen reader says it).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget


def caption(text: str, role: str = "caption") -> QLabel:
    """A wrapped line of secondary text (the style sheet gives "caption" its muted look)."""
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(True)
    return label


class HelpPage(QScrollArea):
    """Labelled fields with a line of help each, in a scroll area."""

    def __init__(self, intro: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.form = QFormLayout(inner)
        # Narrow, a label goes above its field rather than squeezing it.
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if intro:
            self.form.addRow(caption(intro, "muted"))
        self.setWidget(inner)
        self.help: dict[QWidget, QLabel] = {}
        """Each field's help line, for the tests."""

    def add(self, label: str, field: QWidget, help_text: str) -> QWidget:
        """A row: the label, the field, and the help line under the field; returns the field."""
        field.setAccessibleName(label)
        field.setAccessibleDescription(help_text)
        if not field.toolTip():
            field.setToolTip(help_text)
        hint = caption(help_text)
        self.help[field] = hint
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 4)
        column.setSpacing(2)
        column.addWidget(field)
        column.addWidget(hint)
        name = QLabel(label)
        name.setBuddy(field)
        self.form.addRow(name, cell)
        return field

    def section(self, title: str) -> None:
        """A small heading that starts a group of fields."""
        heading = caption(title, "section")
        if self.form.rowCount():
            heading.setContentsMargins(0, 10, 0, 0)  # a gap that sets the group apart from the one above
        self.form.addRow(heading)

    def note(self, widget: QWidget) -> None:
        """A row across the page that is not a field (a summary, an explanation)."""
        self.form.addRow(widget)
