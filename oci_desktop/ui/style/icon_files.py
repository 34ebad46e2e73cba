"""The icon set's files: Lucide's SVGs (resources/icons, with their ISC licence), as text or, in a
colour of the theme, as a file of their own for a style sheet (which takes images from files only)."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"


@functools.lru_cache(maxsize=None)
def svg_text(name: str) -> str:
    """resources/icons/NAME.svg, drawn in `currentColor`."""
    return (ICONS / f"{name}.svg").read_text()


@functools.lru_cache(maxsize=None)
def tinted_file(name: str, color: str, stroke: float = 2, margin: int = 0) -> Path:
    """The icon in this colour and stroke width, as an SVG file in a folder of this user's; margin
    (in the icon's 24-unit grid) pads it on the left (a background image has no offset of its own)."""
    folder = Path(tempfile.gettempdir()) / f"oci-desktop-icons-{os.getuid()}"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}-{color.lstrip('#')}-{stroke:g}-{margin}.svg"
    text = svg_text(name).replace("currentColor", color).replace('stroke-width="2"', f'stroke-width="{stroke:g}"')
    if margin:
        text = text.replace('viewBox="0 0 24 24"', f'viewBox="-{margin} 0 {24 + margin} 24"').replace(
            'width="24"', f'width="{16 * (24 + margin) // 24}"').replace('height="24"', 'height="16"')
    path.write_text(text)
    return path
