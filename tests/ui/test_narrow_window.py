"""The window from 640 px wide up (issue 35): every pane stays reachable by a visible button, no
button cuts its text short, nothing in the chat is wider than its pane, and widening back gives
the first start's proportions. No model and no kernel: the engine's events are fed to the window."""

import io
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractButton, QApplication, QPushButton, QToolButton  # noqa: E402

from oci_desktop.engine.events import (CodeProposed, ExecutionFinished, RoundFinished, TokenDelta,  # noqa: E402
                                       TurnFinished)
from oci_desktop.engine.sandbox.result import ExecutionResult, RichOutput  # noqa: E402
from oci_desktop.engine.session import KernelStatus, Session  # noqa: E402
from oci_desktop.ui.chat.welcome import Welcome  # noqa: E402
from oci_desktop.ui.window.fitting_button import FittingButton  # noqa: E402
from oci_desktop.ui.window.main_window import MainWindow  # noqa: E402
from oci_desktop.ui.window.panes import CODE, SIDEBAR  # noqa: E402
from tests.support.engines import ScriptedModels, fence  # noqa: E402
from tests.ui.test_chat_layout import overflowing  # noqa: E402

WIDTHS = (640, 820, 1000, 1280, 1400, 1280)
HEIGHT = 800
PLOT_CODE = ("import pandas as pd\nimport matplotlib.pyplot as plt\n\n"
        "sales = pd.read_csv('monthly_sales.csv')\nplt.bar(sales['month'], sales['revenue'])\nplt.show()\nsales")
TABLE = ('<table border="1" class="dataframe"><thead><tr><th></th>'
         + "".join(f"<th>{name}</th>" for name in ("month", "units_sold", "revenue", "returns", "region", "channel"))
         + "</tr></thead><tbody>"
         + "".join(f"<tr><th>{i}</th><td>2024-{i + 1:02d}</td><td>{120 + 7 * i}</td><td>{15000.5 + 990 * i}</td>"
                   f"<td>{i % 4}</td><td>North-West</td><td>online shop</td></tr>" for i in range(6))
         + "</tbody></table>")


class NoKernelSession(Session):
    """A session on the scripted model whose kernel is never started: the window's layout is
    what these tests look at, and a real sandbox would take seconds per test."""

    def start_kernel(self) -> KernelStatus:
        return KernelStatus("idle", "isolated", "not started in this test")


def no_kernel_window(data: Path) -> MainWindow:
    return MainWindow(lambda: NoKernelSession(data, backend_factory=ScriptedModels()))


def plot_png() -> bytes:
    """A matplotlib-sized plot (600 x 300), as a cell's figure would be saved."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 300), "white")
    draw = ImageDraw.Draw(image)
    for i in range(12):
        draw.rectangle((40 + i * 45, 260 - 15 * i, 70 + i * 45, 260), fill="#4f9cf9")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def finished_turn(window: MainWindow) -> None:
    """A whole turn, as the engine would report it: a reply with code, its run with a plot and a
    table, the model's answer, the turn's end."""
    (window.workspace / "outputs").mkdir(parents=True, exist_ok=True)
    (window.workspace / "outputs" / "cell1-plot.png").write_bytes(plot_png())
    reply = "I'll read the file, chart the revenue of each month and show the table.\n\n" + fence(PLOT_CODE)
    result = ExecutionResult("ok", stdout="Best month: 2024-06 (19,950)\n", duration_s=0.42, outputs=[
        RichOutput("image/png", path="outputs/cell1-plot.png"), RichOutput("text/html", text=TABLE)])
    window.chat.add_user("Chart the monthly revenue in monthly_sales.csv as bars, and show the table.")
    for event in (TokenDelta(reply, 1), CodeProposed(PLOT_CODE, 1), RoundFinished(1, reply, 1),
                  ExecutionFinished(result, 1), TokenDelta("The chart is above; June sold best.", 2),
                  RoundFinished(2, "The chart is above; June sold best.", 0), TurnFinished("done", 2, "It worked.")):
        window.renderer.on_event(event)
    window.chat.stop_thinking()


@pytest.fixture
def window(qtbot, tmp_path):
    win = no_kernel_window(tmp_path / "data")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.conversation_id is not None and bool(win.chat.findChildren(Welcome)), timeout=10_000)
    yield win
    win.close()


def resize(qtbot, window, width: int) -> None:
    window.resize(width, HEIGHT)
    qtbot.waitUntil(lambda: window.width() == width, timeout=5_000)  # never held wider by a minimum
    for _ in range(3):  # labels chosen at the new width are laid out in turn
        QApplication.processEvents()


def clipped_buttons(window) -> list[str]:
    """Each visible button whose words (and icon) need more width than it has."""
    clipped = []
    for button in window.findChildren(QAbstractButton):
        if not button.isVisible() or not button.text():
            continue
        # QPushButton's own hint for the words it shows now (a FittingButton's hint is its long label's)
        needed = (QPushButton.sizeHint(button) if isinstance(button, QPushButton) else button.sizeHint()).width()
        if needed > button.width():
            clipped.append(f"{button.text()!r}: {button.width()} px, needs {needed}")
    return clipped


def chat_overflow(window) -> list[str]:
    chat = window.chat
    wide = overflowing(window)
    if chat.widget().width() > chat.viewport().width() or chat.horizontalScrollBar().maximum() > 0:
        wide.append(f"content {chat.widget().width()} px in a {chat.viewport().width()} px pane")
    return wide


def off_the_toolbar(window) -> list[str]:
    bar = window.toolbar
    shown = [bar.widgetForAction(a) for a in bar.actions_by_name.values()]
    shown += [bar.conversations_button, bar.code_button, window.stop_button, window.model_box, window.auto_run]
    missing = [w.accessibleName() or w.objectName() for w in shown if not w.isVisible() or w.geometry().right() > bar.width()]
    extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    return missing + (["the overflow arrow"] if extension is not None and extension.isVisible() else [])


def problems(window, width: int, state: str) -> list[str]:
    found = clipped_buttons(window) + chat_overflow(window) + off_the_toolbar(window)
    return [f"{width} px, {state}: {problem}" for problem in found]


@pytest.mark.parametrize("turn", [False, True], ids=["first run", "finished turn"])
def test_at_every_width_buttons_keep_their_words_and_the_chat_fits(window, qtbot, turn):
    if turn:
        finished_turn(window)
    found = []
    for width in WIDTHS:
        resize(qtbot, window, width)
        found += problems(window, width, "as it opens")
        if width < 1000:  # the code pane, opened beside the chat, then waiting for approval
            window.split.set_open(CODE, True)
            QApplication.processEvents()
            found += problems(window, width, "code pane open")
            window.code.ask_approval("print('proposed')")
            QApplication.processEvents()
            found += problems(window, width, "code waits for approval")
            window.code.approval_done()
            window.split.set_open(SIDEBAR, True)
            QApplication.processEvents()
    assert found == []


@pytest.mark.parametrize("width", [640, 1000])
def test_the_welcome_screen_fits_its_pane(window, qtbot, width):
    resize(qtbot, window, width)
    welcome = window.chat.findChildren(Welcome)[0]
    assert welcome.width() <= window.chat.viewport().width() and chat_overflow(window) == []
    if width >= 1000:
        assert window.split.is_open(CODE)  # the first run's three panes, all of them
    tiles = welcome.tiles.tiles
    assert all(QPushButton.sizeHint(tile).width() <= tile.width() for tile in tiles)  # one column or more, never cut


def test_the_code_pane_is_one_visible_click_away_in_a_narrow_window(window, qtbot):
    resize(qtbot, window, 820)
    assert not window.tabs.isVisible() and window.sidebar.isVisible()
    button = window.toolbar.code_button
    assert button.isVisible() and button.toolTip() and not button.isChecked()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.tabs.isVisible() and window.tabs.width() > 0, timeout=5_000)
    assert button.isChecked() and not window.sidebar.isVisible()  # one pane beside the chat
    assert window.split.sizes()[1] >= 400  # the chat keeps a readable width
    qtbot.mouseClick(window.toolbar.conversations_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.sidebar.isVisible() and not window.tabs.isVisible(), timeout=5_000)
    assert not button.isChecked() and window.toolbar.conversations_button.isChecked()


def test_widening_back_gives_the_first_starts_proportions(window, qtbot):
    resize(qtbot, window, 1280)
    first = window.split.sizes()
    for width in WIDTHS:
        resize(qtbot, window, width)
        if width == 820:
            qtbot.mouseClick(window.toolbar.code_button, Qt.MouseButton.LeftButton)  # opened there, then widened
    sidebar, chat, code = window.split.sizes()
    assert abs(sidebar - first[0]) <= 2 and chat >= first[1] - 2 and code > 0


def test_the_disabled_stop_button_says_stop(window, qtbot):
    for width in (640, 820, 1400):
        resize(qtbot, window, width)
        stop = window.stop_button
        assert not stop.isEnabled() and stop.text().startswith("Stop")
        assert QPushButton.sizeHint(stop).width() <= stop.width()


def test_a_fitting_button_shows_its_short_label_where_the_long_one_does_not_fit(qtbot):
    from oci_desktop.ui.style import icons

    button = FittingButton(icons.icon("play"), "Run (Ctrl+Enter)", "Run")
    qtbot.addWidget(button)
    button.show()
    qtbot.waitExposed(button)
    assert button.minimumSizeHint().width() < button.sizeHint().width()
    button.resize(button.sizeHint().width(), 30)
    assert button.text() == "Run (Ctrl+Enter)"
    button.resize(button.minimumSizeHint().width(), 30)
    assert button.text() == "Run" and button.toolTip() == "Run (Ctrl+Enter)"
