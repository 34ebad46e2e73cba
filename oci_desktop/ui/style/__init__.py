"""The look in one place: light and dark palettes, the type and spacing scales, the icons."""
