"""The person's tables as the model is told about them: their column names, in the request and
again where code asked for a column that is not there.

A small model guesses names. On DABench the 1.5B asked for 'BARO' where the header says ' BARO',
'avg. wait time' for 'avg. wait time ' and 'year' in a table whose years are column names;
13 of its 63 wrong answers went through such a KeyError, and the traceback alone did not get it
to the right name. Told the exact names at the error, it has them beside the failure.
"""

from __future__ import annotations

import csv
import io
import os
import re
from itertools import islice
from pathlib import Path

from ..workspace_files import open_regular, printable

HEADER_LIMIT = 64 * 1024
"""The most read of a table to find its column names (its first line)."""
COLUMNS_LIMIT = 30
"""The most column names told: a wide table's names would crowd out the rest."""
TABLES_LIMIT = 5
"""The most tables a missing-column hint looks at."""
VALUES_LIMIT = 1024 * 1024
"""The most read of a table to find which column holds a value that an error quotes."""
SCAN_LIMIT = 100
"""The most tables looked for among the folder's files."""
_SUFFIXES = {".csv": ",", ".tsv": "\t"}
_SINGLE_QUOTED = re.compile(r"'([^'\n]{1,200})'")
_DOUBLE_QUOTED = re.compile(r'"([^"\n]{1,200})"')
_DTYPE = re.compile(r"dtype='[^']*'")
_NOT_FOUND = "Column not found: "  # pandas' groupby and agg: KeyError('Column not found: WINDSPEED')


def columns(folder: Path, name: str) -> list[str]:
    """The header names of a CSV or TSV file in the folder, empty ones left out; [] for any other
    file or one that cannot be read. The running code may have swapped the file for a link to a
    host file, so it is read through the guarded reader."""
    delimiter = _SUFFIXES.get(Path(name).suffix.lower())
    if delimiter is None:
        return []
    try:
        with open_regular(folder, name, "not read") as (handle, _info):
            head = handle.read(HEADER_LIMIT).decode("utf-8-sig", errors="replace")  # pandas drops a BOM too
        header = next(csv.reader(io.StringIO(head, newline=None), delimiter=delimiter), [])
    except (OSError, csv.Error):
        return []
    return [column for column in header if column.strip()]


def described(names: list[str]) -> str:
    """ " (columns: a, b, c)" for the first COLUMNS_LIMIT names, or those names as a Python list
    where one begins or ends with spaces ("DATE TIME, WINDSPEED"): pandas keeps the spaces, and a
    model told "WINDSPEED" asks for a column that is not there."""
    names = names[:COLUMNS_LIMIT]
    if not names:
        return ""
    if any(name != name.strip() for name in names):
        return f" (columns, spaces included: {printable(repr(names))})"
    return f" (columns: {', '.join(printable(name) for name in names)})"


def missing_column(exception: str, folder: Path | None) -> tuple[str, dict[str, str]]:
    """For a KeyError that names no column of the folder's tables: which column was meant (the
    same name but for spaces, case or underscores), or the names there are; and each name that is
    one column but for those, with that column's exact name ({} where a name could be two). ("", {})
    when any name it quotes is a column (the key was missing elsewhere) or no table can be read."""
    if folder is None:
        return "", {}
    keys, tables = _keys(exception), _tables(folder)
    if not keys or not tables or any(key in names for key in keys for names in tables.values()):
        return "", {}
    meant = [(key, column, table) for key in keys for table, names in tables.items() for column in names
             if _loose(column) == _loose(key)]
    if meant:
        said = "; ".join(f"{printable(repr(key))} is {printable(repr(column))} in {printable(table)}"
                         for key, column, table in meant)
        strip = any(key.strip() == column.strip() for key, column, _table in meant)
        pairs = {(key, column) for key, column, _table in meant}  # train.csv and test.csv share Age
        renames = dict(pairs)
        return (f"The column names differ from the code's: {said}. Use the names exactly as they are"
                + (", or strip the names once after reading: df.columns = df.columns.str.strip()." if strip else "."),
                renames if len(renames) == len(pairs) else {})
    listing = "; ".join(f"{printable(table)}{described(names)}" for table, names in tables.items())
    quoted = ", ".join(printable(repr(key)) for key in keys)
    return f"{quoted} is not a column of {_listed(list(tables))}. {listing}.", {}


def column_holding(folder: Path | None, value: str) -> tuple[str, str] | None:
    """The table and column whose cell is the value (spaces around it aside), looked for in the
    first VALUES_LIMIT bytes of each table; read through the guarded reader."""
    wanted = value.strip()
    for table in _table_names(folder) if folder is not None else []:
        delimiter = _SUFFIXES[Path(table).suffix.lower()]
        try:
            with open_regular(folder, table, "not read") as (handle, _info):
                text = handle.read(VALUES_LIMIT).decode("utf-8-sig", errors="replace")
            rows = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
            header = next(rows, [])
            for row in rows:
                for name, cell in zip(header, row):
                    if cell.strip() == wanted:
                        return table, name
        except (OSError, csv.Error):
            continue
    return None


def is_column(folder: Path | None, name: str) -> bool:
    """Whether one of the folder's tables has a column of exactly this name."""
    return folder is not None and any(name in names for names in _tables(folder).values())


def _tables(folder: Path) -> dict[str, list[str]]:
    return {name: found for name in _table_names(folder) if (found := columns(folder, name))}


def _listed(names: list[str]) -> str:
    shown = [printable(name) for name in names]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


def _keys(exception: str) -> list[str]:
    """The names a KeyError's message quotes: 'year', ['a', 'b'], "['a'] not in index". A dtype
    (Index([...], dtype='object')) is no name, and a quote cut at an escaped apostrophe is none."""
    exception = _DTYPE.sub("", exception)
    keys = _SINGLE_QUOTED.findall(exception) or _DOUBLE_QUOTED.findall(exception)
    return [key.removeprefix(_NOT_FOUND) for key in keys if "\\" not in key]


def _table_names(folder: Path) -> list[str]:
    """The CSV and TSV files at the top of the folder, by name (the names are the code's too); the
    scan stops early in a folder the code filled with files."""
    try:
        with os.scandir(folder) as entries:
            found = islice((e.name for e in entries if Path(e.name).suffix.lower() in _SUFFIXES), SCAN_LIMIT)
            names = sorted(found)
    except OSError:
        return []
    return names[:TABLES_LIMIT]


def _loose(name: str) -> str:
    """A name as a person reads it: no surrounding spaces, no case, "_" as " "."""
    return " ".join(name.replace("_", " ").split()).casefold()
