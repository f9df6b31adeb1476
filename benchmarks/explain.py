"""EXPLAIN (ANALYZE, BUFFERS) in one line: which tables were read whole, which indexes were
used, how long the server took and how many 8 kB pages it touched."""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.sql import Executable

INDEX_NODES = ("Index Scan", "Index Only Scan", "Bitmap Index Scan")


@dataclass(frozen=True)
class PlanSummary:
    seq_scans: tuple[str, ...]
    indexes: tuple[str, ...]
    server_ms: float
    pages_hit: int
    pages_read: int

    @property
    def line(self) -> str:
        parts = []
        if self.seq_scans:
            parts.append("seq " + ",".join(self.seq_scans))
        if self.indexes:
            parts.append("idx " + ",".join(self.indexes))
        parts.append(f"buf {self.pages_hit}h/{self.pages_read}r")
        return "; ".join(parts)


def _walk(node: dict[str, Any], seq: list[str], indexes: list[str]) -> None:
    kind = node.get("Node Type", "")
    if kind == "Seq Scan" and node.get("Relation Name") not in seq:
        seq.append(node["Relation Name"])
    elif kind in INDEX_NODES and node.get("Index Name") not in indexes:
        indexes.append(node["Index Name"])
    for child in node.get("Plans", []):
        _walk(child, seq, indexes)


def summarise(document: list[dict[str, Any]]) -> PlanSummary:
    """A summary of EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) output."""
    top = document[0]
    seq: list[str] = []
    indexes: list[str] = []
    _walk(top["Plan"], seq, indexes)
    return PlanSummary(
        seq_scans=tuple(seq),
        indexes=tuple(indexes),
        server_ms=float(top.get("Execution Time", 0.0)),
        pages_hit=int(top["Plan"].get("Shared Hit Blocks", 0)),
        pages_read=int(top["Plan"].get("Shared Read Blocks", 0)),
    )


def literal_sql(engine: Engine, statement: Executable) -> str:
    """The statement as PostgreSQL will run it, with its parameters written in."""
    compiled = statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
    return str(compiled)


def explain(engine: Engine, statement: Executable) -> PlanSummary:
    sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + literal_sql(engine, statement)
    with engine.connect() as connection:
        document = connection.exec_driver_sql(sql).scalar_one()
    if isinstance(document, str):
        document = json.loads(document)
    return summarise(document)
