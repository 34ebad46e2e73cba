"""The refine loop: generate code, run it, read the result, refine (OpenCodeInterpreter's loop)."""
