"""Reading a CSV export back: the data under its '#' stamp lines, as a user would with read_csv(skiprows=N)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd


def read_exported_csv(source: bytes | str | Path) -> pd.DataFrame:
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    lines = raw.split(b"\n")
    stamp = next(index for index, line in enumerate(lines) if not line.startswith(b"#"))
    assert stamp >= 6, "the CSV starts with its stamp: title, filters, source, date, link"
    assert f"The {stamp} lines starting with '#'".encode() in lines[0], "the first line says how many to skip"
    return pd.read_csv(io.BytesIO(raw), skiprows=stamp)
