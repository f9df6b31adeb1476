"""What the import endpoints answer."""

from datetime import datetime

from pydantic import BaseModel

from devices.models import ImportKind, ImportStatus
from devices.schemas import Public


class ImportProblem(BaseModel):
    row: int
    column: str
    message: str


class ImportJobPublic(Public):
    """A queued or finished import; `problems` lists every bad row when it failed (row 0 is
    the import as a whole), `summary` what was added when it succeeded."""

    id: int
    kind: ImportKind
    filename: str
    status: ImportStatus
    total_rows: int
    processed_rows: int
    problems: list[ImportProblem]
    summary: dict[str, int] | None
    created_by: str
    created_at: datetime
    finished_at: datetime | None
