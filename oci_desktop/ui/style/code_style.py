"""The colours of code: accessible-pygments' a11y styles, made to meet WCAG AA on their background
(tests/unit/test_theme_contrast.py checks every token colour against the theme's code background).
The chat's code blocks (markdown_render.py) and the editor (code_editor.py) both use them."""

from __future__ import annotations

from a11y_pygments.a11y_dark.style import Theme as A11yDark
from a11y_pygments.a11y_light.style import Theme as A11yLight
from pygments.style import Style

STYLES: dict[str, type[Style]] = {"a11y-light": A11yLight, "a11y-dark": A11yDark}
"""Imported as classes, not looked up by name: a frozen app has no entry points to find them by."""


def code_style(name: str) -> type[Style]:
    """The pygments style of a palette's code_style."""
    return STYLES[name]


def token_colors(name: str) -> set[str]:
    """Every colour the style gives a token, as #rrggbb."""
    return {f"#{found['color']}" for _, found in STYLES[name] if found["color"]}
