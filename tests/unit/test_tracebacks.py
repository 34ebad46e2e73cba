"""Tracebacks told to the model: the cell's frames and the exception survive, library frames fold."""

from oci_desktop.engine.agent import feedback, tracebacks
from oci_desktop.engine.sandbox.result import ErrorInfo, ExecutionResult

RULE = "-" * 75
SITE = "/home/someone/.venv/lib/python3.11/site-packages"

# As ipykernel sends a pandas KeyError (IPython 8, colours stripped): a chained exception whose
# last part holds the cell's line and pandas' own frames below it.
KEY_ERROR = f"""{RULE}
KeyError                                  Traceback (most recent call last)
File {SITE}/pandas/core/indexes/base.py:3805, in Index.get_loc(self, key)
   3804 try:
-> 3805     return self._engine.get_loc(casted_key)
   3806 except KeyError as err:

File index.pyx:167, in pandas._libs.index.IndexEngine.get_loc()

File pandas/_libs/hashtable_class_helper.pxi:7089, in pandas._libs.hashtable.PyObjectHashTable.get_item()

KeyError: 'party'

The above exception was the direct cause of the following exception:

KeyError                                  Traceback (most recent call last)
Cell In[3], line 4
      2 df = pd.read_csv('votes.csv')
      3 # share of each party
----> 4 shares = df['party'].value_counts(normalize=True)
      5 print(shares)

File {SITE}/pandas/core/frame.py:4102, in DataFrame.__getitem__(self, key)
   4100 if self.columns.nlevels > 1:
   4101     return self._getitem_multilevel(key)
-> 4102 indexer = self.columns.get_loc(key)
   4103 if is_integer(indexer):
   4104     indexer = indexer[0]

File {SITE}/pandas/core/indexes/base.py:3812, in Index.get_loc(self, key)
   3807     if isinstance(casted_key, slice) or (
   3808         isinstance(casted_key, abc.Iterable)
   3809         and any(isinstance(x, slice) for x in casted_key)
   3810     ):
   3811         raise InvalidIndexError(key)
-> 3812     raise KeyError(key) from err
   3813 except TypeError:
   3814     # If we have a listlike key, _check_indexing_error will raise
   3815     #  InvalidIndexError. Otherwise we fall through and re-raise
   3816     #  the TypeError.
   3817     self._check_indexing_error(key)

KeyError: 'party'"""


def test_a_library_failure_keeps_the_cells_line_and_the_exception():
    text = tracebacks.compact(ErrorInfo("KeyError", "'party'", KEY_ERROR))
    assert "----> 4 shares = df['party'].value_counts(normalize=True)" in text
    assert text.endswith("KeyError: 'party'")
    assert "... (2 frames inside pandas left out) ..." in text
    assert "get_loc" not in text and "direct cause" not in text and RULE not in text
    assert len(text) < 600


def test_the_feedback_keeps_the_failing_line_within_the_papers_length():
    result = ExecutionResult("error", error=ErrorInfo("KeyError", "'party'", KEY_ERROR))
    told = feedback.describe(result)
    assert "truncated due to length" not in told and "df['party']" in told and told.endswith("KeyError: 'party'")


def test_a_long_message_keeps_its_first_lines():
    message = "Some errors were detected !\n" + "\n".join(f"    Line #{i} (got 15 columns instead of 14)"
                                                        for i in range(2, 700))
    traceback = (f"{RULE}\nValueError                                Traceback (most recent call last)\n"
                 "Cell In[1], line 4\n      3 # Load the data\n----> 4 data = np.genfromtxt('test_ave.csv', delimiter=',')\n\n"
                 f"File {SITE}/numpy/lib/npyio.py:2280, in genfromtxt(fname)\n   2278 if len(errmsg):\n"
                 "-> 2280     raise ValueError(errmsg)\n\n"
                 f"ValueError: {message}")
    error = ErrorInfo("ValueError", message, traceback)
    text = tracebacks.compact(error)
    assert "np.genfromtxt('test_ave.csv'" in text and "ValueError: Some errors were detected !" in text
    assert "Line #2 (got 15" in text and "Line #699" not in text
    assert "693 more lines of the message left out" in text
    assert "1 frame inside numpy left out" in text
    assert tracebacks.exception_text(error) == "ValueError: Some errors were detected !"


def test_frames_between_the_cells_own_functions_fold_where_they_are():
    traceback = (f"{RULE}\nZeroDivisionError                         Traceback (most recent call last)\n"
                 "Cell In[2], line 1\n----> 1 df.apply(ratio)\n\n"
                 f"File {SITE}/pandas/core/frame.py:10034, in DataFrame.apply(self, func)\n-> 10034 return op.apply()\n\n"
                 f"File {SITE}/pandas/core/apply.py:837, in FrameApply.apply(self)\n-> 837 return self.apply_standard()\n\n"
                 "Cell In[1], line 2, in ratio(row)\n      1 def ratio(row):\n----> 2     return row.a / row.b\n\n"
                 "ZeroDivisionError: division by zero")
    text = tracebacks.compact(ErrorInfo("ZeroDivisionError", "division by zero", traceback))
    lines = text.splitlines()
    assert lines.index("... (2 frames inside pandas left out) ...") < lines.index("Cell In[1], line 2, in ratio(row)")
    assert text.endswith("ZeroDivisionError: division by zero")


def test_a_syntax_error_and_an_unknown_shape_are_kept_whole():
    syntax = "  Cell In[1], line 1\n    print(\n          ^\nSyntaxError: incomplete input"
    assert tracebacks.compact(ErrorInfo("SyntaxError", "incomplete input", syntax)) == syntax
    odd = "Traceback (most recent call last):\n  something else\nOddError: odd"
    assert tracebacks.compact(ErrorInfo("OddError", "odd", odd)) == odd
    assert tracebacks.compact(ErrorInfo("OddError", "odd", "")) == "OddError: odd"


def test_a_huge_single_line_message_is_cut():
    value = "x" * 5000
    traceback = f"Cell In[1], line 1\n----> 1 raise ValueError(s)\n\nValueError: {value}"
    text = tracebacks.compact(ErrorInfo("ValueError", value, traceback))
    assert "----> 1 raise ValueError(s)" in text and "characters left out" in text and len(text) < 500


def test_a_syntax_errors_hashed_cell_name_is_not_part_of_the_error():
    # ipykernel names a cell's file by a hash of its code: the same mistake in two programs reads the same.
    first = ErrorInfo("SyntaxError", "'(' was never closed (3151440432.py, line 1)", "")
    second = ErrorInfo("SyntaxError", "'(' was never closed (2718281828.py, line 4)", "")
    assert tracebacks.exception_text(first) == tracebacks.exception_text(second) == "SyntaxError: '(' was never closed"
    assert tracebacks.exception_text(ErrorInfo("ValueError", "bad (a.py, line 1)", "")) == "ValueError: bad (a.py, line 1)"


def test_the_persons_own_module_is_not_folded_as_a_library():
    traceback = ("Cell In[2], line 1\n----> 1 helper.ratio(0)\n\n"
                 "File /home/me/data/helper.py:2, in ratio(x)\n      1 def ratio(x):\n----> 2     return 1 / x\n\n"
                 "File /usr/lib/python3.11/fractions.py:9, in f()\n\nZeroDivisionError: division by zero")
    text = tracebacks.compact(ErrorInfo("ZeroDivisionError", "division by zero", traceback))
    assert "----> 2     return 1 / x" in text and "... (1 frame inside libraries left out) ..." in text
