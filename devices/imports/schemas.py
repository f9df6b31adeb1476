"""What the import endpoints answer."""

from datetime import datetime

from pydantic import BaseModel, Field, computed_field, model_validator

from devices.models import ImportKind, ImportStatus
from devices.schemas import Public


class ImportProblem(BaseModel):
    row: int
    column: str
    message: str


def problems_note(shown: int, count: int) -> str | None:
    """'showing the first N of M problems' when only some were kept, else None."""
    if shown >= count:
        return None
    return f"showing the first {shown:,} of {count:,} problems"


class ImportJobPublic(Public):
    """A queued or finished import; when it failed, `problems` lists the first bad rows (row
    0 is the import as a whole) and `problem_count` how many problems there were in all;
    `summary` says what was added when it succeeded."""

    id: int
    kind: ImportKind
    filename: str
    status: ImportStatus
    total_rows: int
    processed_rows: int
    problems: list[ImportProblem]
    problem_count: int = Field(
        default=0, description="every problem found; `problems` keeps the first ones by row"
    )
    summary: dict[str, int] | None
    created_by: str
    created_at: datetime
    finished_at: datetime | None

    @model_validator(mode="after")
    def _count_every_listed_problem(self) -> "ImportJobPublic":
        # Jobs finished before problems were counted hold every problem and a count of 0.
        self.problem_count = max(self.problem_count, len(self.problems))
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def problems_note(self) -> str | None:
        """Says that `problems` is not the whole list, when it is not."""
        return problems_note(len(self.problems), self.problem_count)
