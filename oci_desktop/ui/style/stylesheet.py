"""The application's one style sheet, written from a palette and the scales (theme.py).

Widgets say what they are with an object name (#userCard, #resultCard, #exampleTile) or a
`role` property (muted, caption, title); this sheet alone says how that looks. It never sets a
font on the chat's text browsers: their document would take it, and a streamed reply must stay
the document a full render gives (tests/ui/test_streamed_markdown.py).
"""

from __future__ import annotations

from .palettes import Palette


def stylesheet(p: Palette, body_pt: int, space: dict, radius: dict, scale: dict, images: dict[str, str]) -> str:
    """The style sheet of this palette, for a body font of body_pt points; images are the files of
    the icons it draws itself: check (a checked box's tick), search, up and down (a style sheet
    takes files only)."""
    c = p.colors()
    s, r = space, radius
    pt = {name: round(body_pt * factor, 1) for name, factor in scale.items()}
    return f"""
QMainWindow, QDialog {{ background: {c['window']}; }}
QWidget {{ color: {c['text']}; }}
QToolTip {{ background: {c['surface']}; color: {c['text']}; border: 1px solid {c['border']}; padding: {s['xs']}px; }}

QToolBar#mainBar {{ background: {c['surface']}; border: none; border-bottom: 1px solid {c['border']};
    padding: {s['xs']}px {s['s']}px; spacing: {s['s']}px; }}
QToolBar#mainBar QLabel {{ color: {c['muted']}; }}
QToolButton {{ background: transparent; border: 1px solid transparent; border-radius: {r['s']}px;
    padding: {s['xs']}px {s['s']}px; color: {c['text']}; }}
QToolButton:hover {{ background: {c['raised']}; border-color: {c['border']}; }}
QToolButton:checked {{ background: {c['selection']}; color: {c['on_selection']}; }}
QToolButton:focus {{ border-color: {c['accent']}; }}
QToolButton:disabled {{ color: {c['muted']}; }}

QPushButton {{ background: {c['surface']}; color: {c['text']}; border: 1px solid {c['border']};
    border-radius: {r['s']}px; padding: {s['xs'] + 1}px {s['m']}px; }}
QPushButton:hover {{ background: {c['raised']}; }}
QPushButton:focus {{ border-color: {c['accent']}; }}
QPushButton:disabled {{ color: {c['muted']}; background: {c['raised']}; }}
QPushButton[kind="primary"] {{ background: {c['accent']}; color: {c['on_accent']}; border-color: {c['accent']};
    font-weight: 600; }}
QPushButton[kind="primary"]:disabled {{ background: {c['raised']}; color: {c['muted']}; border-color: {c['border']}; }}
QPushButton[kind="flat"] {{ background: transparent; border-color: transparent; color: {c['muted']};
    padding: {s['xs']}px {s['s']}px; }}
QPushButton[kind="flat"]:hover {{ background: {c['raised']}; color: {c['text']}; }}
QPushButton[kind="flat"]:focus {{ border-color: {c['accent']}; }}

QLineEdit, QPlainTextEdit, QComboBox {{ background: {c['surface']}; color: {c['text']};
    border: 1px solid {c['edge']}; border-radius: {r['s']}px; padding: {s['xs']}px {s['s']}px;
    selection-background-color: {c['selection']}; selection-color: {c['on_selection']}; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus {{ border-color: {c['accent']}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QAbstractSpinBox {{ background: {c['surface']}; color: {c['text']}; border: 1px solid {c['edge']};
    border-radius: {r['s']}px; padding: 3px {s['s']}px; }}
QAbstractSpinBox:focus {{ border-color: {c['accent']}; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ width: 18px; border: none; background: transparent; }}
QAbstractSpinBox::up-arrow {{ image: url({images['up']}); width: 12px; height: 12px; }}
QAbstractSpinBox::down-arrow {{ image: url({images['down']}); width: 12px; height: 12px; }}
QPlainTextEdit#codeEditor {{ background: {c['raised']}; border-radius: {r['s']}px; }}
QLineEdit#search {{ padding-left: 26px; background-image: url({images['search']});
    background-repeat: no-repeat; background-position: left center; background-origin: border; }}
QPlainTextEdit#message {{ border-radius: {r['m']}px; padding: {s['s']}px; }}
QCheckBox {{ spacing: {s['s']}px; }}
QCheckBox::indicator {{ width: 14px; height: 14px; border: 1px solid {c['edge']}; border-radius: 4px;
    background: {c['surface']}; }}
QCheckBox::indicator:checked {{ background: {c['accent']}; border-color: {c['accent']}; image: url({images['check']}); }}
QCheckBox::indicator:focus {{ border-color: {c['accent']}; }}

QListWidget {{ background: transparent; border: none; outline: none; }}
QListWidget::item {{ padding: {s['xs'] + 2}px {s['s']}px; border-radius: {r['s']}px; }}
QListWidget::item:hover {{ background: {c['raised']}; }}
QListWidget::item:selected {{ background: {c['selection']}; color: {c['on_selection']}; }}
QWidget#sidebar {{ background: {c['sidebar']}; }}
QWidget#sidebar QListWidget::item:hover {{ background: {c['surface']}; }}
QWidget#sidebar QListWidget::item:selected {{ background: {c['selection']}; }}
QLabel[role="section"] {{ color: {c['muted']}; font-size: {pt['caption']}pt; font-weight: 600; }}
QLabel[role="muted"] {{ color: {c['muted']}; }}
QLabel[role="caption"] {{ color: {c['muted']}; font-size: {pt['caption']}pt; }}
QLabel[role="title"] {{ font-size: {pt['title']}pt; font-weight: 600; }}
QLabel[role="display"] {{ font-size: {pt['display']}pt; font-weight: 700; }}
QLabel[role="subtitle"] {{ font-size: {pt['subtitle']}pt; font-weight: 600; }}
QLabel[role="success"] {{ color: {c['success']}; font-weight: 600; }}
QLabel[role="error"] {{ color: {c['error']}; font-weight: 600; }}
QLabel[role="warning"] {{ color: {c['warning']}; font-weight: 600; }}

QWidget#chatColumn, QScrollArea#chat, QWidget#chatInner {{ background: {c['window']}; border: none; }}
QFrame#userCard {{ background: {c['user']}; border: none; border-radius: {r['l']}px; }}
QFrame#userCard QTextBrowser, QFrame#userCard QLabel {{ color: {c['on_user']}; }}
QFrame#replyCard {{ background: {c['surface']}; border: 1px solid {c['border']}; border-radius: {r['m']}px; }}
QFrame#replyCard[setAside="true"] {{ background: {c['window']}; border: 1px dashed {c['edge']}; }}
QFrame#replyCard[setAside="true"] QTextBrowser {{ color: {c['muted']}; }}
QFrame#resultCard {{ background: {c['surface']}; border: 1px solid {c['border']}; border-left: 3px solid {c['muted']};
    border-radius: {r['s']}px; }}
QFrame#resultCard[status="ok"] {{ border-left-color: {c['success']}; }}
QFrame#resultCard[status="error"], QFrame#resultCard[status="crashed"] {{ border-left-color: {c['error']}; }}
QFrame#resultCard[status="timeout"], QFrame#resultCard[status="interrupted"],
QFrame#resultCard[status="restarted"] {{ border-left-color: {c['warning']}; }}
QFrame#explanation {{ background: {c['raised']}; border-radius: {r['s']}px; }}
QFrame#note QLabel, QFrame#thinking QLabel {{ color: {c['muted']}; }}
QFrame#note[kind="error"] QLabel {{ color: {c['error']}; }}
QFrame#note[kind="warning"] QLabel {{ color: {c['warning']}; }}
QFrame#offerCard {{ background: {c['surface']}; border: 1px solid {c['border']}; border-radius: {r['m']}px; }}
QFrame#modelChip {{ background: {c['surface']}; border: 1px solid {c['border']}; border-radius: {r['l']}px; }}
QPushButton#exampleTile {{ text-align: left; padding: {s['m']}px {s['m']}px; border-radius: {r['m']}px;
    background: {c['surface']}; }}
QPushButton#exampleTile:hover {{ background: {c['raised']}; border-color: {c['accent']}; }}

QTableWidget {{ background: {c['surface']}; border: 1px solid {c['border']}; border-radius: {r['s']}px;
    gridline-color: {c['border']}; selection-background-color: {c['selection']}; selection-color: {c['on_selection']}; }}
QHeaderView::section {{ background: {c['raised']}; color: {c['muted']}; border: none;
    border-bottom: 1px solid {c['border']}; padding: {s['xs']}px {s['s']}px; font-weight: 600; }}
QGroupBox {{ border: 1px solid {c['border']}; border-radius: {r['m']}px; margin-top: {s['l']}px;
    padding: {s['m']}px {s['s']}px {s['s']}px {s['s']}px; background: {c['surface']}; }}
QGroupBox::title {{ subcontrol-origin: margin; left: {s['s']}px; padding: 0 {s['xs']}px; color: {c['text']};
    font-weight: 600; }}
QTabWidget::pane {{ border: none; border-top: 1px solid {c['border']}; background: {c['surface']}; }}
QTabBar::tab {{ background: transparent; color: {c['muted']}; padding: {s['s']}px {s['l']}px;
    border: none; border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {c['text']}; border-bottom-color: {c['accent']}; }}
QTabBar::tab:hover {{ color: {c['text']}; }}
QWidget#codePane {{ background: {c['surface']}; }}
QSplitter::handle {{ background: {c['border']}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QStatusBar {{ background: {c['surface']}; border-top: 1px solid {c['border']}; }}
QStatusBar QLabel {{ color: {c['muted']}; padding: 0 {s['s']}px; }}
QStatusBar::item {{ border: none; }}
QProgressBar {{ background: {c['raised']}; border: none; border-radius: 3px; max-height: 6px; text-align: center;
    color: transparent; }}
QProgressBar::chunk {{ background: {c['accent']}; border-radius: 3px; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 0; }}
QScrollBar::handle:vertical {{ background: {c['border']}; border-radius: 4px; min-height: 32px; margin: 2px; }}
QScrollBar::handle:vertical:hover {{ background: {c['muted']}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; width: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}
QMenu {{ background: {c['surface']}; border: 1px solid {c['border']}; padding: {s['xs']}px; }}
QMenu::item {{ padding: {s['xs']}px {s['l']}px; border-radius: {r['s']}px; }}
QMenu::item:selected {{ background: {c['selection']}; color: {c['on_selection']}; }}
QMenuBar {{ background: {c['surface']}; }}
QMenuBar::item:selected {{ background: {c['raised']}; }}
"""
