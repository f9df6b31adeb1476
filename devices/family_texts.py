"""One text a family a morning, however many things fell due for their laptop and dongle:
each device named as the family knows it (its asset tag, else its model), and whom to call
with their number. One thing gets its own message; several, a short list; a list too long
for three SMS segments, a short summary, so no family text costs more than three."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from accounts.scoping import among_ids
from devices.due import Due
from devices.family_contacts import SEVERAL, FamilyContact, contacts_for
from devices.models import Allocation, Device, DeviceKind, Dongle, Family, Sim, SimLoan
from notifications.models import Channel
from notifications.outbox import Recipient
from notifications.outbox_bulk import Outgoing, enqueue_many
from notifications.segments import count_segments
from notifications.templates import (
    CONTACT_WITH_PHONE,
    DEVICE_NAMES,
    ITEMS,
    DayMonth,
    Phrase,
    render,
)

MOST_SEGMENTS = 3
SHORT = "family-alerts-short"


@dataclass(frozen=True)
class Household:
    """What a text needs of a family that takes texts: whom, where, in which language."""

    id: int
    school_id: int
    phone_number: str
    preferred_language: str


@dataclass(frozen=True)
class Held:
    """The family a device or SIM is with now, and the device's name for them."""

    family: Household
    device: Phrase | None = None


def device_name(kind: DeviceKind, asset_tag: str | None, model: str, serial: str) -> Phrase:
    """The device as its family knows it, "Laptop DFC-0042": the asset tag on its sticker,
    else its model, else its serial number."""
    word = DEVICE_NAMES["tablet" if kind is DeviceKind.TABLET else "laptop"]
    return Phrase(word, {"name": (asset_tag or "").strip() or model.strip() or serial})


def _families(session: Session, items: list[Due]) -> dict[str, Held]:
    """The family that takes texts each device or SIM is with now, in one query each (the
    ids as one array parameter: the scan asks about a whole scheme's items at once)."""
    device_ids = sorted({item.device_id for item in items if item.device_id})
    sim_ids = sorted({item.sim_id for item in items if item.sim_id})
    household = (
        Family.id,
        Family.school_id,
        Family.phone_number,
        Family.preferred_language,
    )
    takes_texts = (
        Family.sms_consent.is_(True),
        Family.phone_number.is_not(None),
        Family.phone_number != "",
    )
    found: dict[str, Held] = {}
    if device_ids:
        rows = session.execute(
            select(*household, Device.id, Device.kind, Device.asset_tag, Device.model)
            .add_columns(Device.serial_number)
            .join(Allocation, Allocation.family_id == Family.id)
            .join(Device, Device.id == Allocation.device_id)
            .where(Allocation.returned_on.is_(None), among_ids(Device.id, device_ids), *takes_texts)
        )
        for *family, device_id, kind, tag, model, serial in rows:
            name = device_name(kind, tag, model, serial)
            found[f"device-{device_id}"] = Held(Household(*family), name)
    if sim_ids:
        rows = session.execute(
            select(Sim.id, *household)
            .join(Dongle, Dongle.id == Sim.dongle_id)
            .join(Allocation, Allocation.dongle_id == Dongle.id)
            .join(Family, Family.id == Allocation.family_id)
            .where(Allocation.returned_on.is_(None), among_ids(Sim.id, sim_ids), *takes_texts)
        )
        found.update({f"sim-{sim_id}": Held(Household(*family)) for sim_id, *family in rows})
        # A SIM lent on its own, in the account holder's phone: the family of the loan.
        rows = session.execute(
            select(SimLoan.sim_id, *household)
            .join(Family, Family.id == SimLoan.family_id)
            .where(SimLoan.returned_on.is_(None), among_ids(SimLoan.sim_id, sim_ids), *takes_texts)
        )
        found.update({f"sim-{sim_id}": Held(Household(*family)) for sim_id, *family in rows})
    return found


def _by_family(session: Session, items: list[Due]) -> dict[int, list[tuple[Due, Held]]]:
    """Today's items for each family that takes texts, in the order ITEMS lists kinds."""
    held = _families(session, items)
    order = {kind: position for position, kind in enumerate(ITEMS)}
    by_family: dict[int, list[tuple[Due, Held]]] = defaultdict(list)
    for item in sorted(items, key=lambda item: order[item.kind]):
        found = held.get(f"device-{item.device_id}") or held.get(f"sim-{item.sim_id}")
        if found:
            by_family[found.family.id].append((item, found))
    return by_family


def _values(item: Due, held: Held, *, short_dates: bool) -> dict[str, Any]:
    values: dict[str, Any] = dict(item.extra)
    if held.device is not None:
        values["device"] = held.device
    if item.when:
        values["date"] = DayMonth(item.when) if short_dates else item.when
    return values


def _contact(contact: FamilyContact) -> Phrase | str:
    if contact.phone:
        return Phrase(CONTACT_WITH_PHONE, {"name": contact.name, "phone": contact.phone})
    return contact.name


def _topic(things: list[tuple[Due, Held]]) -> str:
    """What a text is about, for whom to contact: its one kind of alert, or several."""
    kinds = {item.kind for item, _held in things}
    return kinds.pop() if len(kinds) == 1 else SEVERAL


def message(
    things: list[tuple[Due, Held]], contact: FamilyContact, language: str
) -> tuple[str, dict[str, Any], tuple[str | None, str]]:
    """(template, context, its rendering) for one family's text: within MOST_SEGMENTS in
    their language if the words allow, else the shortest message there is."""
    if len(things) == 1:
        [(item, held)] = things
        template = item.kind
        context = {**_values(item, held, short_dates=False), "contact": _contact(contact)}
    else:
        listed = [
            Phrase(ITEMS[item.kind], _values(item, held, short_dates=True)) for item, held in things
        ]
        template, context = "family-alerts", {"list": listed, "contact": _contact(contact)}
    rendered = render(template, language=language, context=context)
    if count_segments(rendered[1])[0] > MOST_SEGMENTS:
        short = {"contact": _contact(contact)}
        return SHORT, short, render(SHORT, language=language, context=short)
    return template, context, rendered


def text_families(session: Session, items: list[Due], *, today: date) -> int:
    """Queues one text for each family with something new today (a family's items may come
    from several councils' scans); the key is the family and the day, so a second scan the
    same morning sends nothing more. Returns how many texts were queued."""
    by_family = _by_family(session, [item for item in items if item.kind in ITEMS])
    topics: dict[str, set[int]] = defaultdict(set)
    for things in by_family.values():
        topics[_topic(things)].add(things[0][1].family.school_id)
    contacts = {
        topic: contacts_for(session, organisation_ids, topic)
        for topic, organisation_ids in topics.items()
    }
    messages = []
    for things in by_family.values():
        family = things[0][1].family
        language = family.preferred_language
        contact = contacts[_topic(things)][family.school_id]
        template, context, rendered = message(things, contact, language)
        messages.append(
            Outgoing(
                f"alerts:family-{family.id}:{today.isoformat()}",
                Recipient(Channel.SMS, family.phone_number, language, family.school_id),
                template,
                context,
                rendered,
            )
        )
    enqueue_many(session, messages)
    return len(by_family)
