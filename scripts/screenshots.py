"""The README's pictures of the window, in light and dark, at 820 and 1400 px wide: first run, a
turn with a plot, an error card, the models dialog and the settings.

The model is the tests' scripted one (tests/support/engines.py), so the pictures show the app's
look, not a model's luck, and no model is loaded; the sandbox and its kernel are real.
Run under a virtual screen:
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py
Writes docs/screenshots/{first-run,plot-turn,error-card,models,settings}-{light,dark}-{820,1400}.png
and narrow-code-{light,dark}-820.png (the code pane opened in a narrow window).
"""

import dataclasses
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OCI_DESKTOP_DATA", tempfile.mkdtemp(prefix="oci-screenshots-"))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from oci_desktop.ui.dialogs.models_dialog import ModelsDialog  # noqa: E402
from oci_desktop.ui.dialogs.settings_dialog import SettingsDialog  # noqa: E402
from oci_desktop.ui.window.main_window import MainWindow  # noqa: E402
from oci_desktop.ui.window.panes import CODE  # noqa: E402
from tests.support.engines import ScriptedModels, fence, scripted_session  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
THEMES, WIDTHS, HEIGHT = ("light", "dark"), (820, 1400), 860
NARROW_WIDTH = 820
PLOT_ASK = "Chart the monthly revenue in monthly_sales.csv as bars, and tell me the best month."
PLOT = ("import pandas as pd\nimport matplotlib.pyplot as plt\n\n"
        "sales = pd.read_csv('monthly_sales.csv')\n"
        "plt.figure(figsize=(6, 3))\n"
        "plt.bar(sales['month'], sales['revenue'], color='#4f9cf9')\n"
        "plt.title('Revenue by month')\nplt.tight_layout()\nplt.show()\n"
        "best = sales.loc[sales['revenue'].idxmax()]\n"
        "print(f\"Best month: {best['month']} ({best['revenue']:,.0f})\")")
ERROR_ASK = "What is the average monthly revenue?"
WRONG = ("import pandas as pd\n\nsales = pd.read_csv('monthly_sales.csv')\n"
         "print(sales['Revenue'].mean())")
RIGHT = ("import pandas as pd\n\nsales = pd.read_csv('monthly_sales.csv')\n"
         "print(round(sales['revenue'].mean(), 2))")
REPLIES = [
    "I'll read the file, draw the revenue of each month as a bar, and print the best month.\n\n" + fence(PLOT),
    "The chart is above: revenue climbs through the year, and the best month is printed under it.",
    "The mean of the revenue column gives the average:\n\n" + fence(WRONG),
    "The column is called `revenue`, in lower case. Fixed:\n\n" + fence(RIGHT),
    "The average monthly revenue is 2,656.67, as printed above.",
]


class Shooter:
    """Steps through the pictures as the window becomes ready for each (no fixed sleeps)."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.models = ScriptedModels(*REPLIES)
        self.window = MainWindow(lambda: scripted_session(Path(os.environ["OCI_DESKTOP_DATA"]), self.models))
        self.window.resize(WIDTHS[-1], HEIGHT)
        self.window.show()
        self.steps = iter(self._steps())
        self.waiting = None
        self.timer = QTimer(interval=150, timeout=self._tick)
        self.timer.start()

    def _ready(self) -> bool:
        w = self.window
        return w.status_kernel.text() == "Kernel: idle" and w.status_model.text().startswith("Model: ") \
            and "loading" not in w.status_model.text() and not w.busy

    def _tick(self) -> None:
        if self.waiting is not None and not self.waiting():
            return
        try:
            self.waiting = next(self.steps)
        except StopIteration:
            self.timer.stop()
            self.window.close()
            self.app.quit()

    def _theme(self, theme: str, width: int) -> None:
        w = self.window
        w.settings = dataclasses.replace(w.settings, theme=theme)
        w._apply_settings()
        w.resize(width, HEIGHT)

    def _sized(self, width: int) -> bool:
        """The window has this width (asked again: a window manager may take more than one tick)."""
        if self.window.width() != width:
            self.window.resize(width, HEIGHT)
        return self.window.width() == width

    def _settle(self):
        """Let layout, the batched token painter and the scroll position settle."""
        for _ in range(5):
            self.app.processEvents()

    def _save(self, widget, name: str) -> None:
        self._settle()
        path = OUT / f"{name}.png"
        widget.grab().save(str(path))
        print(path)

    def _each_look(self, name: str, before=None):
        for theme in THEMES:
            for width in WIDTHS:
                self._theme(theme, width)
                yield lambda w=width: self._sized(w)  # the resize and the new theme are laid out
                self._settle()
                if before:
                    before()
                yield lambda: True
                self._save(self.window, f"{name}-{theme}-{width}")

    def _scroll_to(self, kind: str) -> None:
        chat = self.window.chat
        self._settle()
        widgets = chat.cards() if kind == "card" else chat.bubbles()
        if widgets:
            chat.verticalScrollBar().setValue(max(0, widgets[0].y() - (120 if kind == "card" else 8)))

    def _turn_on_sample(self, ask: str, cards: int):
        """The sample CSV added to the conversation, then ask sent; done once cards result cards show."""
        w = self.window
        w.sidebar.sig_upload.emit([str(ROOT / "oci_desktop" / "resources" / "samples" / "monthly_sales.csv")])
        yield lambda: w.sidebar.files.count() > 0
        w.input.setPlainText(ask)
        w.send()
        yield lambda: not w.busy and len(w.chat.cards()) >= cards

    def _steps(self):
        yield self._ready
        yield from self._each_look("first-run")
        w = self.window
        yield from self._turn_on_sample(PLOT_ASK, cards=1)
        yield from self._each_look("plot-turn", lambda: self._scroll_to("card"))
        w._open_conversation(0)
        yield lambda: not w.chat.bubbles()
        yield from self._turn_on_sample(ERROR_ASK, cards=2)
        yield from self._each_look("error-card", lambda: self._scroll_to("card"))
        for theme in THEMES:  # a half-screen window: the code pane opened from its toolbar button
            self._theme(theme, NARROW_WIDTH)
            yield lambda: self._sized(NARROW_WIDTH)
            w.toolbar.code_button.click()
            yield lambda: w.split.is_open(CODE)
            self._save(w, f"narrow-code-{theme}-{NARROW_WIDTH}")
            w.toolbar.code_button.click()
            yield lambda: not w.split.is_open(CODE)
        for theme in THEMES:
            for width in WIDTHS:
                self._theme(theme, width)
                yield lambda: True
                for name, dialog in (("models", ModelsDialog(w, w.transfers)),
                                     ("settings", SettingsDialog(w.settings, w.session.settings_path, w))):
                    dialog.resize(min(width, 1000), dialog.sizeHint().height() if name == "settings" else 640)
                    dialog.show()
                    self._save(dialog, f"{name}-{theme}-{width}")
                    dialog.close()


def main() -> int:
    app = QApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    Shooter(app)
    QTimer.singleShot(300_000, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
