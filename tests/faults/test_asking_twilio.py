"""Before sending again a text whose earlier attempt's outcome is unknown, the worker asks
Twilio for the messages to that number. A number many texts go to (a carer, a children's
home, a school office given as the family's phone) must not hide the earlier attempt."""

from datetime import timedelta

import pytest
import requests
from sqlmodel import Session

from dfc.db_types import utcnow
from notifications import sending
from notifications.models import Audience, Channel, MessageStatus, OutboxMessage
from tests.notifications.conftest import ACCOUNT_SID, SERVICE_SID

pytestmark = pytest.mark.faults

NUMBER = "+447700900123"


def twilio_takes(fake, body: str) -> None:
    response = requests.post(
        f"{fake.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
        data={"To": NUMBER, "Body": body, "MessagingServiceSid": SERVICE_SID},
        auth=(ACCOUNT_SID, "any"),
        timeout=5,
    )
    assert response.status_code == 201


def test_an_earlier_attempt_is_found_behind_more_than_50_later_texts_to_the_same_number(
    session: Session, twilio
):
    now = utcnow()
    message = OutboxMessage(
        idempotency_key="asked",
        audience=Audience.FAMILY,
        channel=Channel.SMS,
        recipient=NUMBER,
        locale="en",
        template="support-ending",
        body="Devices for Children: the text whose worker died mid-send.",
        status=MessageStatus.SENDING,  # its worker died after Twilio took it
        attempts=1,
        next_attempt_at=now - timedelta(seconds=1),
        unconfirmed_attempt_at=now - timedelta(minutes=5),
    )
    session.add(message)
    session.commit()
    twilio_takes(twilio, message.body)
    for i in range(60):  # the morning's other texts to the same phone, before the retry
        twilio_takes(twilio, f"Devices for Children: another child's laptop, text {i}.")

    assert sending.send_one(message.id) is MessageStatus.SENT
    bodies = [request.form["Body"] for request in twilio.requests if request.method == "POST"]
    assert bodies.count(message.body) == 1, "sent twice"
