"""The packages code in the sandbox can import, beside Python's standard library.

One list, chosen on purpose: the same situation as ChatGPT's Code Interpreter, which also runs a
fixed set with no network. A release bundle carries exactly these (packaging/ reads this list);
a developer's copy has them from pyproject.toml's dependencies.
"""

KERNEL_PACKAGES = (
    "numpy",       # arrays and maths
    "pandas",      # tables, CSV and Excel-like work
    "matplotlib",  # plots, shown inline through matplotlib_inline
)
