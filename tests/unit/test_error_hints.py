"""Beside an error the model cannot mend from its traceback, the loop tells it the fact it lacks."""

import pytest

from oci_desktop.engine.agent.error_hints import NO_SQUARED, TIMEDELTA, hint_for, mended_names
from oci_desktop.engine.agent.tables import column_holding, missing_column
from oci_desktop.engine.sandbox.result import ErrorInfo
from tests.unit.test_table_columns import linked_to_host

CALLS = b"interval, num. calls abandoned ,avg. wait time \n00:00,0,0:00:00\n00:15,2,0:01:10\n"
HAPPINESS = b"Country,Region,Happiness Score\nSwitzerland,Western Europe,7.587\nIceland,Western Europe,7.561\n"
COINS = b'Date,Open,Volume\n"Sep 17, 2017",109.75,"5,350,380"\n'

ABANDONED = """import pandas as pd
df = pd.read_csv('calls.csv')
df = df.dropna(subset=['num. calls abandoned'])
total = df["num. calls abandoned"].sum()  # 'num. calls abandoned' in a comment stays
print(f"@total[{total}]")
"""


@pytest.fixture
def tables(tmp_path):
    (tmp_path / "calls.csv").write_bytes(CALLS)
    (tmp_path / "2015.csv").write_bytes(HAPPINESS)
    (tmp_path / "coins.csv").write_bytes(COINS)
    return tmp_path


def test_a_wrong_column_name_comes_back_mended_everywhere_in_the_code(tables):
    """DABench/586: told the exact name, the 1.5B mended one of the two lines, then repeated itself."""
    hint = hint_for(ErrorInfo("KeyError", "['num. calls abandoned']", ""), ABANDONED, tables)
    assert "'num. calls abandoned' is ' num. calls abandoned ' in calls.csv" in hint
    code = hint.split("```python\n", 1)[1].removesuffix("\n```")
    assert code.count("[' num. calls abandoned ']") == 2
    assert "# 'num. calls abandoned' in a comment stays" in code and 'f"@total[{total}]"' in code
    compile(code, "mended", "exec")


def test_names_are_not_mended_where_the_name_is_a_column_or_could_be_two(tmp_path):
    (tmp_path / "a.csv").write_text("Sales,sales \n1,2\n")
    assert missing_column("KeyError: 'SALES'", tmp_path)[1] == {}  # two columns read as "sales"
    assert missing_column("KeyError: 'Sales'", tmp_path)[1] == {}  # a column: the key was missing elsewhere
    assert mended_names("x = 'a'\n", {}) is None
    assert mended_names("x = 'b'\n", {"a": "A"}) is None  # nothing to mend
    assert mended_names("x = 'a\n", {"a": "A"}) is None  # code that cannot be read
    assert mended_names("x = 'a'\n" * 1000, {"a": "A"}) is None  # too long to show again


def test_text_in_a_calculation_is_named_with_its_column(tables):
    """DABench/117: pandas 2 and later no longer leave text columns out of corr(); the 1.5B stripped
    the country names for three rounds."""
    hint = hint_for(ErrorInfo("ValueError", "could not convert string to float: 'Switzerland'", ""), "", tables)
    assert hint.startswith("'Switzerland' (column 'Country' of 2015.csv) is text, not a number.")
    assert "numeric_only=True" in hint and "select_dtypes('number')" in hint


def test_numbers_with_separators_and_dates_read_as_text_are_told_how_to_read(tables):
    hint = hint_for(ErrorInfo("ValueError", "could not convert string to float: '5,350,380'", ""), "", tables)
    assert "(column 'Volume' of coins.csv)" in hint and "pd.read_csv('coins.csv', thousands=',')" in hint
    hint = hint_for(ErrorInfo("ValueError", 'Unable to parse string "10/1/2016" at position 0', ""), "", tables)
    assert hint == "'10/1/2016' is a date: convert its column with pd.to_datetime, not pd.to_numeric."
    hint = hint_for(ErrorInfo("ValueError", "could not convert string to float: 'Apr 13  2017 10:00:00 AM'", ""),
                    "", tables)
    assert "is a date read as text" in hint


@pytest.mark.parametrize("ename, evalue, said", [
    ("TypeError", "Cannot perform reduction 'mean' with string dtype", "df.mean() reached a text column"),
    ("TypeError", "got an unexpected keyword argument 'squared'", NO_SQUARED),
    ("TypeError", "type Timedelta doesn't define __round__ method", TIMEDELTA),
    ("TypeError", "unsupported operand type(s) for -: 'str' and 'str'", "pd.to_datetime for dates"),
    ("AttributeError", "Can only use .dt accessor with datetimelike values", "pd.to_datetime(df[name])"),
    ("ValueError", "Input X contains NaN.", "df.dropna(subset=[...])"),
    ("TypeError", "'>' not supported between instances of 'ShapiroResult' and 'float'",
     "ShapiroResult is a test's whole result"),
    ("TypeError", "float() argument must be a string or a real number, not 'ShapiroResult'", "result.pvalue"),
    ("AttributeError", "'PearsonRResult' object has no attribute 'correlation'", "PearsonRResult is a test"),
])
def test_library_changes_the_model_learned_before_are_told(tables, ename, evalue, said):
    assert said in hint_for(ErrorInfo(ename, evalue, ""), "", tables)


def test_a_conventional_name_left_unimported_comes_back_with_its_import(tables):
    code = "import matplotlib.pyplot as plt\ndata = pd.read_csv('t.csv')\nplt.bar(data.month, data.revenue)"
    hint = hint_for(ErrorInfo("NameError", "name 'pd' is not defined", ""), code, tables)
    assert hint.endswith(f"```python\nimport pandas as pd\n{code}\n```")
    assert hint_for(ErrorInfo("NameError", "name 'np' is not defined", ""), "x" * 5000, tables) == (
        "np is not imported: begin the code with import numpy as np.")
    assert hint_for(ErrorInfo("NameError", "name 'total' is not defined", ""), code, tables) == ""


@pytest.mark.parametrize("ename, evalue", [
    ("NameError", "name 'x' is not defined"),  # the traceback says it all
    ("ValueError", "math domain error"),
    ("TypeError", "unsupported operand type(s) for +: 'int' and 'NoneType'"),
])
def test_no_hint_where_the_traceback_says_it_all(tables, ename, evalue):
    assert hint_for(ErrorInfo(ename, evalue, ""), "", tables) == ""


def test_a_value_is_looked_for_only_in_the_folders_own_tables(tmp_path):
    work = linked_to_host(tmp_path, "data.csv", "user,password\nroot,hunter2\n")
    assert column_holding(work, "hunter2") is None
    hint = hint_for(ErrorInfo("ValueError", "could not convert string to float: 'hunter2'", ""), "", work)
    assert "passwords" not in hint and "password" not in hint and "(column" not in hint
    assert column_holding(None, "x") is None


def test_a_mean_of_one_text_column_names_it(tmp_path):
    """DABench/28: told "select the numeric columns", the 1.5B did, then asked them for 'region'."""
    (tmp_path / "insurance.csv").write_text("age,region\n19,southwest\n")
    traceback = ("Cell In[1], line 24\n     23 mean_age = df['age'].mean()\n"
                 "---> 24 df['region'].fillna(df['region'].mean())\n\nFile .../pandas/core/series.py:6549, in Series.mean\n"
                 "-> 6549 return NDFrame.mean(self, axis, skipna, numeric_only, 'age', **kwargs)\n\nTypeError: Cannot perform reduction 'mean' ...")
    hint = hint_for(ErrorInfo("TypeError", "Cannot perform reduction 'mean' with string dtype", traceback), "",
                    tmp_path)
    assert hint.startswith("The column 'region' holds text, which has no mean: leave it out")
    whole = traceback.replace("df['region'].fillna(df['region'].mean())", "df.mean()")
    hint = hint_for(ErrorInfo("TypeError", "Cannot perform reduction 'mean' with string dtype", whole), "", tmp_path)
    assert hint.startswith("df.mean() reached a text column")


def test_a_filter_on_the_failing_line_is_not_named_as_the_text_column(tmp_path):
    (tmp_path / "insurance.csv").write_text("age,smoker,region\n19,yes,southwest\n")
    traceback = "---> 3 df[df['smoker'] == 'yes'].mean()\n"
    hint = hint_for(ErrorInfo("TypeError", "Cannot perform reduction 'mean' with string dtype", traceback), "",
                    tmp_path)
    assert hint.startswith("df.mean() reached a text column")


def test_names_are_mended_on_the_line_tokenize_reads_and_shared_columns_are_one_name(tmp_path):
    (tmp_path / "train.csv").write_text("Age,Fare\n22,7.25\n")
    (tmp_path / "test.csv").write_text("Age,Fare\n34,7.83\n")
    assert missing_column("KeyError: 'age'", tmp_path)[1] == {"age": "Age"}
    code = "import pandas as pd\x0c\ndf = pd.read_csv('train.csv')\r\ndf['age'].mean()\n"
    assert mended_names(code, {"age": "Age"}) == "import pandas as pd\x0c\ndf = pd.read_csv('train.csv')\r\ndf['Age'].mean()"
    assert mended_names("re.findall('\\d+', df['age'])", {"age": "Age"}) == "re.findall('\\d+', df['Age'])"


@pytest.mark.parametrize("value, date", [
    ("Sep 17, 2017", True), ("10/1/2016", True), ("2017-04-13 10:00:00", True), ("Apr 13  2017 10:00:00 AM", True),
    ("555-12-3456", False), ("1.2.3", False), ("Switzerland", False),
])
def test_dates_read_as_text_are_told_as_dates(tables, value, date):
    hint = hint_for(ErrorInfo("ValueError", f"could not convert string to float: '{value}'", ""), "", tables)
    assert ("is a date read as text" in hint) == date
