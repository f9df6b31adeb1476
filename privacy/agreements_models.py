"""Information sharing agreements: the table, and the shapes the API and pages take in
and give out. An agreement says what a council may share with whom, why, and until when."""

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import Field as PydanticField
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from dfc.db_types import UTCDateTime, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


def _fk(target: str, *, ondelete: str, nullable: bool, index: bool = True) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class SharingAgreement(SQLModel, table=True):
    """One agreement between a council and another party. Never deleted: ending one early
    records the day and the reason, so the history of what was shared stays."""

    __tablename__ = "sharing_agreement"
    __table_args__ = (
        UniqueConstraint("council_id", "reference"),
        CheckConstraint("ends_on > starts_on", name="ends_after_start"),
        CheckConstraint("(partner_id IS NULL) <> (partner_name IS NULL)", name="one_other_party"),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    council_id: int = Field(
        sa_column=not_personal().on(_fk("organisation.id", ondelete="RESTRICT", nullable=False))
    )
    reference: str = Field(
        max_length=100,
        description="e.g. the Information Sharing Gateway id",
        **not_personal("the agreement's reference"),
    )
    partner_id: int | None = Field(
        default=None,
        sa_column=not_personal().on(_fk("organisation.id", ondelete="RESTRICT", nullable=True)),
    )
    partner_name: str | None = Field(
        default=None, max_length=200, **not_personal("an organisation's name")
    )
    purpose: str = Field(max_length=2000, **not_personal("why the data is shared"))
    categories: list[str] = Field(
        default_factory=list,
        sa_column=not_personal("the kinds of data covered").on(Column(JSON, nullable=False)),
    )
    starts_on: date = Field(**not_personal())
    ends_on: date = Field(description="the last day the agreement is in force", **not_personal())
    ended_early_on: date | None = Field(
        default=None, description="not in force from this day", **not_personal()
    )
    end_reason: str | None = Field(
        default=None, max_length=500, **not_personal("why the agreement was ended early")
    )
    recorded_by_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.STAFF, retention="staff-action").on(
            _fk("staff_user.id", ondelete="SET NULL", nullable=True, index=False)
        ),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())

    @property
    def last_day(self) -> date:
        """The last day the agreement is in force, counting an early end."""
        if self.ended_early_on is None:
            return self.ends_on
        return min(self.ends_on, self.ended_early_on - timedelta(days=1))

    @property
    def covered(self) -> frozenset[DataCategory]:
        return frozenset(DataCategory(value) for value in self.categories)

    def in_force_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.last_day


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AgreementCreate(StrictModel):
    reference: str = PydanticField(
        min_length=1, max_length=100, description="e.g. the Information Sharing Gateway id"
    )
    council_id: int | None = PydanticField(
        default=None, description="the council sharing; a council officer's own by default"
    )
    partner_id: int | None = PydanticField(
        default=None, description="the other party, if it is an organisation in the service"
    )
    partner_name: str | None = PydanticField(
        default=None, min_length=1, max_length=200, description="or the other party's name"
    )
    purpose: str = PydanticField(min_length=1, max_length=2000)
    categories: list[DataCategory] = PydanticField(
        min_length=1, description="the kinds of personal data the agreement covers"
    )
    starts_on: date
    ends_on: date = PydanticField(description="the last day the agreement is in force")

    @field_validator("categories")
    @classmethod
    def _as_set(cls, value: list[DataCategory]) -> list[DataCategory]:
        return sorted(set(value))


class AgreementEnd(StrictModel):
    on: date = PydanticField(description="the first day the agreement is no longer in force")
    reason: str = PydanticField(min_length=1, max_length=500)


class AgreementPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    council_id: int
    reference: str
    partner_id: int | None
    partner_name: str | None
    purpose: str
    categories: list[DataCategory]
    starts_on: date
    ends_on: date
    ended_early_on: date | None
    end_reason: str | None
    last_day: date
    recorded_by_id: int | None
    created_at: datetime
