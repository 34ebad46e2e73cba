"""An answer that is NaN: a calculation that met missing values, printed as if it were the result.

On DABench the 1.5B printed @mean_TMAX_F[nan] (DABench/755), a correlation of nan with its p-value
(DABench/530, 575, 297, 300) and ended "done": pandas and scipy give nan when a value is missing,
and the model read it as an answer. A person asking for an average wants a number, so a run whose
answer is nan is sent back with what that means. A nan can be the result (DABench/554: no row
passes the request's filter); the check cannot tell, so a turn whose code keeps giving nan ends
saying so, not "done".
"""

from __future__ import annotations

import re

from .testspec import TEMPLATE

_NAN = re.compile(r"[-+]?nan", re.IGNORECASE)
# A line that is only a value, or "label: value" / "label = value": what a program prints as its answer.
_LABELLED = re.compile(r"^(?:(.{1,80}?)\s*[:=]\s*)?([-+]?nan)\s*$", re.IGNORECASE | re.MULTILINE)
TOLD = ("The output shows nan (not a number) for {names}: the calculation had no numbers to work on, "
        "most often because of missing values (pandas, numpy and scipy give nan when a value is missing), "
        "or no rows were left, or a column is constant. Drop the missing values first, for example "
        "df.dropna(subset=[...]) on the columns used, or fill them as the request says, then compute again.")


def nan_answers(shown: str) -> list[str]:
    """What the output gives as nan: the @name[nan] answers, else the lines that are only nan
    ("nan", "Mean: nan"); [] when none. A table with NaN cells (df.head()) is no answer, and a run
    that warned has said why already: told "missing values" beside numpy's "divide by zero
    encountered in log", the 1.5B gave up on a log of zeros it had been about to mend (DABench/39)."""
    if "RuntimeWarning" in shown:
        return []
    answers = TEMPLATE.findall(shown)
    if answers:  # the answers in the format are the answer: a "before dropna: nan" line beside them is not
        return list(dict.fromkeys(name for name, value in answers if _NAN.fullmatch(value.strip())))
    return list(dict.fromkeys((label or "the result").strip() for label, _value in _LABELLED.findall(shown)))


def told(names: list[str]) -> str:
    """What the model is told, naming at most five answers."""
    return TOLD.format(names=", ".join(names[:5]))
