"""Nothing in the chat is wider than its pane, at a narrow and a wide window, whatever the content."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from oci_desktop.ui.window.main_window import MainWindow  # noqa: E402
from tests.support.engines import ScriptedModels, fence, scripted_session  # noqa: E402

pytestmark = pytest.mark.slow  # the kernel is real
LONG_WORD = "".join(f"{i:03d}" for i in range(200))  # 600 characters without a space (and not a loop)
WORDS = "the model writes code that the sandbox runs and each result goes back so it can fix what failed".split()
PROSE = " ".join(f"{WORDS[i % len(WORDS)]} {WORDS[i * 7 % len(WORDS)]} {i}" for i in range(160))  # long, not a loop
# The code block comes last: a reply ends where its code ends (the code runs before anything more).
REPLY = (PROSE
         + "\n\nA path: /home/someone/" + "/".join(f"folder-{i}-{WORDS[i % len(WORDS)]}" for i in range(25))
         + "/data.csv\n\n"
         + "| " + " | ".join(f"column {i}" for i in range(30)) + " |\n|"
         + "---|" * 30 + "\n| " + " | ".join(f"value{i}" * 3 for i in range(30)) + " |\n\n"
         + fence(f"values = [{', '.join(str(i) for i in range(300))}]\nprint('{LONG_WORD}')"))
TABLE_CODE = "import pandas as pd\npd.DataFrame({f'column_{i}': [i * 1000.5] for i in range(40)})"


def overflowing(window) -> list[str]:
    chat = window.chat
    viewport = chat.viewport().width()
    wide = []
    for widget in chat.widget().findChildren(QWidget):
        if widget.isVisible():
            right = widget.mapTo(chat.viewport(), QPoint(widget.width(), 0)).x()
            if right > viewport + 1:
                wide.append(f"{type(widget).__name__} ends at {right} px, pane is {viewport} px "
                            f"(minimum {widget.minimumSizeHint().width()}, {widget.minimumWidth()}; "
                            f"{widget.accessibleName() or widget.objectName()})")
    return wide


@pytest.mark.parametrize("width", [900, 1600])
def test_long_replies_code_tables_and_errors_fit_the_chat(qtbot, tmp_path, width):
    models = ScriptedModels(fence(f"print('{LONG_WORD}')\nraise ValueError('{LONG_WORD}')"), REPLY, "Done.")
    window = MainWindow(lambda: scripted_session(tmp_path / "data", models))
    qtbot.addWidget(window)
    window.resize(width, 700)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.status_kernel.text() == "Kernel: idle", timeout=30_000)
    window.input.setPlainText("A task with a title far too long for the sidebar to show in full, " * 3)
    window.send()
    qtbot.waitUntil(lambda: not window.busy, timeout=30_000)
    assert window.chat.bubbles()[-2].text == REPLY
    window.editor.setPlainText(TABLE_CODE)
    window.run_editor()
    qtbot.waitUntil(lambda: not window.busy and len(window.chat.cards()) == 3, timeout=30_000)
    QApplication.processEvents()
    cards = window.chat.cards()
    assert cards[0].result["error"]["ename"] == "ValueError" and "<table" in cards[2].result["outputs"][0]["text"]
    assert overflowing(window) == []
    assert window.chat.horizontalScrollBar().maximum() == 0
    bar = window.chat.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == bar.maximum()  # the newest card is in view
    titles = window.sidebar.list
    assert not titles.horizontalScrollBar().isVisible()
    assert titles.visualItemRect(titles.item(0)).right() <= titles.viewport().width()
    window.close()
