"""Every text and icon colour of both themes meets WCAG 2.1 AA on each background it is drawn on,
computed from the theme's own colours (oci_desktop/ui/style/palettes.py)."""

import dataclasses

import pytest

from oci_desktop.ui.style.code_style import token_colors
from oci_desktop.ui.style.contrast import AA_GRAPHICS, AA_TEXT, contrast
from oci_desktop.ui.style.palettes import BACKGROUNDS_OF_ICONS, BACKGROUNDS_OF_TEXT, PALETTES, Palette

BACKGROUNDS = {"window", "surface", "raised", "sidebar", "user", "selection", "accent"}


def failures(palette: Palette, table: dict, floor: float) -> list[str]:
    found = []
    for fg, backgrounds in table.items():
        for bg in backgrounds:
            ratio = contrast(getattr(palette, fg), getattr(palette, bg))
            if ratio < floor:
                found.append(f"{palette.name}: {fg} {getattr(palette, fg)} on {bg} {getattr(palette, bg)} is {ratio:.2f}:1")
    return found


def test_the_formula_gives_the_standards_figures():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes on white


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_text_meets_4_5_to_1(name):
    assert failures(PALETTES[name], BACKGROUNDS_OF_TEXT, AA_TEXT) == []


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_icons_meet_3_to_1(name):
    assert failures(PALETTES[name], BACKGROUNDS_OF_ICONS, AA_GRAPHICS) == []


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_code_colours_meet_4_5_to_1_on_the_code_background(name):
    palette = PALETTES[name]
    low = {c: round(contrast(c, palette.raised), 2) for c in token_colors(palette.code_style)
           if contrast(c, palette.raised) < AA_TEXT}
    assert low == {}


def test_every_colour_that_is_drawn_on_something_is_checked():
    names = {f.name for f in dataclasses.fields(Palette)} - {"name", "code_style", "border"}
    checked = set(BACKGROUNDS_OF_TEXT) | set(BACKGROUNDS_OF_ICONS)
    assert names - BACKGROUNDS - checked == set()
    assert {bg for table in (BACKGROUNDS_OF_TEXT, BACKGROUNDS_OF_ICONS) for bgs in table.values() for bg in bgs} <= BACKGROUNDS
