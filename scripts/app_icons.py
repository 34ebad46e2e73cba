"""Draw the app icon (oci_desktop/resources/oci-desktop.svg) as PNGs at the sizes desktops ask
for (the hicolor theme's 16 to 512 px), into oci_desktop/resources/app-icon/. Run again after
changing the SVG:  QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/app_icons.py
"""

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "oci_desktop" / "resources" / "oci-desktop.svg"
OUT = ROOT / "oci_desktop" / "resources" / "app-icon"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def main() -> int:
    app = QGuiApplication(sys.argv)  # noqa: F841 (Qt wants one for painting)
    OUT.mkdir(exist_ok=True)
    renderer = QSvgRenderer(str(SVG))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(OUT / f"oci-desktop-{size}.png"))
    print(f"{len(SIZES)} sizes in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
