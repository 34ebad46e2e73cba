"""Keyboard and screen readers: every control has a name, every action a shortcut or a Tab stop."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAccessible, QAction  # noqa: E402
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QApplication,  # noqa: E402
                               QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QToolButton, QWidget)

from oci_desktop.ui.window.main_window import MainWindow  # noqa: E402
from oci_desktop.ui.chat.rich_text import RichText  # noqa: E402
from tests.support.engines import ScriptedModels, scripted_session  # noqa: E402

pytestmark = pytest.mark.slow  # the kernel is real
CONTROLS = (QAbstractButton, QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractItemView, QAbstractSpinBox)


@pytest.fixture
def window(qtbot, tmp_path):
    win = MainWindow(lambda: scripted_session(tmp_path / "data", ScriptedModels()))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.status_kernel.text() == "Kernel: idle", timeout=30_000)
    yield win
    win.close()


def controls(window):
    return [w for w in window.findChildren(QWidget) if isinstance(w, CONTROLS)
            and w.isVisible() and not isinstance(w, RichText) and w.parent() is not None
            and type(w.parent()).__name__ not in ("QTabBar", "QScrollBar", "QComboBox")]


def test_every_visible_control_has_an_accessible_name(window):
    nameless = []
    for widget in controls(window):
        name = QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
        if not name.strip():
            nameless.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parent()).__name__}")
    assert nameless == []


def test_every_button_is_a_tab_stop_or_has_a_shortcut(window):
    unreachable = []
    for button in controls(window):
        if not isinstance(button, QAbstractButton):
            continue
        action = button.defaultAction() if isinstance(button, QToolButton) else None
        if not button.focusPolicy() & Qt.FocusPolicy.TabFocus and not (action and not action.shortcut().isEmpty()):
            unreachable.append(button.text())
    assert unreachable == []
    assert {"Ctrl+M", "Ctrl+,"} <= {a.shortcut().toString() for a in window.findChildren(QAction)}


def test_tab_walks_from_the_message_box_through_the_main_controls(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    window.editor.setPlainText("print(1)")  # Run is off, so no Tab stop, while there is no code to run
    window.input.setFocus()
    seen = []
    for _ in range(40):
        before = QApplication.focusWidget()
        qtbot.keyClick(before, Qt.Key.Key_Tab)
        if QApplication.focusWidget() is before:  # the code editor indents with Tab: Ctrl+Tab leaves it
            qtbot.keyClick(before, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
        seen.append(QApplication.focusWidget())
    for control in (window.send_button, window.editor, window.code.run_button, window.sidebar.search,
                    window.sidebar.list, window.auto_run):
        assert control in seen, control.accessibleName()


def test_shortcuts_reach_the_actions(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.sidebar.search
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 0
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.input
