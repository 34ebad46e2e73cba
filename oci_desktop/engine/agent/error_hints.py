"""What the loop tells the model beside an error that its traceback alone does not get it to fix.

Two kinds of failure kept a small model going round in circles on DABench (1.5B, 18eb1d8 run):

- A column name that differs from the file's only by spaces or case. Told the exact name, the 1.5B
  mended one line of two and then repeated itself for six rounds (DABench/586). Shown its own code
  with the names mended, it has something to copy.
- The libraries here are newer than what the model learned from. pandas no longer leaves text
  columns out of corr() and mean(), reads "5,350,380" as text, and scikit-learn dropped
  mean_squared_error(squared=False). The model's fix for "could not convert string to float:
  'Switzerland'" was to strip the country names (DABench/117), for three rounds.
"""

from __future__ import annotations

import io
import re
import tokenize
import warnings
from ast import literal_eval
from pathlib import Path

from ..sandbox.result import ErrorInfo
from ..workspace_files import printable
from . import tables, tracebacks

CODE_LIMIT = 4000
"""The longest code shown back mended: past that, the names alone are told."""
_THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DATE = re.compile(r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2}))"
                   r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?: ?[AP]M)?|[A-Z][a-z]{2} +\d{1,2},? +\d{4}.*")
_NOT_FLOAT = re.compile(r"could not convert string to float: '(.{1,200})'")
_UNPARSED = re.compile(r"Unable to parse string \"?'?(.{1,200}?)'?\"? at position")
_REDUCTION = re.compile(r"Cannot perform reduction '(\w+)' with string dtype")
_REDUCED = re.compile(r"\[\s*((?:'[^'\n]{1,200}'|\"[^\"\n]{1,200}\"))\s*\]\s*\.\s*"
                      r"(?:mean|median|sum|std|var|min|max|skew|kurt|quantile|prod|cumsum)\(")
"""A column's reduction on the failing line, df['region'].mean(): not a filter, df[df['smoker'] == 'yes']."""
_FAILED_LINE = re.compile(r"^-+> *\d+ (.*)$", re.MULTILINE)
_OPERAND = re.compile(r"unsupported operand type\(s\) for .{1,3}: '(?:str|Timestamp)' and")
TO_NUMBERS = ("select the numeric columns first (df.select_dtypes('number')) or pass numeric_only=True to "
              "corr(), mean() and the like: the pandas here does not leave text columns out by itself.")
NO_SQUARED = ("scikit-learn 1.6 removed the squared argument of mean_squared_error. For the root mean squared "
              "error: from sklearn.metrics import root_mean_squared_error; "
              "rmse = root_mean_squared_error(y_true, y_pred).")
TIMEDELTA = ("A difference of dates is a Timedelta, not a number: take its .days (.dt.days for a column) "
             "or .total_seconds() before averaging or rounding.")
NOT_DATES = "The column holds text, not dates: convert it first, df[name] = pd.to_datetime(df[name])."
_TEST_RESULT = re.compile(r"(?:between instances of|not) '(\w+Result)'|'(\w+Result)' object (?:is not|has no)")
"""A scipy.stats test's whole result used as a number: '>' not supported between instances of
'ShapiroResult' and 'float' (the 0.5B on DABench/244, 602 and 647, each for two rounds or more)."""
IMPORTS = {"pd": "import pandas as pd", "np": "import numpy as np", "plt": "import matplotlib.pyplot as plt",
           "sns": "import seaborn as sns", "stats": "from scipy import stats", "sm": "import statsmodels.api as sm",
           "math": "import math", "random": "import random", "statistics": "import statistics", "re": "import re",
           "json": "import json"}
"""The import a name conventionally comes from. Begun at its code fence, a reply may leave out the
import line: the bundled 0.5B then sent the same code back under "you need to import pd" ("Chart a
spreadsheet" on the x86-64-v2 build), and the 1.5B did on DABench/310, 652 and 729."""
_NOT_DEFINED = re.compile(r"name '(\w+)' is not defined")
NAN_INPUT = ("The data has missing values (NaN): drop the rows that miss them, df = df.dropna(subset=[...]), "
             "or fill them as the request says, before fitting.")


def hint_for(error: ErrorInfo, code: str, folder: Path | None) -> str:
    """The loop's words for this error ("" for none): a fact about the person's tables or about the
    libraries here, with the mended code where that is only a matter of names."""
    message = (error.evalue or "").strip()
    if error.ename == "NameError" and (match := _NOT_DEFINED.fullmatch(message)) and match.group(1) in IMPORTS:
        line = IMPORTS[match.group(1)]
        if len(code) > CODE_LIMIT:
            return f"{match.group(1)} is not imported: begin the code with {line}."
        return f"{match.group(1)} is not imported. The code with its import:\n```python\n{line}\n{code.strip()}\n```"
    if error.ename == "KeyError":
        told, renames = tables.missing_column(tracebacks.exception_text(error), folder)
        mended = mended_names(code, renames)
        return f"{told}\nThe code with the file's names:\n```python\n{mended}\n```" if mended else told
    if match := _NOT_FLOAT.search(message):
        return _text_value(match.group(1), folder)
    if (match := _UNPARSED.search(message)) and _DATE.fullmatch(match.group(1).strip()):
        return f"{printable(repr(match.group(1)))} is a date: convert its column with pd.to_datetime, not pd.to_numeric."
    if match := _REDUCTION.search(message):
        return _text_reduced(match.group(1), error.traceback or "", folder)
    if "unexpected keyword argument 'squared'" in message:
        return NO_SQUARED
    if "Timedelta" in message and ("__round__" in message or "__format__" in message):
        return TIMEDELTA
    if _OPERAND.search(message):
        return ("The values are text: a column pandas read as text must be converted first, with "
                "pd.to_datetime for dates and pd.to_numeric for numbers.")
    if "Can only use .dt accessor with datetimelike values" in message:
        return NOT_DATES
    if error.ename == "ValueError" and message.startswith("Input") and "contains NaN" in message:
        return NAN_INPUT
    if match := _TEST_RESULT.search(message):
        name = match.group(1) or match.group(2)
        return (f"{name} is a test's whole result, not a number: take its p-value and statistic apart, "
                "statistic, p_value = scipy.stats.shapiro(x) (the same for the other tests), or use "
                "result.pvalue and result.statistic, and compare the p-value.")
    return ""


def mended_names(code: str, renames: dict[str, str]) -> str | None:
    """The code with every string literal that is a wrong name replaced by the file's name, or
    None when there is nothing to mend (or the code is too long to show again or cannot be read)."""
    if not renames or len(code) > CODE_LIMIT:
        return None
    lines = io.StringIO(code).readlines()  # split as tokenize splits: on "\n" only
    edits = []  # (row, start column, end column, new text), on one line each
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type != tokenize.STRING or token.start[0] != token.end[0]:
                continue
            value = _string_value(token.string)
            if value in renames:
                edits.append((token.start[0], token.start[1], token.end[1], repr(renames[value])))
    except (tokenize.TokenError, SyntaxError):
        return None
    for row, start, end, text in sorted(edits, reverse=True):  # from the end, so columns stay right
        line = lines[row - 1]
        lines[row - 1] = line[:start] + text + line[end:]
    return "".join(lines).rstrip("\n") if edits else None


def _text_value(value: str, folder: Path | None) -> str:
    """Why a value could not be a number: a count written with separators, a date, or words."""
    shown = printable(repr(value))
    where = tables.column_holding(folder, value)
    column = f" (column {printable(repr(where[1]))} of {printable(where[0])})" if where else ""
    if _THOUSANDS.fullmatch(value.strip()):
        read = f"pd.read_csv({printable(repr(where[0]))}, thousands=',')" if where else "pd.read_csv(..., thousands=',')"
        return (f"{shown}{column} is a number written with thousands separators, so pandas read it as text. "
                f"Read the file with {read}.")
    if _DATE.fullmatch(value.strip()):
        return f"{shown}{column} is a date read as text: convert the column with pd.to_datetime, or leave it out."
    return f"{shown}{column} is text, not a number. To compute on numbers only, {TO_NUMBERS}"


def _text_reduced(operation: str, traceback: str, folder: Path | None) -> str:
    """A mean (or median, sum...) of words: of one column the failing line names, which holds text,
    or of a whole table that has text columns. Told "select the numeric columns", the 1.5B did,
    and then asked that selection for the text column (DABench/28)."""
    lines = _FAILED_LINE.findall(traceback)  # the cell's own frame comes first, the library's after it
    reduced = [_string_value(m.group(1)) for m in _REDUCED.finditer(lines[0])] if lines else []
    named = list(dict.fromkeys(value for value in reduced if value and tables.is_column(folder, value)))
    if len(named) == 1:
        return (f"The column {printable(repr(named[0]))} holds text, which has no {operation}: leave it out "
                "if the request does not need it, or turn it into numbers first, "
                "pd.to_numeric(df[name], errors='coerce').")
    return f"df.{operation}() reached a text column: {TO_NUMBERS}"


def _string_value(literal: str) -> str | None:
    """The value of a string literal token; None for an f-string or anything else. A regex
    literal ('\\d+') warns about its escape as it is read: not the model's concern here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = literal_eval(literal)
        except (ValueError, SyntaxError):
            return None
    return value if isinstance(value, str) else None
