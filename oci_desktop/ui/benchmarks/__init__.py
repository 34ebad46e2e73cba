"""`oci-desktop bench gui`, `bench render` and `bench startup`: what the window costs."""
