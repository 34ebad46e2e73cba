"""The designed parts of the window on their own: themes, code block links, the thinking line,
conversations by day, files with their sizes. No kernel, no model."""

import datetime as dt
import os
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QUrl, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from oci_desktop.ui.chat.cards import MessageBubble  # noqa: E402
from oci_desktop.ui.chat.chat_view import ChatView  # noqa: E402
from oci_desktop.ui.chat.markdown_render import fence_codes, fence_key  # noqa: E402
from oci_desktop.ui.style import theme  # noqa: E402
from oci_desktop.ui.style.palettes import DARK, LIGHT  # noqa: E402
from oci_desktop.ui.window.sidebar import Sidebar  # noqa: E402
from oci_desktop.ui.window.sidebar_rows import HEADING_ROLE, day_heading, size_text  # noqa: E402

REPLY = "Two blocks:\n\n```python\nprint(1)\n```\n\nand\n\n```python\nprint(2)\n```\n"


@pytest.fixture
def app(qapp):
    yield qapp
    theme.apply_theme(qapp, "light", 11)


def test_the_manual_choice_and_the_system_scheme_pick_the_palette(app):
    assert theme.apply_theme(app, "dark", 11) is DARK and theme.current() is DARK
    assert app.palette().window().color().name() == DARK.window
    assert theme.apply_theme(app, "light", 11) is LIGHT
    system_is_dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    assert theme.apply_theme(app, "system", 11) is (DARK if system_is_dark else LIGHT)


def test_the_type_scale_follows_the_font_size(app):
    theme.apply_theme(app, "light", 10)
    assert theme.point_size("body") == 10 and theme.point_size("title") > theme.point_size("body") > \
        theme.point_size("caption")


def test_each_code_block_offers_copy_and_open_in_editor(qtbot, app):
    bubble = MessageBubble("Assistant", REPLY)
    qtbot.addWidget(bubble)
    html = bubble.body.text()
    keys = [fence_key("print(1)\n"), fence_key("print(2)\n")]
    assert all(f"oci-code:copy/{k}" in html and f"oci-code:edit/{k}" in html for k in keys)
    assert set(fence_codes(REPLY)) == set(keys)
    opened = []
    bubble.sig_open_code.connect(opened.append)
    bubble.body.anchorClicked.emit(QUrl(f"oci-code:edit/{keys[1]}"))
    assert opened == ["print(2)\n"]
    bubble.body.anchorClicked.emit(QUrl(f"oci-code:copy/{keys[0]}"))
    assert QApplication.clipboard().text() == "print(1)\n"
    bubble.edit.click()
    assert opened[-1] == "print(1)\n\nprint(2)"


def test_the_thinking_line_shows_until_the_first_token(qtbot):
    chat = ChatView()
    qtbot.addWidget(chat)
    chat.show()
    chat.show_thinking("Running the code")
    assert chat.thinking.state == "Running the code" and "Running the code" in chat.thinking.label.text()
    chat.append_tokens("Hello")
    assert chat.thinking.state == ""
    chat.finish_reply()
    assert [b.text for b in chat.bubbles()] == ["Hello"]


def test_conversations_come_under_day_headings(qtbot):
    now = time.time()
    rows = [{"id": 3, "title": "today", "updated_at": now},
            {"id": 2, "title": "yesterday", "updated_at": now - 86400},
            {"id": 1, "title": "long ago", "updated_at": now - 30 * 86400}]
    sidebar = Sidebar(lambda _search: rows)
    qtbot.addWidget(sidebar)
    sidebar.refresh()
    items = [sidebar.list.item(i) for i in range(sidebar.list.count())]
    assert [i.text() for i in items] == ["today", "yesterday", "long ago"]  # headings are not rows
    assert [i.data(HEADING_ROLE) for i in items] == ["Today", "Yesterday", "Earlier"]


def test_day_headings_and_file_sizes_in_words():
    today = dt.date(2026, 3, 2)
    noon = dt.datetime(2026, 3, 2, 12).timestamp()
    assert day_heading(noon, today) == "Today"
    assert day_heading(noon - 86400, today) == "Yesterday"
    assert day_heading(noon - 3 * 86400, today) == "Earlier"
    assert [size_text(n) for n in (940, 12_400, 3_400_000, 25_000_000)] == ["940 B", "12 KB", "3.4 MB", "25 MB"]


def test_workspace_files_show_their_type_icon_and_size(qtbot, tmp_path):
    (tmp_path / "sales.csv").write_text("a,b\n1,2\n")
    sidebar = Sidebar(lambda _search: [])
    qtbot.addWidget(sidebar)
    sidebar.workspace = tmp_path
    sidebar.refresh_files()
    item = sidebar.files.item(0)
    assert item.text() == "sales.csv" and not item.icon().isNull()
    assert item.data(Qt.ItemDataRole.UserRole + 2) == 8 and sidebar.drop_hint.isHidden()
