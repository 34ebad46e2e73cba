"""The window never shows, opens or saves a host file through something the code left in the
workspace, and the names the code chose cannot break the sidebar's rows."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QMessageBox  # noqa: E402

from oci_desktop.ui.chat.cards import ExecutionCard, ScaledImage  # noqa: E402
from oci_desktop.ui.chat.rich_text import RichText  # noqa: E402
from oci_desktop.ui.window import sidebar as sidebar_module  # noqa: E402
from oci_desktop.ui.window.sidebar import Sidebar  # noqa: E402
from oci_desktop.ui.window.sidebar_rows import SIZE_ROLE  # noqa: E402


def png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


PNG = png()

SECRET = b"ssh-ed25519 AAAA-the-host-secret"
ODD_NAME = "a\nb\x1b[31m\u202egnp.csv"


@pytest.fixture
def planted(tmp_path):
    """A workspace holding a plot, a table, a link to a private host file and an oddly named file."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    secret = home / "id_ed25519"
    secret.write_bytes(SECRET)
    secret.chmod(0o600)
    workspace = tmp_path / "ws"
    (workspace / "outputs").mkdir(parents=True)
    (workspace / "outputs" / "cell1-aa.png").write_bytes(PNG)
    os.symlink(secret, workspace / "outputs" / "cell2-bb.png")
    (workspace / "data.csv").write_text("a,b\n1,2\n")
    os.symlink(secret, workspace / "key.txt")
    (workspace / ODD_NAME).write_text("x\n")
    return workspace


def card_texts(card) -> list[str]:
    return [w.toPlainText() for w in card.findChildren(RichText)]


def test_a_plot_swapped_for_a_link_is_not_shown_and_says_why(qtbot, planted):
    result = {"status": "ok", "duration_s": 0.1, "outputs": [
        {"mime": "image/png", "path": "outputs/cell1-aa.png"}, {"mime": "image/png", "path": "outputs/cell2-bb.png"}]}
    card = ExecutionCard(result, planted)
    qtbot.addWidget(card)
    assert len(card.findChildren(ScaledImage)) == 1  # the real plot only
    assert ("outputs/cell2-bb.png is a link to a file outside this conversation's folder: not shown"
            in card_texts(card))


@pytest.fixture
def sidebar(qtbot, planted):
    bar = Sidebar(lambda _search: [])
    qtbot.addWidget(bar)
    bar.resize(280, 600)
    bar.show()
    bar.workspace = planted
    bar.refresh_files()
    return bar


def rows(bar) -> dict:
    return {bar.files.item(i).text(): bar.files.item(i) for i in range(bar.files.count())}


def test_the_file_list_shows_links_as_links_and_odd_names_on_one_line(sidebar):
    listed = rows(sidebar)
    assert set(listed) == {"data.csv", "key.txt", "outputs/cell1-aa.png", "outputs/cell2-bb.png",
                           "a\\x0ab\\x1b[31m\\u202egnp.csv"}
    assert listed["key.txt"].data(SIZE_ROLE) == "link" and listed["data.csv"].data(SIZE_ROLE) == 8
    assert "does not follow" in listed["key.txt"].toolTip()
    heights = {sidebar.files.visualItemRect(item).height() for item in listed.values()}
    assert len(heights) == 1  # the odd name takes one row like the others


def activate(qtbot, bar, item):
    """Open the row as a person does with the keyboard: click it, press Enter."""
    rect = bar.files.visualItemRect(item)
    qtbot.mouseClick(bar.files.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert bar.files.currentItem() is item
    qtbot.keyClick(bar.files, Qt.Key.Key_Return)


def test_opening_a_file_opens_a_copy_and_a_link_is_refused(qtbot, sidebar, planted, monkeypatch):
    opened, warned = [], []
    monkeypatch.setattr(sidebar_module.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text: warned.append((title, text)))
    listed = rows(sidebar)
    activate(qtbot, sidebar, listed["data.csv"])
    qtbot.waitUntil(lambda: bool(opened), timeout=5_000)
    assert not opened[0].startswith(str(planted)) and open(opened[0]).read() == "a,b\n1,2\n"
    activate(qtbot, sidebar, listed["key.txt"])
    qtbot.waitUntil(lambda: bool(warned), timeout=5_000)
    assert warned == [("File not opened", "key.txt is a link to a file outside this conversation's folder: not opened")]
    assert len(opened) == 1


def test_saving_a_copy_works_for_files_and_refuses_links(qtbot, sidebar, tmp_path, monkeypatch):
    target = tmp_path / "saved"
    warned = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text: warned.append(text))
    listed = rows(sidebar)
    sidebar._save_copy(listed["outputs/cell1-aa.png"])
    assert target.read_bytes() == PNG
    target.unlink()
    sidebar._save_copy(listed["outputs/cell2-bb.png"])
    assert not target.exists() and warned == [
        "outputs/cell2-bb.png is a link to a file outside this conversation's folder: not saved"]


@pytest.mark.slow  # the kernel is real
def test_a_later_cell_that_swaps_the_plot_for_a_link_never_gets_the_host_file_into_the_chat(qtbot, tmp_path):
    """The issue's attack through the window: a turn draws a plot, a later cell of the same
    conversation replaces it with a link to a private host file; reopened, the chat says so."""
    from tests.support.engines import ScriptedModels, fence, scripted_session
    from oci_desktop.ui.window.main_window import MainWindow

    secret = tmp_path / "home" / "id_ed25519"
    secret.parent.mkdir(mode=0o700)
    secret.write_bytes(SECRET)
    secret.chmod(0o600)
    plot = "import matplotlib.pyplot as plt\nplt.bar(['Jan', 'Feb'], [3, 5])\nplt.show()"
    swap = (f"import os, glob\nfor p in glob.glob('outputs/*.png'):\n    os.remove(p)\n    os.symlink({str(secret)!r}, p)\n"
            f"open({ODD_NAME!r}, 'w').write('x')")
    models = ScriptedModels(fence(plot), "The chart above.", fence(swap), "Done.")
    window = MainWindow(lambda: scripted_session(tmp_path / "data", models))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.status_kernel.text() == "Kernel: idle", timeout=30_000)
    for text in ("Chart the revenue", "Tidy the folder"):
        window.input.setPlainText(text)
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.busy, timeout=60_000)
    cid = window.conversation_id
    window.sidebar.sig_open.emit(0)
    qtbot.waitUntil(lambda: window.conversation_id != cid, timeout=30_000)
    window.sidebar.sig_open.emit(cid)
    qtbot.waitUntil(lambda: window.conversation_id == cid and bool(window.chat.bubbles()), timeout=30_000)
    cards = window.chat.widget().findChildren(ExecutionCard)
    assert cards and not cards[0].findChildren(ScaledImage)
    assert any("is a link to a file outside this conversation's folder: not shown" in t for t in card_texts(cards[0]))
    listed = rows(window.sidebar)
    plots = [name for name in listed if name.startswith("outputs/")]
    assert plots and all(listed[name].data(SIZE_ROLE) == "link" for name in plots)
    assert "a\\x0ab\\x1b[31m\\u202egnp.csv" in listed
    window.close()
