"""A family never gets the same text twice: when an attempt's outcome is unknown (Twilio
timed out after taking the message, the connection dropped, Twilio answered 5xx, the worker
died mid-send), the next attempt asks Twilio first and records what it finds."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import Session

from dfc.settings import get_settings
from notifications import send_store, sending
from notifications.channels.base import Delivery
from notifications.channels.select import sender_for
from notifications.models import MessageStatus, OutboxMessage
from tests.notifications.test_sending import NOON, queue, reload

LATER = NOON + timedelta(hours=2)  # past any backoff


def posts(twilio) -> int:
    return sum(1 for request in twilio.requests if request.method == "POST")


def lookups(twilio) -> int:
    return sum(1 for request in twilio.requests if request.method == "GET")


def sent_once(twilio, message: OutboxMessage) -> None:
    bodies = [(m["to"], m["body"]) for m in twilio.accepted]
    assert bodies == [(message.recipient, message.body)], bodies


def test_a_message_twilio_took_before_timing_out_is_not_sent_again(session: Session, twilio):
    message = queue(session)
    twilio.hang_next(get_settings().TWILIO_TIMEOUT_SECONDS + 2)
    assert sending.send_one(message.id, now=NOON) is MessageStatus.PENDING
    assert reload(session, message).unconfirmed_attempt_at == NOON
    assert sending.send_one(message.id, now=LATER) is MessageStatus.SENT
    stored = reload(session, message)
    assert stored.provider_id == twilio.accepted[0]["sid"]
    assert (posts(twilio), lookups(twilio), stored.unconfirmed_attempt_at) == (1, 1, None)
    sent_once(twilio, stored)


def test_a_connection_dropped_after_twilio_took_the_message_is_not_sent_again(session, twilio):
    message = queue(session)
    twilio.drop_next(accepted=True)
    assert sending.send_one(message.id, now=NOON) is MessageStatus.PENDING
    assert sending.send_one(message.id, now=LATER) is MessageStatus.SENT
    sent_once(twilio, reload(session, message))
    assert posts(twilio) == 1


def test_a_connection_dropped_before_twilio_took_it_is_sent_again_once(session, twilio):
    message = queue(session)
    twilio.drop_next(accepted=False)
    assert sending.send_one(message.id, now=NOON) is MessageStatus.PENDING
    assert sending.send_one(message.id, now=LATER) is MessageStatus.SENT
    sent_once(twilio, reload(session, message))
    assert (posts(twilio), lookups(twilio)) == (2, 1)


def test_after_a_server_error_twilio_is_asked_and_after_a_rate_limit_it_is_not(session, twilio):
    limited, failed = queue(session, "limited"), queue(session, "failed")
    twilio.rate_limit_next(retry_after=1)
    twilio.server_error_next()
    assert sending.send_one(limited.id, now=NOON) is MessageStatus.PENDING
    assert sending.send_one(failed.id, now=NOON) is MessageStatus.PENDING
    assert reload(session, limited).unconfirmed_attempt_at is None  # Twilio said no
    assert sending.send_one(limited.id, now=LATER) is MessageStatus.SENT
    assert lookups(twilio) == 0
    assert sending.send_one(failed.id, now=LATER) is MessageStatus.SENT
    assert lookups(twilio) == 1


def test_a_message_whose_worker_died_mid_send_is_found_at_twilio_after_its_lease(session, twilio):
    message = queue(session)
    with session.begin():
        assert sending.claim(session, message.id, NOON)  # the worker took it ...
    delivery = Delivery(message.channel, message.recipient, message.body)
    sender_for(message.channel, get_settings()).send(delivery)  # ... sent it, and died
    assert sending.send_one(message.id, now=NOON + timedelta(seconds=30)) is None, "leased"
    after_lease = NOON + sending.lease() + timedelta(seconds=1)
    assert sending.send_one(message.id, now=after_lease) is MessageStatus.SENT
    stored = reload(session, message)
    assert stored.provider_id == twilio.accepted[0]["sid"] and stored.attempts == 2
    sent_once(twilio, stored)


def test_an_identical_text_already_recorded_is_not_mistaken_for_the_lost_one(session, twilio):
    first = queue(session, "first")
    second = queue(session, "second")  # the same words to the same family
    assert first.body == second.body
    assert sending.send_one(first.id, now=NOON) is MessageStatus.SENT
    twilio.drop_next(accepted=False)
    assert sending.send_one(second.id, now=NOON) is MessageStatus.PENDING
    assert sending.send_one(second.id, now=LATER) is MessageStatus.SENT
    assert len(twilio.accepted) == 2
    sids = {reload(session, first).provider_id, reload(session, second).provider_id}
    assert sids == {m["sid"] for m in twilio.accepted}


def test_if_twilio_cannot_be_asked_the_message_waits_and_keeps_the_first_doubt(session, twilio):
    message = queue(session)
    twilio.hang_next(get_settings().TWILIO_TIMEOUT_SECONDS + 2)
    assert sending.send_one(message.id, now=NOON) is MessageStatus.PENDING
    twilio.stop()  # Twilio cannot be reached to ask about it: nothing is posted either
    assert sending.send_one(message.id, now=LATER) is MessageStatus.PENDING
    stored = reload(session, message)
    assert stored.unconfirmed_attempt_at == NOON and posts(twilio) == 1


def test_texts_handed_to_many_threads_at_once_each_go_out_once(session, twilio):
    """A worker's threads share their claims and results (send_store): a text handed to
    several of them at the same moment (a redelivery) is still sent by one."""
    messages = [queue(session, key=f"k{i}") for i in range(4)]
    ids = [message.id for message in messages for _ in range(4)]
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(sending.send_one, ids))
    assert outcomes.count(MessageStatus.SENT) == 4, outcomes
    assert outcomes.count(None) == 12, "the other threads found it not theirs"
    assert posts(twilio) == 4
    for message in messages:
        stored = reload(session, message)
        assert (stored.status, stored.attempts) == (MessageStatus.SENT, 1)
        assert stored.provider_id in {accepted["sid"] for accepted in twilio.accepted}


def test_a_text_asked_for_twice_in_one_shared_claim_is_claimed_once(session):
    first, second = queue(session, key="a"), queue(session, key="b")
    lease_ends = NOON + timedelta(minutes=5)
    claims = send_store.claim_many([first.id, first.id, second.id], NOON, lease_ends)
    assert [claim.id if claim else None for claim in claims] == [first.id, None, second.id]
    assert reload(session, first).attempts == 1
