"""OCI Desktop: a local, offline code interpreter."""

__version__ = "0.1.0"
