"""WCAG 2.1 contrast ratio of two sRGB colours (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).

Ten lines of the standard's own formula; a package for it would be a dependency for one test.
"""

from __future__ import annotations

AA_TEXT = 4.5
"""Body text (WCAG 1.4.3)."""
AA_GRAPHICS = 3.0
"""Icons, the parts of controls a person needs to see, large text (WCAG 1.4.11, 1.4.3)."""


def luminance(color: str) -> float:
    """The relative luminance of #rrggbb."""
    channels = [int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05), the lighter colour's luminance over the darker's: 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
