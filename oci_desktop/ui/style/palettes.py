"""The app's two palettes, and which of their colours are drawn on which.

Every colour the window uses is named here, so that one test (tests/unit/test_theme_contrast.py)
can check each text and icon colour against each background it is drawn on, in both themes,
against WCAG 2.1 AA: 4.5:1 for text, 3:1 for icons and large text.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Palette:
    """One theme's colours, as #rrggbb."""

    name: str
    window: str          # the window behind the panes
    surface: str         # panes, cards, input fields
    raised: str          # blocks inside a card: code, output, the welcome tiles
    sidebar: str         # the conversations column
    border: str          # card edges and separators (decoration, not a boundary a person must see)
    edge: str            # the outline of a text field or picker: a person must see where to type (3:1)
    text: str
    muted: str           # secondary text: labels, durations, notes
    accent: str          # links, the focus ring, the primary button
    on_accent: str       # text on the primary button
    user: str            # the user's message bubble
    on_user: str         # its text
    selection: str       # the selected conversation, selected text
    on_selection: str
    success: str         # a run that finished
    error: str           # a run that failed, an error note
    warning: str         # a timeout, an interrupted run, stderr
    icon: str            # icons of tool buttons and the sidebar
    code_style: str      # the pygments style for code blocks (its own colours, its own background)

    def colors(self) -> dict[str, str]:
        """Name -> colour, for the style sheet."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("name", "code_style")}


LIGHT = Palette(
    name="light", window="#f3f4f6", surface="#ffffff", raised="#f6f8fa", sidebar="#eceef2", border="#d6dae0", edge="#7d8590",
    text="#1f2328", muted="#59636e", accent="#0860ca", on_accent="#ffffff", user="#dcebfd", on_user="#112239",
    selection="#cfe2fb", on_selection="#112239", success="#1a7f37", error="#c21f2b", warning="#8a5a00",
    icon="#4a535d", code_style="a11y-light")

DARK = Palette(
    name="dark", window="#0e1116", surface="#161b22", raised="#1e242c", sidebar="#11151b", border="#30363d", edge="#6e7681",
    text="#e6edf3", muted="#9aa4ae", accent="#4f9cf9", on_accent="#0b1320", user="#1d3557", on_user="#eef4fb",
    selection="#1f3a5f", on_selection="#eef4fb", success="#3fb950", error="#ff7b72", warning="#d9a43a",
    icon="#b1bac4", code_style="a11y-dark")

PALETTES = {"light": LIGHT, "dark": DARK}

BACKGROUNDS_OF_TEXT = {
    "text": ("window", "surface", "raised", "sidebar"),
    "muted": ("window", "surface", "raised", "sidebar"),
    "accent": ("surface", "raised"),
    "on_accent": ("accent",),
    "on_user": ("user",),
    "on_selection": ("selection",),
    "success": ("surface", "raised"),
    "error": ("surface", "raised", "window"),
    "warning": ("surface", "raised"),
}
"""Each text colour and the backgrounds it is drawn on: 4.5:1 at least."""

BACKGROUNDS_OF_ICONS = {
    "icon": ("window", "surface", "raised", "sidebar", "selection"),
    "edge": ("window", "surface", "sidebar"),
    "muted": ("surface", "raised", "sidebar"),
    "accent": ("surface", "raised", "window"),
    "on_accent": ("accent",),
    "success": ("surface", "raised"),
    "error": ("surface", "raised"),
    "warning": ("surface", "raised"),
}
"""Each icon (and field outline) colour and the backgrounds it is drawn on: 3:1 at least (WCAG
1.4.11, graphics and the boundaries of controls)."""
