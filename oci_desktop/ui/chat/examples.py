"""The welcome screen's example tasks: the jobs people bring to a code interpreter (a chart of a
file, money over time, a conversion, counting words, a summary of numbers). Each finishes on the
bundled model with the right result, on both llama.cpp builds the release ships
(tests/integration/test_examples.py checks the values). A model this small is sensitive to
wording: a rephrased example must pass that test again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


@dataclass(frozen=True)
class Example:
    """A task on the welcome screen: its title, the request sent, and a sample file it works on."""

    title: str
    prompt: str
    sample: str | None = None
    """A file from resources/samples copied into the conversation's workspace before the request."""
    icon: str = "sparkles"
    """Its tile's icon (resources/icons)."""

    @property
    def sample_path(self) -> Path | None:
        """The sample file shipped with the app, when the example has one."""
        return SAMPLES / self.sample if self.sample else None


EXAMPLES = [
    # The sample holds a month and its revenue only: with a units column beside them the bundled
    # model charted units, or units x revenue, on one build or another; and asked also to print the
    # best month, it printed January or April on one build while the chart was right.
    Example("Chart a spreadsheet",
            "Make a bar chart of the monthly revenue in monthly_sales.csv with matplotlib, with the months "
            "in the file's order.", "monthly_sales.csv", icon="chart-column"),
    Example("Grow my savings",
            "How much will 1000 dollars grow to after 5 years at 5% interest per year, compounded "
            "yearly? Print the amount rounded to cents.", icon="piggy-bank"),
    Example("Convert units", "How many kilometres is a marathon of 26.2 miles? Print the answer rounded to 2 decimals.", icon="ruler"),
    Example("Count words",
            "Count the words in this text and print the total:\n\n"
            "The cat sat on the mat. The dog sat on the log. The cat and the dog are friends.", icon="whole-word"),
    Example("Summarise numbers",
            "My electricity bills this year were 84.20, 91.50, 77.80, 102.30, 95.10 and 88.60. "
            "Print the total, the average, the lowest and the highest.", icon="sigma"),
]
