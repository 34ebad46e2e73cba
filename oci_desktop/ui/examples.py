"""The welcome card's example tasks: chosen and phrased for what the bundled model can finish, so a
newcomer's first click works (tests/integration/test_examples.py runs each on the bundled model)."""

EXAMPLES = [
    ("A bar chart", "Use matplotlib to draw a bar chart of the list [3, 7, 2]."),
    ("A small calculation", "Print the sum of the squares of the numbers 1 to 10."),
    ("A table", "Use pandas to create a DataFrame with columns name and age, and print it."),
    ("Some statistics", "Use numpy to compute the mean of [2, 4, 6, 8] and print it."),
]
