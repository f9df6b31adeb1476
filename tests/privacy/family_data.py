"""A family with something in every table that can hold its data, for the access audit,
subject access and erasure tests. Each family's texts are unique, so a test can tell
whether anything of one family shows up in another's export."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind
from devices.models import (
    AcceptanceAnswer,
    AcceptanceMethod,
    AcceptancePurpose,
    CheckIn,
    CheckInAnswer,
    CheckInDate,
    DeviceEvent,
    DeviceManagement,
    DeviceStatus,
    EnrolmentState,
    Family,
    FamilyAcceptance,
    FamilyMove,
    HandoverCheck,
    HandoverStep,
    Incident,
    IncidentFile,
    IncidentKind,
    Manager,
    MoveKind,
    MoveStatus,
    OwnerKind,
    OwnershipTransfer,
    Sim,
    SimLoan,
    UpliftRequest,
    UpliftStatus,
)
from dfc.file_store import media_store, new_key
from notifications.models import (
    Audience,
    Channel,
    ConsentChange,
    MessageStatus,
    OutboxMessage,
    SmsOptOut,
    TextConsentChange,
)
from notifications.whatsapp_models import TextChannelChoice, WhatsAppWindow
from support.media.models import AttachmentStatus, TicketAttachment
from support.models import (
    Author,
    Category,
    FollowCode,
    Team,
    Ticket,
    TicketLanguageChange,
    TicketMessage,
    TicketStatus,
    Via,
)
from tests.devices.factories import make_allocation, make_device

_numbers = count(1)
WHEN = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PHOTO = b"\x89PNG\r\n\x1a\n a family's photo"


@dataclass
class FamilyData:
    family: Family
    phone: str
    email: str
    words: str  # in the family's first ticket message only
    note: str  # a staff note on that ticket
    unlinked_words: str  # a ticket raised from their phone without a family
    outbox_text: str
    acceptance: str
    device_ids: list[int]
    ticket_id: int
    unlinked_ticket_id: int
    outbox_id: int
    follow_code_id: int
    attachment_id: int
    attachment_key: str  # the photo's key in the media store (it holds PHOTO)


def _ticket(session: Session, school: Organisation, family: Family | None, phone: str) -> Ticket:
    n = next(_numbers)
    ticket = Ticket(
        reference=f"P{n:07d}",
        access_hash=f"p{n:063d}",
        organisation_id=school.id,
        family_id=family.id if family else None,
        requester=Author.FAMILY,
        phone_number=phone,
        via=Via.SMS,
        category=Category.BROKEN_SCREEN,
        language="en",
        status=TicketStatus.OPEN,
        team=Team.SCHOOL_IT,
        first_response_due=WHEN + timedelta(days=1),
        resolution_due=WHEN + timedelta(days=5),
        created_at=WHEN,
    )
    session.add(ticket)
    session.flush()
    return ticket


def make_family_data(
    session: Session,
    school: Organisation,
    *,
    phone: str | None = None,
    pupil_reference: str | None = None,
    opted_out: bool = True,
) -> FamilyData:
    """A family with a device lent, another handed over, a ticket with a message, a note
    and a code, a ticket from its phone with no family, a text sent to it, an opt-out."""
    n = next(_numbers)
    phone = phone or f"+4479112{n:05d}"
    family = Family(
        school_id=school.id,
        pupil_reference=pupil_reference or f"SAR{n:04d}",
        year_group=5,
        phone_number=phone,
        email=f"parent{n}@example.org",
        preferred_language="pl",
        sms_consent=True,
    )
    session.add(family)
    session.commit()
    lent = make_device(session, holder=school, serial=f"LENT{n:05d}")
    lent_to = make_allocation(session, device=lent, family=family, on=date(2026, 2, 1))
    lent_to.review_on, lent_to.return_by = date(2026, 9, 1), date(2027, 7, 20)
    given = make_device(session, holder=school, serial=f"GIVEN{n:05d}")
    given_to = make_allocation(session, device=given, family=family, on=date(2026, 2, 2))
    acceptance = f"signed form number {n}-{n}"
    given.owner_kind, given.owner_family_id = OwnerKind.FAMILY, family.id
    given.status = DeviceStatus.WITH_FAMILY
    session.add_all(
        [
            given,
            OwnershipTransfer(
                device_id=given.id,
                from_kind=OwnerKind.SCHEME,
                to_kind=OwnerKind.FAMILY,
                to_family_id=family.id,
                transferred_on=date(2026, 3, 1),
                accepted_on=date(2026, 3, 1),
                acceptance=acceptance,
                recorded_by="Sam School (user 1)",
            ),
            DeviceManagement(
                device_id=lent.id,
                manager=Manager.GOOGLE_ADMIN,
                state=EnrolmentState.ENROLLED,
                primary_user=f"pupil{n}@school.example",
            ),
            HandoverCheck(
                device_id=given.id,
                allocation_id=given_to.id,
                step=HandoverStep.FILTERING_SIGNED_OFF,
                done_on=date(2026, 2, 20),
                reference=f"parental controls set up with the family {n}",
                confirmed_by="Safeguarding Lead",
                recorded_by="Sam School (user 1)",
            ),
            lent_to,
            FamilyAcceptance(  # the loan's agreement, signed at school
                purpose=AcceptancePurpose.LOAN,
                device_id=lent.id,
                family_id=family.id,
                organisation_id=school.id,
                terms="loan-device-1",
                language="pl",
                method=AcceptanceMethod.IN_PERSON,
                asked_by="Sam School (user 1)",
                answer=AcceptanceAnswer.ACCEPTED,
                answered_at=WHEN,
                witnessed_by="Sam School",
            ),
            FamilyAcceptance(
                purpose=AcceptancePurpose.HANDOVER,
                device_id=given.id,
                family_id=family.id,
                organisation_id=school.id,
                terms="handover-1",
                language="pl",
                method=AcceptanceMethod.IN_PERSON,
                asked_by="Sam School (user 1)",
                answer=AcceptanceAnswer.ACCEPTED,
                answered_at=WHEN,
                witnessed_by="Sam School",
            ),
            FamilyMove(
                family_id=family.id,
                kind=MoveKind.WITHIN_COUNCIL,
                status=MoveStatus.DECLINED,
                from_school_id=school.id,
                to_school_id=school.id,
                from_council_id=school.council_id,
                to_council_id=school.council_id,
                new_pupil_reference=f"MOVED{n:04d}",
                moves_on=date(2026, 4, 1),
                offered_by="Sam School (user 1)",
                reason=f"declined: no place for {n}",
            ),
            Incident(
                device_id=lent.id,
                holder_id=school.id,
                family_id=family.id,
                kind=IncidentKind.DAMAGE,
                happened_on=date(2026, 3, 1),
                description=f"dropped on the way to school {n}",
                crime_reference=f"CR-{n}",
                charge_pence=2500,
                charge_reason=f"third time {n}",
                recorded_by="Sam School (user 1)",
            ),
            DeviceEvent(
                device_id=lent.id,
                actor="Sam School (user 1)",
                action="allocated",
                before={"status": "in-stock"},
                after={"status": "with-family", "family_id": family.id},
            ),
        ]
    )
    network = Organisation(kind=OrganisationKind.NETWORK, name=f"Network {n}")
    session.add(network)
    session.flush()
    session.add(
        UpliftRequest(
            organisation_id=school.id,
            network_id=network.id,
            family_id=family.id,
            account_holder_name=f"Holder {n}",
            phone_number=phone,
            contract_type="pay-monthly",
            data_gb=20,
            months=6,
            status=UpliftStatus.QUERIED,
            network_note=f"account name differs {n}",
            requested_by="Sam School (user 1)",
        )
    )
    term = CheckInDate(
        council_id=school.council_id or school.id,
        sends_on=date(2026, 2, 2 + n % 20),
        label="Spring term 2026",
        created_by="Olu Officer",
    )
    session.add(term)
    session.flush()
    session.add(
        CheckIn(
            check_in_date_id=term.id,
            allocation_id=lent_to.id,
            device_id=lent.id,
            family_id=family.id,
            school_id=school.id,
            first_sent_on=term.sends_on,
            second_due_on=term.sends_on,
            answer=CheckInAnswer.YES,
            answered_at=WHEN,
        )
    )
    ticket = _ticket(session, school, family, phone)
    unlinked = _ticket(session, school, None, phone)
    words, note = f"my child's screen {n} is cracked", f"staff note {n}: called the parent"
    unlinked_words = f"texted from the same phone {n}"
    outbox_text = f"Your ticket {n} has a reply"
    code = FollowCode(ticket_id=ticket.id, code_hash=f"{n:064d}", expires_at=WHEN)
    outbox = OutboxMessage(
        idempotency_key=f"test:{n}",
        organisation_id=school.id,
        audience=Audience.FAMILY,
        channel=Channel.SMS,
        recipient=phone,
        locale="pl",
        template="ticket-reply",
        body=outbox_text,
        status=MessageStatus.SENT,
    )
    first = TicketMessage(ticket_id=ticket.id, author=Author.FAMILY, body=words, via=Via.SMS)
    session.add(first)
    session.flush()
    photo = TicketAttachment(
        message_id=first.id,
        ticket_id=ticket.id,
        position=0,
        media_url=f"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM{n}/Media/ME{n}",
        declared_type="image/png",
        content_type="image/png",
        size=len(PHOTO),
        storage_key=new_key(),
        status=AttachmentStatus.STORED,
    )
    media_store().put(photo.storage_key, PHOTO, "image/png")
    session.add_all(
        [
            photo,
            TicketMessage(
                ticket_id=ticket.id, author=Author.AGENT, body=note, internal=True, via=Via.STAFF
            ),
            TicketMessage(
                ticket_id=unlinked.id, author=Author.FAMILY, body=unlinked_words, via=Via.SMS
            ),
            TicketLanguageChange(
                ticket_id=ticket.id,
                family_id=family.id,
                from_language="en",
                to_language="pl",
                family_from_language="en",
                changed_by="family by text",
                reason=words,
            ),
            code,
            outbox,
        ]
    )
    for row in (  # merged: families may share a phone
        TextChannelChoice(
            phone_number=phone,
            channel=Channel.WHATSAPP,
            consent="Asked at school, by the office",
            recorded_by="Ms Staff",
        ),
        WhatsAppWindow(phone_number=phone, last_inbound_at=WHEN),
    ):
        session.merge(row)
    if opted_out:
        session.add(SmsOptOut(phone_number=phone, how="STOP", channel=Channel.SMS))
        session.add(
            TextConsentChange(
                phone_number=phone,
                change=ConsentChange.OPTED_OUT,
                how="STOP",
                channel=Channel.SMS,
                reason=words,
            )
        )
    session.commit()
    incident = session.exec(select(Incident).where(Incident.family_id == family.id)).one()
    evidence = IncidentFile(
        incident_id=incident.id,
        content_type="image/png",
        size=len(PHOTO),
        storage_key=new_key(),
        uploaded_by="Sam School (user 1)",
    )
    media_store().put(evidence.storage_key, PHOTO, "image/png")
    session.add(evidence)
    sim = Sim(
        iccid=f"8944770{n:013d}",
        network_operator="Vodafone",
        holder_id=school.id,
        contract_starts_on=date(2026, 2, 1),
        contract_ends_on=date(2026, 7, 31),
    )
    session.add(sim)
    session.flush()
    session.add(
        SimLoan(
            sim_id=sim.id, family_id=family.id, school_id=school.id, allocated_on=date(2026, 2, 3)
        )
    )
    session.commit()
    return FamilyData(
        family=family,
        phone=phone,
        email=family.email or "",
        words=words,
        note=note,
        unlinked_words=unlinked_words,
        outbox_text=outbox_text,
        acceptance=acceptance,
        device_ids=[lent.id, given.id],
        ticket_id=ticket.id,
        unlinked_ticket_id=unlinked.id,
        outbox_id=outbox.id,
        follow_code_id=code.id,
        attachment_id=photo.id,
        attachment_key=photo.storage_key,
    )
