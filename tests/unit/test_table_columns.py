"""Where code asks a table for a column it does not have, the model is told the names there are."""

import os

import pytest

from oci_desktop.engine.agent.loop import LoopSettings, RefineLoop
from oci_desktop.engine.agent.tables import missing_column
from oci_desktop.engine.events import ExecutionFinished, TurnFinished
from oci_desktop.engine.llm.scripted import ScriptedBackend
from tests.unit.test_refine_loop import ScriptedRunner, error, fence, ok

BARO = b"DATE TIME, WINDSPEED, DIR, BARO\n2015-01-01 00:00, 2.72, 288, 1020.1\n"
WEATHER = b"time,sun,wind speed,air pressure\n2017-01-01,0,3.1,1020\n"


@pytest.fixture
def tables(tmp_path):
    (tmp_path / "baro_2015.csv").write_bytes(BARO)
    (tmp_path / "weather.tsv").write_bytes(WEATHER.replace(b",", b"\t"))
    (tmp_path / "notes.txt").write_text("year,month\n")  # not a table: its words are no columns
    return tmp_path


@pytest.mark.parametrize("exception, meant, strip", [
    ("KeyError: 'BARO'", "'BARO' is ' BARO' in baro_2015.csv", True),  # DABench/447: spaces in the header
    ("KeyError: 'Column not found: WINDSPEED'", "'WINDSPEED' is ' WINDSPEED' in baro_2015.csv", True),  # groupby
    ("KeyError: \"['wind_speed'] not in index\"", "'wind_speed' is 'wind speed' in weather.tsv", False),  # /363
    ("KeyError: ['dir']", "'dir' is ' DIR' in baro_2015.csv", False),  # stripped, 'DIR' is still not 'dir'
    ("KeyError: \"None of [Index(['Sun'], dtype='str')] are in the [columns]\"", "'Sun' is 'sun' in weather.tsv",
     False),
])
def test_a_name_that_differs_only_in_spaces_case_or_underscores_is_named_exactly(tables, exception, meant, strip):
    hint = missing_column(exception, tables)[0]
    assert hint.startswith("The column names differ from the code's: ") and meant in hint
    assert ("df.columns = df.columns.str.strip()" in hint) == strip  # advice that mends this name only
    assert "'str'" not in hint


def test_a_name_no_table_has_gets_the_names_there_are(tables):
    hint = missing_column("KeyError: 'year'", tables)[0]  # DABench/255: its years are column names
    assert hint.startswith("'year' is not a column of baro_2015.csv or weather.tsv. ")
    assert "baro_2015.csv (columns, spaces included: ['DATE TIME', ' WINDSPEED', ' DIR', ' BARO'])" in hint
    assert "weather.tsv (columns: time, sun, wind speed, air pressure)" in hint and "notes.txt" not in hint


def test_a_column_past_the_names_told_is_still_a_column(tmp_path):
    (tmp_path / "wide.csv").write_text(",".join(f"c{i}" for i in range(40)) + "\n")
    assert missing_column("KeyError: 'c35'", tmp_path)[0] == ""
    hint = missing_column("KeyError: 'c99'", tmp_path)[0]
    assert "c29)" in hint and "c30" not in hint  # the first 30 names are told


@pytest.mark.parametrize("exception", [
    "KeyError: ' BARO'",  # a column after all: the key was missing somewhere else
    "KeyError: 1",  # a position, not a name
    "KeyError",
    "KeyError: '[\"Children\\'s age\"] not in index'",  # cut at an escaped quote: no name to go by
])
def test_no_hint_where_the_key_is_a_column_or_no_name(tables, exception):
    assert missing_column(exception, tables)[0] == ""


def test_no_hint_without_a_folder_or_a_table_in_it(tmp_path):
    assert missing_column("KeyError: 'year'", None)[0] == ""
    assert missing_column("KeyError: 'year'", tmp_path)[0] == ""


def linked_to_host(tmp_path, table: str, host_text: str):
    """A workspace whose table the running code swapped for a link to a host file."""
    host = tmp_path / "host"
    host.mkdir()
    (host / "passwords.csv").write_text(host_text)
    workspace = tmp_path / "work"
    workspace.mkdir()
    os.symlink(host / "passwords.csv", workspace / table)
    return workspace


def test_a_table_swapped_for_a_link_to_a_host_file_is_not_read(tmp_path):
    workspace = linked_to_host(tmp_path, "sales.csv", "root,hunter2\n")
    (workspace / "we\x1bird.csv").write_text("a,b\n1,2\n")
    hint = missing_column("KeyError: 'hunter'", workspace)[0]
    assert "hunter2" not in hint and "sales.csv" not in hint
    assert "we\\x1bird.csv (columns: a, b)" in hint  # a hostile name is shown escaped


def test_the_loop_tells_the_model_the_names_with_the_error(tables):
    backend = ScriptedBackend([fence("df['BARO'].mean()"), fence("df[' BARO'].mean()"), "The mean is 1020.1."])
    runner = ScriptedRunner(lambda code: error("KeyError", "'BARO'") if "'BARO'" in code else ok("1020.1\n"))
    seen = []
    stream = backend.stream
    backend.stream = lambda messages, *a, **k: (seen.append([dict(m) for m in messages]), stream(messages, *a, **k))[1]
    events = list(RefineLoop(backend, runner, LoopSettings(), workspace=tables).run("Mean pressure?"))
    assert isinstance(events[-1], TurnFinished) and events[-1].reason == "done"
    told = seen[1][-1]["content"]
    card = next(e for e in events if isinstance(e, ExecutionFinished))
    assert card.feedback == told  # the conversation and the eval store what the model was told
    assert told.startswith("Execution result: \n") and "KeyError" in told
    assert ("'BARO' is ' BARO' in baro_2015.csv. Use the names exactly as they are, or "
            "strip the names once after reading: df.columns = df.columns.str.strip().") in told
    assert told.rstrip().endswith("The code with the file's names:\n```python\ndf[' BARO'].mean()\n```")
