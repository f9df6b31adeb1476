"""The channels on their own: the real Twilio SDK against a local Twilio-compatible server,
SMTP against a local fake, segment counting and webhook signatures. No database needed."""

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from dfc.settings import Settings
from notifications.channels.base import Delivery, PermanentFailure, TemporaryFailure
from notifications.channels.email import SmtpSender
from notifications.channels.outbox_only import OutboxOnlySender
from notifications.channels.select import sender_for
from notifications.channels.twilio_sms import RoutedHttpClient, TwilioSender, parse_retry_after
from notifications.models import Channel
from notifications.segments import count_segments
from notifications.twilio_signature import signature_is_valid
from tests.fakes.smtp_server import FakeSmtp
from tests.fakes.twilio_server import FakeTwilio

SID, TOKEN, SERVICE = "AC" + "1" * 32, "secret-token", "MG" + "2" * 32
PHONE, CALLBACK = "+447911123456", "https://devices.example.org/api/twilio/status"


# Every Twilio and SMTP text setting blank, so the environment cannot leak into a test.
BLANK = {
    name: ""
    for name, field in Settings.model_fields.items()
    if name.startswith(("TWILIO_", "SMTP_")) and field.annotation is str
}


def make_settings(**overrides: Any) -> Settings:
    """Settings for one test, ignoring .env and naming every channel setting explicitly."""
    values = BLANK | {"TWILIO_TIMEOUT_SECONDS": 5, "SMTP_STARTTLS": False}
    values |= {"SMTP_FROM": "devices@example.org"} | overrides
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def twilio_settings(fake: FakeTwilio, **overrides: Any) -> Settings:
    account = {"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN}
    routing = {"TWILIO_MESSAGING_SERVICE_SID": SERVICE, "TWILIO_API_BASE_URL": fake.url}
    return make_settings(**(account | routing | overrides))


def sms(body: str = "Your laptop is ready", channel: Channel = Channel.SMS) -> Delivery:
    return Delivery(channel=channel, recipient=PHONE, body=body, status_callback_url=CALLBACK)


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(auth_token=TOKEN) as server:
        yield server


def test_an_sms_goes_through_the_messaging_service_and_returns_the_sid(fake):
    sent = TwilioSender(twilio_settings(fake)).send(sms())
    assert re.fullmatch(r"SM[0-9a-f]{32}", sent.provider_id) and not sent.delivered_locally
    (request,) = fake.requests
    assert request.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.form["To"] == PHONE and request.form["Body"] == "Your laptop is ready"
    assert request.form["MessagingServiceSid"] == SERVICE and "From" not in request.form
    assert request.form["StatusCallback"] == CALLBACK
    assert request.basic_auth == (SID, TOKEN)


def test_without_a_messaging_service_an_sms_goes_from_the_number(fake):
    settings = twilio_settings(
        fake, TWILIO_MESSAGING_SERVICE_SID="", TWILIO_FROM_NUMBER="+447700900123"
    )
    TwilioSender(settings).send(sms())
    assert fake.requests[0].form["From"] == "+447700900123"
    assert "MessagingServiceSid" not in fake.requests[0].form


def test_whatsapp_gets_whatsapp_prefixes_on_both_numbers(fake):
    settings = twilio_settings(fake, TWILIO_WHATSAPP_FROM="+447700900999")
    TwilioSender(settings).send(sms(channel=Channel.WHATSAPP))
    form = fake.requests[0].form
    assert (form["To"], form["From"]) == (f"whatsapp:{PHONE}", "whatsapp:+447700900999")


@pytest.mark.parametrize(("code", "opted_out"), [(21610, True), (21211, False), (21614, False)])
def test_twilio_refusals_are_permanent_and_only_21610_is_an_opt_out(fake, code, opted_out):
    fake.fail_next(status=400, code=code, message="Refused by Twilio")
    with pytest.raises(PermanentFailure) as failure:
        TwilioSender(twilio_settings(fake)).send(sms())
    assert failure.value.code == str(code) and failure.value.opted_out is opted_out
    assert len(fake.requests) == 1, "the SDK does not retry by itself"


def test_rate_limiting_is_temporary_and_passes_on_retry_after(fake):
    fake.rate_limit_next(retry_after=7)
    with pytest.raises(TemporaryFailure) as failure:
        TwilioSender(twilio_settings(fake)).send(sms())
    assert failure.value.retry_after == 7 and failure.value.code == "20429"


@pytest.mark.parametrize("status", [500, 503])
def test_twilio_server_errors_are_temporary(fake, status):
    fake.server_error_next(status=status)
    with pytest.raises(TemporaryFailure) as failure:
        TwilioSender(twilio_settings(fake)).send(sms())
    assert failure.value.retry_after is None


def test_a_hanging_api_is_a_temporary_failure_after_the_timeout(fake):
    fake.hang_next(10)
    sender = TwilioSender(twilio_settings(fake, TWILIO_TIMEOUT_SECONDS=0.5))
    started = time.monotonic()
    with pytest.raises(TemporaryFailure):
        sender.send(sms())
    assert time.monotonic() - started < 3


def test_an_unreachable_api_is_a_temporary_failure():
    with FakeTwilio() as stopped:
        settings = twilio_settings(stopped, TWILIO_TIMEOUT_SECONDS=1)
    with pytest.raises(TemporaryFailure):
        TwilioSender(settings).send(sms())


def test_only_twilio_hosts_are_redirected_to_the_base_url():
    client = RoutedHttpClient(base_url="http://127.0.0.1:9/", timeout=1)
    assert client.rewrite("https://api.twilio.com/2010-04-01/A.json?x=1") == (
        "http://127.0.0.1:9/2010-04-01/A.json?x=1"
    )
    assert client.rewrite("https://api.dublin.ie1.twilio.com/v1/B") == "http://127.0.0.1:9/v1/B"
    assert client.rewrite("https://example.org/v1") == "https://example.org/v1"
    plain = RoutedHttpClient(base_url=None, timeout=1)
    assert plain.rewrite("https://api.twilio.com/x") == "https://api.twilio.com/x"


def test_retry_after_is_read_as_seconds_or_an_http_date():
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    in_half_a_minute = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(in_half_a_minute, now=now) == 30
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_without_providers_every_channel_keeps_messages_in_the_outbox_marked_not_sent(fake):
    bare = make_settings()
    assert all(isinstance(sender_for(channel, bare), OutboxOnlySender) for channel in Channel)
    sent = sender_for(Channel.SMS, bare).send(sms())
    assert sent.provider_id is None and sent.delivered_locally
    assert fake.requests == []


def test_each_channel_uses_the_provider_its_settings_configure(fake):
    configured = twilio_settings(fake, SMTP_HOST="127.0.0.1")
    assert isinstance(sender_for(Channel.SMS, configured), TwilioSender)
    assert isinstance(sender_for(Channel.WHATSAPP, configured), OutboxOnlySender)
    assert isinstance(sender_for(Channel.EMAIL, configured), SmtpSender)
    assert sender_for(Channel.SMS, configured) is sender_for(Channel.SMS, configured)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello", (1, "GSM-7")),
        ("", (1, "GSM-7")),
        ("a" * 160, (1, "GSM-7")),
        ("a" * 161, (2, "GSM-7")),
        ("a" * 306, (2, "GSM-7")),
        ("a" * 307, (3, "GSM-7")),
        ("€" * 80, (1, "GSM-7")),  # the extension table costs two septets a character
        ("€" * 81, (2, "GSM-7")),
        ("a" * 159 + "€", (2, "GSM-7")),
        ("a" * 152 + "€" + "a" * 152, (3, "GSM-7")),  # an escape pair is not split across parts
        ("Zażółć gęślą jaźń", (1, "UCS-2")),
        ("ش" * 70, (1, "UCS-2")),
        ("ش" * 71, (2, "UCS-2")),
        ("ش" * 134, (2, "UCS-2")),
        ("ش" * 135, (3, "UCS-2")),
        ("😀" * 35, (1, "UCS-2")),
        ("😀" * 36, (2, "UCS-2")),
        ("a" * 69 + "😀", (2, "UCS-2")),
        ("a" * 66 + "😀" + "a" * 66, (3, "UCS-2")),  # nor is a surrogate pair
    ],
)
def test_segments_are_counted_as_the_network_counts_them(text, expected):
    assert count_segments(text) == expected


def test_a_valid_twilio_signature_is_accepted_and_any_change_is_rejected():
    form = {"MessageSid": "SM" + "3" * 32, "MessageStatus": "delivered"}
    params, signature = FakeTwilio.signed_status_callback(CALLBACK, TOKEN, form)
    assert signature_is_valid(auth_token=TOKEN, url=CALLBACK, params=params, signature=signature)
    for token, url, changed, sent_signature in [
        (TOKEN, CALLBACK, params | {"MessageStatus": "failed"}, signature),
        (TOKEN, CALLBACK + "x", params, signature),
        (TOKEN, CALLBACK, params, None),
        ("another-token", CALLBACK, params, signature),
    ]:
        assert not signature_is_valid(
            auth_token=token, url=url, params=changed, signature=sent_signature
        )


def test_without_an_auth_token_nothing_counts_as_signed():
    params, signature = FakeTwilio.signed_status_callback(CALLBACK, "", {"A": "1"})
    assert not signature_is_valid(auth_token="", url=CALLBACK, params=params, signature=signature)


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    with FakeSmtp() as server:
        yield server


def smtp_sender(server: FakeSmtp) -> SmtpSender:
    settings = make_settings(SMTP_HOST=server.host, SMTP_PORT=server.port)
    return SmtpSender(settings, timeout=5)


def email(recipient: str = "parent@example.org") -> Delivery:
    body = "Thank you — we have the laptop back.\n"
    return Delivery(Channel.EMAIL, recipient, body, subject="Laptop returned")


def test_an_email_arrives_with_its_subject_and_body(smtp):
    sent = smtp_sender(smtp).send(email())
    (mail,) = smtp.messages
    assert mail.recipients == ("parent@example.org",)
    assert mail.mail_from == "devices@example.org"
    assert mail.message["Subject"] == "Laptop returned"
    assert mail.message.get_content() == "Thank you — we have the laptop back.\n"
    assert mail.message["Message-ID"] == sent.provider_id
    assert sent.provider_id.endswith("@example.org>")


@pytest.mark.parametrize(("code", "failure"), [(550, PermanentFailure), (450, TemporaryFailure)])
def test_a_refused_recipient_fails_for_good_on_5xx_and_for_now_on_4xx(smtp, code, failure):
    smtp.refuse("gone@example.org", code=code)
    with pytest.raises(failure) as raised:
        smtp_sender(smtp).send(email("gone@example.org"))
    assert raised.value.code == str(code) and smtp.messages == []


def test_an_unreachable_mail_server_is_a_temporary_failure():
    with FakeSmtp() as stopped:
        sender = smtp_sender(stopped)
    with pytest.raises(TemporaryFailure):
        sender.send(email())
