"""Conversation history in one SQLite file (WAL, synchronous FULL: a write that returned is on disk).

Opening the file repairs what a crash left: a reply being streamed or a cell being run is
marked "interrupted". A damaged file is kept aside and whatever rows can still be read are
copied into a fresh one; `notice` then tells the user.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY, title TEXT NOT NULL, workspace TEXT, model TEXT,
    created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL, kind TEXT NOT NULL, content TEXT NOT NULL, status TEXT NOT NULL,
    round INTEGER, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS cells (
    id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message_id INTEGER, code TEXT NOT NULL, status TEXT NOT NULL, result TEXT, round INTEGER,
    created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS artifacts (
    id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    cell_id INTEGER, kind TEXT NOT NULL, path TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
CREATE INDEX IF NOT EXISTS cells_by_conversation ON cells(conversation_id, id);
"""
TABLES = ("conversations", "messages", "cells", "artifacts")
"""The history's tables (state, a few remembered values, is not worth salvaging)."""


def is_request(message: dict) -> bool:
    """A stored message that began a turn: the person's request, kept or set aside by Regenerate
    or Edit (a message sent while a turn ran carries that turn's round)."""
    return message["kind"] in ("user", "superseded-user") and message["round"] is None


class Store:
    """The history database; safe to share between threads, and repaired when opened after a crash."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.notice: str | None = None
        self._lock = threading.RLock()
        try:
            self._db = self._open(self.path)
        except sqlite3.DatabaseError as exc:
            self._db = self._recover(exc)
        self._mark_interrupted()

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=10, check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        check = db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            db.close()
            raise sqlite3.DatabaseError(f"integrity check failed: {check}")
        db.executescript(SCHEMA)
        return db

    def _recover(self, error: Exception) -> sqlite3.Connection:
        kept = self.path.with_name(f"{self.path.stem}.damaged-{time.strftime('%Y%m%d-%H%M%S')}{self.path.suffix}")
        shutil.move(self.path, kept)
        for suffix in ("-wal", "-shm"):
            side = Path(str(self.path) + suffix)
            if side.exists():
                shutil.move(side, Path(str(kept) + suffix))
        db = self._open(self.path)
        saved = _salvage(kept, db)
        self.notice = (f"The history file was damaged ({error}). {saved} conversation(s) were recovered; "
                       f"the damaged file was kept at {kept}.")
        return db

    def _mark_interrupted(self) -> None:
        with self._lock:
            self._db.execute("UPDATE messages SET status='interrupted' WHERE status='streaming'")
            self._db.execute("UPDATE cells SET status='interrupted' WHERE status IN ('running', 'pending')")

    def close(self) -> None:
        """Close the database file."""
        self._db.close()

    # -- writing -------------------------------------------------------------------------

    def _insert(self, table: str, **values) -> int:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        with self._lock:
            cursor = self._db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(values.values()))
            if "conversation_id" in values:
                self._db.execute("UPDATE conversations SET updated_at=? WHERE id=?", (time.time(), values["conversation_id"]))
            return cursor.lastrowid

    def create_conversation(self, title: str, workspace: str | None = None, model: str | None = None) -> int:
        """Add a conversation (title cut to 200 characters, "Untitled" when empty); returns its id."""
        now = time.time()
        return self._insert("conversations", title=title[:200] or "Untitled", workspace=workspace, model=model,
                            created_at=now, updated_at=now)

    def set_workspace(self, conversation_id: int, workspace: str) -> None:
        """Record the workspace folder a conversation's code runs in."""
        with self._lock:
            self._db.execute("UPDATE conversations SET workspace=? WHERE id=?", (workspace, conversation_id))

    def add_message(self, conversation_id: int, role: str, kind: str, content: str, status: str = "done",
                    round_no: int | None = None) -> int:
        """Store a message of a conversation; returns its id."""
        return self._insert("messages", conversation_id=conversation_id, role=role, kind=kind, content=content,
                            status=status, round=round_no, created_at=time.time())

    def update_message(self, message_id: int, content: str | None = None, status: str | None = None) -> None:
        """Change a message's content, its status, or both (a reply while it streams, then when it ends)."""
        with self._lock:
            if content is not None:
                self._db.execute("UPDATE messages SET content=? WHERE id=?", (content, message_id))
            if status is not None:
                self._db.execute("UPDATE messages SET status=? WHERE id=?", (status, message_id))

    def add_cell(self, conversation_id: int, code: str, round_no: int, message_id: int | None = None) -> int:
        """Store a cell as it starts running (status "running"); returns its id."""
        return self._insert("cells", conversation_id=conversation_id, message_id=message_id, code=code,
                            status="running", round=round_no, created_at=time.time())

    def finish_cell(self, cell_id: int, status: str, result: dict) -> None:
        """Store a cell's final status and its result, as JSON."""
        with self._lock:
            self._db.execute("UPDATE cells SET status=?, result=? WHERE id=?", (status, json.dumps(result), cell_id))

    def add_artifact(self, conversation_id: int, cell_id: int | None, kind: str, path: str) -> int:
        """Record a file a cell produced (an image in outputs/); returns its id."""
        return self._insert("artifacts", conversation_id=conversation_id, cell_id=cell_id, kind=kind, path=path,
                            created_at=time.time())

    def last_user_message(self, conversation_id: int) -> dict | None:
        """The conversation's latest message of kind "user", as a dict; None when there is none."""
        with self._lock:
            row = self._db.execute("SELECT * FROM messages WHERE conversation_id=? AND kind='user' "
                                   "ORDER BY id DESC LIMIT 1", (conversation_id,)).fetchone()
        return dict(row) if row else None

    def supersede_from(self, conversation_id: int, message_id: int) -> None:
        """Set a turn aside (regenerate, edit and resend): kept on disk, out of the model's
        history and of exports."""
        with self._lock:
            self._db.execute("UPDATE messages SET kind='superseded-' || kind WHERE conversation_id=? AND id>=? "
                             "AND kind NOT LIKE 'superseded-%'", (conversation_id, message_id))
            first = self._db.execute("SELECT created_at FROM messages WHERE id=?", (message_id,)).fetchone()
            if first is not None:
                self._db.execute("UPDATE cells SET status='superseded' WHERE conversation_id=? AND created_at>=?",
                                 (conversation_id, first[0]))

    def rename(self, conversation_id: int, title: str) -> None:
        """Give a conversation a new title."""
        with self._lock:
            self._db.execute("UPDATE conversations SET title=? WHERE id=?", (title, conversation_id))

    def remember(self, key: str, value: str) -> None:
        """Keep a value across runs of the app (the conversation open last)."""
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    def recall(self, key: str) -> str | None:
        """A value kept with remember(); None when there is none."""
        with self._lock:
            row = self._db.execute("SELECT value FROM state WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def delete(self, conversation_id: int) -> None:
        """Delete a conversation with its messages, cells and artifacts."""
        with self._lock:
            self._db.execute("DELETE FROM conversations WHERE id=?", (conversation_id,))

    # -- reading -------------------------------------------------------------------------

    def conversations(self, search: str | None = None) -> list[dict]:
        """All conversations, the most recently updated first; search matches titles and message text."""
        query = "SELECT * FROM conversations"
        args: tuple = ()
        if search:
            query += (" WHERE title LIKE ? OR id IN (SELECT conversation_id FROM messages WHERE content LIKE ?)")
            args = (f"%{search}%", f"%{search}%")
        with self._lock:
            return [dict(r) for r in self._db.execute(query + " ORDER BY updated_at DESC", args)]

    def conversation(self, conversation_id: int) -> dict | None:
        """A conversation's row as a dict; None when there is no such id."""
        with self._lock:
            row = self._db.execute("SELECT * FROM conversations WHERE id=?", (conversation_id,)).fetchone()
        return dict(row) if row else None

    def messages(self, conversation_id: int) -> list[dict]:
        """Every message of a conversation in order, superseded ones included (their kind says so)."""
        with self._lock:
            return [dict(r) for r in self._db.execute(
                "SELECT * FROM messages WHERE conversation_id=? ORDER BY id", (conversation_id,))]

    def cells(self, conversation_id: int) -> list[dict]:
        """A conversation's cells in order, superseded ones left out, each result decoded from JSON."""
        with self._lock:
            rows = [dict(r) for r in self._db.execute(
                "SELECT * FROM cells WHERE conversation_id=? AND status!='superseded' ORDER BY id", (conversation_id,))]
        for row in rows:
            row["result"] = json.loads(row["result"]) if row["result"] else None
        return rows

    def model_history(self, conversation_id: int) -> list[dict]:
        """The conversation as the model saw it: user requests, replies, and execution feedback
        (consecutive feedback of one reply merged, as the loop sends it)."""
        history: list[dict] = []
        for m in self.messages(conversation_id):
            if m["kind"] not in ("user", "assistant", "feedback") or not m["content"]:
                continue
            if m["kind"] == "feedback" and history and history[-1].get("_feedback"):
                history[-1]["content"] += "\n" + m["content"]
                continue
            history.append({"role": m["role"], "content": m["content"], "_feedback": m["kind"] == "feedback"})
        return [{"role": h["role"], "content": h["content"]} for h in history]


def _salvage(damaged: Path, fresh: sqlite3.Connection) -> int:
    """Copy every row that can still be read, table by table and row by row."""
    try:
        old = sqlite3.connect(f"file:{damaged}?mode=ro", uri=True)
        old.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return 0
    for table in TABLES:
        try:
            columns = [r[1] for r in old.execute(f"PRAGMA table_info({table})")]
            top = old.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        except sqlite3.DatabaseError:
            continue
        marks = ", ".join("?" for _ in columns)
        for rowid in range(1, top + 1):
            try:
                row = old.execute(f"SELECT * FROM {table} WHERE rowid=?", (rowid,)).fetchone()
                if row is not None:
                    fresh.execute(f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})", row)
            except sqlite3.DatabaseError:
                continue
    old.close()
    fresh.execute("PRAGMA foreign_keys=OFF")
    for table in TABLES[1:]:  # rows whose conversation was lost cannot be shown: drop them
        fresh.execute(f"DELETE FROM {table} WHERE conversation_id NOT IN (SELECT id FROM conversations)")
    fresh.execute("PRAGMA foreign_keys=ON")
    return fresh.execute("SELECT count(*) FROM conversations").fetchone()[0]
