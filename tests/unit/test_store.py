"""History in a real SQLite file: statuses, crash recovery, damage, and exports."""

import json
import sqlite3

import nbformat
import pytest

from oci_desktop.engine.events import (ExecutionFinished, ExecutionStarted, RoundFinished, TokenDelta,
                                       TurnFinished)
from oci_desktop.engine.sandbox.result import ErrorInfo, ExecutionResult, RichOutput
from oci_desktop.engine.store.db import Store
from oci_desktop.engine.store.export import FORMATS, export
from oci_desktop.engine.recorder import TurnRecorder

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def record_turn(store, workspace, finish=True):
    cid = store.create_conversation("Squares", workspace=str(workspace))
    rec = TurnRecorder(store, cid)
    rec.user_message("Print squares")
    rec.record(TokenDelta("```python\nprint(", 1))
    rec.record(TokenDelta("1)\n```", 1))
    if not finish:
        return cid
    rec.record(RoundFinished(1, "```python\nprint(1)\n```", 1))
    rec.record(ExecutionStarted("print(1)", 1))
    (workspace / "outputs").mkdir(parents=True, exist_ok=True)
    (workspace / "outputs" / "cell1-aa.png").write_bytes(PNG)
    result = ExecutionResult("error", stdout="1\n", error=ErrorInfo("ValueError", "bad", "Traceback\nValueError: bad"),
                             outputs=[RichOutput("image/png", path="outputs/cell1-aa.png")])
    rec.record(ExecutionFinished(result, 1, "Execution result: \n1\nValueError: bad"))
    rec.record(RoundFinished(2, "Fixed.", 0))
    rec.record(TurnFinished("done", 2, "The code ran without errors and the model answered."))
    return cid


def test_the_user_message_is_stored_first(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    cid = store.create_conversation("t")
    TurnRecorder(store, cid).user_message("hello")
    store.close()
    again = Store(tmp_path / "h.sqlite3")
    assert [m["content"] for m in again.messages(cid)] == ["hello"]
    assert again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_crash_mid_turn_loads_as_interrupted(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    cid = record_turn(store, tmp_path / "ws", finish=False)
    store.add_cell(cid, "while True: pass", 1)
    # The process dies here: nothing closes the store.
    reopened = Store(tmp_path / "h.sqlite3")
    messages = reopened.messages(cid)
    assert messages[-1]["role"] == "assistant" and messages[-1]["status"] == "interrupted"
    assert reopened.cells(cid)[-1]["status"] == "interrupted"


def test_model_history_is_what_the_model_saw(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    cid = record_turn(store, tmp_path / "ws")
    history = store.model_history(cid)
    assert [m["role"] for m in history] == ["user", "assistant", "user", "assistant"]
    assert history[2]["content"].startswith("Execution result:")


def test_exports(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    cid = record_turn(store, tmp_path / "ws")
    nb = nbformat.reads(export(store, cid, "ipynb"), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"][0]
    kinds = [o.output_type for o in code.outputs]
    assert kinds == ["stream", "display_data", "error"] and "image/png" in code.outputs[1].data
    assert "print(1)" in export(store, cid, "py")
    markdown = export(store, cid, "md")
    assert "**You:** Print squares" in markdown and "![output](outputs/cell1-aa.png)" in markdown
    line = json.loads(export(store, cid, "jsonl"))
    assert line["messages"][0] == {"role": "user", "content": "Print squares"}
    with pytest.raises(LookupError):
        export(store, 999, "md")
    assert set(FORMATS) == {"ipynb", "md", "py", "jsonl"}


def test_search_rename_delete(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    cid = record_turn(store, tmp_path / "ws")
    other = store.create_conversation("Weather")
    assert [c["id"] for c in store.conversations("squares")] == [cid]
    store.rename(other, "Climate")
    assert store.conversation(other)["title"] == "Climate"
    store.delete(cid)
    assert store.conversation(cid) is None and store.messages(cid) == []


def test_a_damaged_file_is_kept_and_readable_conversations_recovered(tmp_path):
    path = tmp_path / "h.sqlite3"
    store = Store(path)
    ids = [store.create_conversation(f"conversation {i}") for i in range(3)]
    for cid in ids:
        for j in range(200):
            store.add_message(cid, "user", "user", f"message {j} " + "x" * 200)
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 5, page * 8):  # damage a few pages in the middle
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    recovered = Store(path)
    assert recovered.notice and "damaged" in recovered.notice
    assert list(tmp_path.glob("h.damaged-*.sqlite3"))
    assert len(recovered.conversations()) == 3
    assert sum(len(recovered.messages(cid)) for cid in ids) > 300


def test_an_unreadable_file_starts_fresh_and_says_so(tmp_path):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = Store(path)
    assert store.notice and store.conversations() == []
    assert sqlite3.connect(path).execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_a_superseded_turn_leaves_history_and_exports(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    cid = record_turn(store, tmp_path / "ws")
    last = store.last_user_message(cid)
    store.supersede_from(cid, last["id"])
    assert store.model_history(cid) == [] and store.cells(cid) == []
    assert "print(1)" not in export(store, cid, "py")
    assert len(store.messages(cid)) > 0  # still on disk
