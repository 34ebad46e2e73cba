"""The packages code in the sandbox can import, beside Python's standard library.

One list, chosen on purpose for what people ask a code interpreter to do (the same situation as
ChatGPT's Code Interpreter, which also runs a fixed set with no network). A release bundle
carries exactly these (packaging/ reads this list); a developer's copy has them from
pyproject.toml's dependencies. Installed size of each, with what it pulls in (Linux x86-64
wheels, measured with du): numpy 73 MiB, pandas 84 MiB, matplotlib 35 MiB (without their shared
dependencies), scipy 143 MiB, sympy 86 MiB (with mpmath), Pillow 23 MiB, seaborn 3 MiB,
openpyxl 4 MiB (with et_xmlfile), scikit-learn 54 MiB (with joblib and threadpoolctl),
statsmodels 67 MiB (with patsy). The last two are what data-analysis questions most often reach
for beyond pandas and scipy (regressions, clustering, scaling, time series): without them the
model's code stops at ModuleNotFoundError, as it did on 7 of InfiAgent-DABench's first 72.
"""

PACKAGE_USES = {
    # import name: what it is for, as the model and the user are told
    "numpy": "arrays and maths",
    "pandas": "tables: CSV, Excel, summaries",
    "matplotlib": "plots, shown inline",
    "seaborn": "statistical charts",
    "scipy": "statistics, optimisation, signal processing",
    "sympy": "symbolic maths: equations, derivatives, integrals",
    "openpyxl": "reading and writing Excel files",
    "sklearn": "scikit-learn: machine learning, scaling, clustering",
    "statsmodels": "regression models, statistical tests, time series",
    "PIL": "Pillow: images",
}
KERNEL_PACKAGES = tuple(PACKAGE_USES)


def describe_packages() -> str:
    """One line for people and models: "numpy (arrays and maths), pandas (...), ..."."""
    return ", ".join(f"{name} ({use})" for name, use in PACKAGE_USES.items())
