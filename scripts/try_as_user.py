"""Use the app as a person would: each welcome example and a few everyday questions, each in a new
chat of the real window on the default model, and a screenshot of every finished turn at a narrow
and a wide size, plus how each turn ended (from the app's own store).

Run under a virtual screen: xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/try_as_user.py [OUT [N ...]]
N: the tries to make, by number (default: all; 1-5 are the examples). OUT (default /tmp/oci-tries) gets try-NN-WIDTH.png and endings.txt (the last stored items of each turn), and reopened-WIDTH.png: the first try's chat opened again from the list, as after a restart. A fresh data folder is used,
so the pictures never show your own conversations; the model is the one the app would open.
"""

import os
import sys
import tempfile
from pathlib import Path

DATA = tempfile.mkdtemp(prefix="oci-tries-")
os.environ.setdefault("OCI_DESKTOP_DATA", DATA)

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from oci_desktop.ui.chat.examples import EXAMPLES  # noqa: E402
from oci_desktop.ui.window.main_window import MainWindow  # noqa: E402

QUESTIONS = [
    "What is a 15% tip on a restaurant bill of 86.40? Print the tip and the total.",
    "How many days are there from 3 March 2024 to 25 December 2024?",
    "Which of these numbers are prime: 91, 97, 51, 53, 221?",
    "List the first 10 prime numbers.",
]
WIDTHS = (820, 1400)
TURN_LIMIT_MS = 20 * 60 * 1000


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/oci-tries")
    out.mkdir(parents=True, exist_ok=True)
    tasks = [("example", e) for e in EXAMPLES] + [("question", q) for q in QUESTIONS]
    chosen = [int(n) for n in sys.argv[2:]] or range(1, len(tasks) + 1)
    tasks = [(n, *tasks[n - 1]) for n in chosen]
    app = QApplication(sys.argv)
    window = MainWindow()
    window.resize(WIDTHS[-1], 900)
    window.show()
    state = {"next": 0, "sent": False, "opened": False, "chats": [], "reopened": False}

    def ready() -> bool:
        model = window.status_model.text()
        return window.status_kernel.text() == "Kernel: idle" and not window.busy and model.startswith("Model: ") \
            and model not in ("Model: —", "Model: loading", "Model: error")

    def tick() -> None:
        if not ready():
            return
        index = state["next"]
        if state["sent"]:  # the turn finished: picture it, then the next task in a new chat
            timer.stop()
            QTimer.singleShot(800, lambda: grab(index))
            return
        if index >= len(tasks):
            if not state["reopened"] and state["chats"]:  # the first chat, as it reads when opened again
                state["reopened"] = True
                window.sidebar.sig_open.emit(state["chats"][0])
                return
            timer.stop()
            if state["reopened"]:
                for width in WIDTHS:
                    window.resize(width, 900)
                    app.processEvents()
                    window.chat.verticalScrollBar().setValue(0)
                    app.processEvents()
                    window.grab().save(str(out / f"reopened-{width}.png"))
            app.quit()
            return
        if not state["opened"]:
            state["opened"] = True
            window.sidebar.sig_open.emit(0)  # "New chat"
            return
        _number, kind, task = tasks[index]
        if kind == "example":
            window._use_example(task)
        else:
            window.input.setPlainText(task)
            window.send()
        state["sent"] = True

    def grab(index: int) -> None:
        for width in WIDTHS:
            window.resize(width, 900)
            app.processEvents()
            window.chat.verticalScrollBar().setValue(window.chat.verticalScrollBar().maximum())
            app.processEvents()
            window.grab().save(str(out / f"try-{tasks[index][0]:02d}-{width}.png"))
        state["chats"].append(window.conversation_id)
        items = window.session.timeline(window.conversation_id)
        with open(out / "endings.txt", "a", encoding="utf-8") as endings:  # the stored turn, as reopened
            endings.write(f"## try {tasks[index][0]} ({window.status_model.text()}): {str(tasks[index][2])[:90]}\n")
            endings.writelines(f"{kind}: {str(item)[:400]}\n" for kind, item in items[-3:])
        state.update(next=index + 1, sent=False, opened=False)
        timer.start()

    timer = QTimer(interval=300, timeout=tick)
    timer.start()
    QTimer.singleShot(TURN_LIMIT_MS * len(tasks), app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
