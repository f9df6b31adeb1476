"""Request and response shapes for SIM-only loans, a SIM's PIN and PUK, and the report of
how families without home broadband are connected."""

from datetime import date
from typing import Annotated

from pydantic import Field

from accounts.schemas import StrictModel
from devices.models import SimPlan, SimSource
from devices.schemas import Public

Pin = Annotated[str, Field(pattern=r"^\d{4,8}$", description="4 to 8 digits")]
Puk = Annotated[str, Field(pattern=r"^\d{8}$", description="8 digits")]


class SimCodesIn(StrictModel):
    pin: Pin | None = None
    puk: Puk | None = None


class SimLoanCreate(StrictModel):
    sim_id: int = Field(description="a SIM not in a dongle or router (POST /api/sims first)")
    family_id: int
    plan: SimPlan = SimPlan.DATA_ONLY
    source: SimSource = SimSource.NETWORK
    allocated_on: date
    pin: Pin | None = None
    puk: Puk | None = None


class SimLoanEnd(StrictModel):
    returned_on: date
    reason: str = Field(default="returned", pattern="^(returned|lost|stolen|ended)$")


class SimLoanPublic(Public):
    id: int
    sim_id: int
    family_id: int
    school_id: int
    plan: SimPlan
    source: SimSource
    allocated_on: date
    returned_on: date | None
    return_reason: str | None


class SimCodesPublic(Public):
    sim_id: int
    pin: str | None
    puk: str | None


class ConnectionRoutes(Public):
    """One school's families recorded without home broadband, by how each is connected."""

    school_id: int
    school_name: str
    without_broadband: int
    dongle: int
    sim_only: int
    unconnected: int


class FamilyRoute(Public):
    """A family recorded without home broadband and how it is connected now."""

    id: int
    school_id: int
    pupil_reference: str
    year_group: int | None
    route: str = Field(description="dongle, sim-only or none")
