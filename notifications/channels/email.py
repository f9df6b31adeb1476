"""Email over SMTP with the standard library. A refused recipient or another 5xx answer will
not change on retry; a 4xx answer, a dropped connection or a timeout may."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from dfc.settings import Settings
from notifications.channels.base import Delivery, PermanentFailure, Sent, TemporaryFailure

IMPLICIT_TLS_PORT = 465  # "SMTPS": TLS from the first byte, rather than STARTTLS on 587


class SmtpSender:
    """Sends Channel.EMAIL deliveries through SMTP_HOST, one connection per message."""

    def __init__(self, settings: Settings, *, timeout: float = 30.0) -> None:
        if not settings.SMTP_HOST:
            raise ValueError("SmtpSender needs SMTP_HOST")
        self.settings = settings
        self.timeout = timeout

    def build(self, delivery: Delivery) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.SMTP_FROM
        message["To"] = delivery.recipient
        message["Subject"] = delivery.subject or ""
        message["Date"] = formatdate(localtime=False)
        domain = self.settings.SMTP_FROM.rpartition("@")[2].strip("> ") or None
        message["Message-ID"] = make_msgid(domain=domain)
        message.set_content(delivery.body)
        return message

    def send(self, delivery: Delivery) -> Sent:
        message = self.build(delivery)
        try:
            with self._connect() as smtp:
                if self.settings.SMTP_USERNAME:
                    smtp.login(self.settings.SMTP_USERNAME, self.settings.SMTP_PASSWORD)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise _refused(error) from error
        except smtplib.SMTPAuthenticationError as error:
            # The account, not the message, is wrong: retry once someone fixes the settings.
            raise TemporaryFailure(_describe(error), code=str(error.smtp_code)) from error
        except smtplib.SMTPResponseException as error:
            failure = PermanentFailure if error.smtp_code >= 500 else TemporaryFailure
            raise failure(_describe(error), code=str(error.smtp_code)) from error
        except (smtplib.SMTPException, OSError) as error:
            # Disconnected, refused connection, timeout, no STARTTLS: the server, not the message.
            raise TemporaryFailure(f"Could not send through SMTP: {error}") from error
        return Sent(provider_id=message["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        host, port = self.settings.SMTP_HOST, self.settings.SMTP_PORT
        context = ssl.create_default_context()
        if port == IMPLICIT_TLS_PORT:
            return smtplib.SMTP_SSL(host, port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(host, port, timeout=self.timeout)
        try:
            if self.settings.SMTP_STARTTLS:
                smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
        return smtp


def _describe(error: smtplib.SMTPResponseException) -> str:
    answer = error.smtp_error
    text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
    return f"The mail server answered {error.smtp_code}: {text}"


def _refused(error: smtplib.SMTPRecipientsRefused) -> TemporaryFailure | PermanentFailure:
    """Permanent if every refusal was a 5xx; a 4xx (mailbox busy, greylisted) may pass later."""
    codes = [code for code, _ in error.recipients.values()]
    answers = "; ".join(
        f"{address}: {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        for address, (code, text) in error.recipients.items()
    )
    failure = PermanentFailure if codes and min(codes) >= 500 else TemporaryFailure
    code = str(max(codes)) if codes else None
    return failure(f"The mail server refused the recipient ({answers})", code=code)
