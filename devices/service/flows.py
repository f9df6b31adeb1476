"""The register's steps that go together: a new family and the device it is given are saved
as one, or neither is. The page and the API both call these, so they cannot differ."""

from sqlmodel import Session

from devices.models import Allocation
from devices.schemas import AllocationCreate, NewFamilyAllocation
from devices.service import families, lifecycle
from dfc.caller import Caller


def allocate_to_new_family(
    session: Session, *, caller: Caller, allocation_in: NewFamilyAllocation
) -> Allocation:
    """Adds the family and allocates the device to it inside a savepoint: if the allocation
    is refused, the family is not kept either, and the caller's session is left as it was."""
    with session.begin_nested():
        family = families.create_family(session, caller=caller, family_in=allocation_in.family)
        return lifecycle.allocate(
            session,
            caller=caller,
            allocation_in=AllocationCreate(
                device_id=allocation_in.device_id,
                family_id=family.id,
                dongle_id=allocation_in.dongle_id,
                allocated_on=allocation_in.allocated_on,
                collected=allocation_in.collected,
                end_of_updates_override=allocation_in.end_of_updates_override,
                review_on=allocation_in.review_on,
                return_by=allocation_in.return_by,
            ),
        )
