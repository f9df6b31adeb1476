"""SMS and WhatsApp through the official Twilio SDK. Twilio's answers become our two kinds of
failure: rate limits, Twilio's own faults and network trouble are worth retrying; anything
else Twilio refuses (an invalid number, an opted-out recipient) is not."""

import json
import logging
import threading
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from dfc.settings import Settings
from notifications.channels.base import Delivery, PermanentFailure, Sent, TemporaryFailure
from notifications.models import Channel

WHATSAPP = "whatsapp:"
PAGE = 50  # messages per page when looking back for an earlier attempt that got through
MOST_MESSAGES_READ = 2000
CLOCK_GRACE = timedelta(minutes=1)

# The SDK logs every request and response at INFO, with the family's number and the text:
# personal data in the worker's log, and CPU a text for lines nobody reads. Warnings stay.
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def is_twilio_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return urlsplit(url).scheme == "https" and (
        host == "twilio.com" or host.endswith(".twilio.com")
    )


def routed_twilio_url(url: str, base_url: str | None) -> str:
    """A *.twilio.com address sent to `base_url` instead, when one is set (tests, staging)."""
    if not base_url or not is_twilio_url(url):
        return url
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{base_url.rstrip('/')}{parts.path}{query}"


class RoutedHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, with two additions: requests for any *.twilio.com host go to
    `base_url` when one is set (tests and staging), and the last Retry-After header seen on
    this thread is kept, since the SDK's exceptions drop response headers."""

    def __init__(self, *, base_url: str | None, timeout: float, pool_size: int = 10) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/") if base_url else None
        self._local = threading.local()
        # One requests session for the process, its connections kept alive between texts,
        # with room for every send in flight (the SDK's own pool is CPUs + 4, fewer than
        # a texts worker's threads: the rest would open and drop a connection each time).
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max(10, pool_size))
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    @property
    def retry_after(self) -> float | None:
        return getattr(self._local, "retry_after", None)

    def rewrite(self, url: str) -> str:
        return routed_twilio_url(url, self.base_url)

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        self._local.retry_after = None
        response = super().request(
            method,
            self.rewrite(url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )
        headers = response.headers or {}
        self._local.retry_after = parse_retry_after(headers.get("Retry-After"))
        return response


class TwilioSender:
    """Sends Channel.SMS and Channel.WHATSAPP deliveries with one SDK client."""

    def __init__(self, settings: Settings) -> None:
        if not settings.twilio_enabled:
            raise ValueError("TwilioSender needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
        self.settings = settings
        self.http_client = RoutedHttpClient(
            base_url=settings.TWILIO_API_BASE_URL or None,
            timeout=settings.TWILIO_TIMEOUT_SECONDS,
            pool_size=settings.TEXT_SENDS_IN_FLIGHT,
        )
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=self.http_client
        )

    def message_fields(self, delivery: Delivery) -> dict[str, str]:
        """The keyword arguments for `messages.create`, by channel."""
        fields = {"to": delivery.recipient, "body": delivery.body}
        if delivery.status_callback_url:
            fields["status_callback"] = delivery.status_callback_url
        if delivery.channel is Channel.WHATSAPP:
            sender = self.settings.TWILIO_WHATSAPP_FROM
            if not sender:
                raise PermanentFailure("TWILIO_WHATSAPP_FROM is not set: WhatsApp cannot be sent")
            fields["to"] = _whatsapp(delivery.recipient)
            fields["from_"] = _whatsapp(sender)
            if delivery.content_sid:  # an approved template: no free text outside the window
                del fields["body"]
                fields["content_sid"] = delivery.content_sid
                fields["content_variables"] = json.dumps(delivery.variables or {})
        elif delivery.channel is Channel.SMS:
            if self.settings.TWILIO_MESSAGING_SERVICE_SID:
                fields["messaging_service_sid"] = self.settings.TWILIO_MESSAGING_SERVICE_SID
            else:
                fields["from_"] = self.settings.TWILIO_FROM_NUMBER
        else:
            raise PermanentFailure(f"Twilio does not send {delivery.channel.value} messages")
        return fields

    def send(self, delivery: Delivery) -> Sent:
        fields = self.message_fields(delivery)
        try:
            message = self.client.messages.create(**fields)
        except (TwilioRestException, TwilioServiceException) as error:
            raise self._failure(error) from error
        except requests.exceptions.ConnectTimeout as error:
            raise TemporaryFailure(f"Could not reach Twilio: {error}") from error
        except requests.exceptions.Timeout as error:
            # Twilio may have accepted the message before we stopped waiting.
            message = f"Twilio did not answer in time: {error}"
            raise TemporaryFailure(message, outcome_unknown=True) from error
        except requests.exceptions.ConnectionError as error:
            # Refused before sending, or cut off after: we cannot tell which from here.
            message = f"Lost the connection to Twilio: {error}"
            raise TemporaryFailure(message, outcome_unknown=True) from error
        except (requests.exceptions.RequestException, TwilioException) as error:
            raise TemporaryFailure(f"Could not reach Twilio: {error}") from error
        return Sent(provider_id=message.sid)

    def find_accepted(
        self, delivery: Delivery, *, since: datetime, exclude: Collection[str]
    ) -> str | None:
        """Reads Twilio's messages to the recipient, newest first, back to `since` (a minute's
        grace for clocks), and answers the earliest with the same body. If that many messages
        went to the number that Twilio cannot be read back far enough, it says it cannot tell
        (TemporaryFailure) rather than risk sending twice."""
        to = self.message_fields(delivery)["to"]
        earliest = since - CLOCK_GRACE
        matches = []
        try:
            for read, found in enumerate(self.client.messages.stream(to=to, page_size=PAGE)):
                created = found.date_created
                if created is not None and created < earliest:
                    break  # older than the attempt: nothing further back can be it
                if read >= MOST_MESSAGES_READ:
                    raise TemporaryFailure(
                        f"Over {MOST_MESSAGES_READ} messages went to the number since the "
                        "earlier attempt; cannot tell whether it was sent",
                        outcome_unknown=True,
                    )
                if _same_message(found, delivery) and found.sid not in exclude:
                    matches.append(found)
        except (TwilioException, requests.exceptions.RequestException) as error:
            message = f"Could not ask Twilio whether an earlier attempt was sent: {error}"
            raise TemporaryFailure(message, outcome_unknown=True) from error
        return matches[-1].sid if matches else None  # newest first: the last is the earliest

    def _failure(
        self, error: TwilioRestException | TwilioServiceException
    ) -> TemporaryFailure | PermanentFailure:
        status = int(error.status)
        code = str(error.code) if error.code is not None else None
        text = getattr(error, "msg", None) or getattr(error, "detail", None) or ""
        message = f"Twilio answered {status}: {text}".rstrip(": ")
        if status == 429:
            return TemporaryFailure(message, code=code, retry_after=self.http_client.retry_after)
        if status >= 500:
            return TemporaryFailure(message, code=code, outcome_unknown=True)
        # 21610 opted out, 21211/21614 invalid or not a mobile, 21408 region not enabled, ...
        return PermanentFailure(message, code=code)


def _same_message(found, delivery: Delivery) -> bool:
    """Twilio keeps the text it sent: ours, or the template's with our values in it."""
    if delivery.content_sid:
        values = (delivery.variables or {}).values()
        return bool(found.body) and all(value in found.body for value in values)
    return found.body == delivery.body


def _whatsapp(address: str) -> str:
    return address if address.startswith(WHATSAPP) else WHATSAPP + address
