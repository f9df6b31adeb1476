"""A minimal local SMTP server for tests, speaking just enough for smtplib (EHLO/HELO, MAIL,
RCPT, DATA, RSET, NOOP, QUIT), so email is tested without a mail server or a new dependency."""

import contextlib
import socketserver
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import cast

from tests.fakes.local_server import LocalServer


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    recipients: tuple[str, ...]
    message: EmailMessage


def _address(argument: str) -> str:
    """The address inside `FROM:<a@b> SIZE=1` or `TO:<a@b>`."""
    value = argument.partition(":")[2].strip()
    return value.partition(">")[0].lstrip("<") if value.startswith("<") else value.split()[0]


class FakeSmtp(LocalServer):
    """Start with `with FakeSmtp() as smtp:`; connect to `smtp.host`, `smtp.port`."""

    MAX_LINE = 10_000
    MAX_MESSAGE = 5_000_000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[ReceivedMail] = []
        self._refusals: dict[str, tuple[int, str]] = {}
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler_class())
        server.daemon_threads = True
        super().__init__(server)
        self.host, self.port = server.server_address[:2]

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._messages)

    def refuse(self, address: str, *, code: int = 550, text: str = "No such user") -> None:
        """Answer `code` to RCPT TO for `address` (550: for good; 450: try later)."""
        with self._lock:
            self._refusals[address.lower()] = (code, text)

    def _refusal(self, address: str) -> tuple[int, str] | None:
        with self._lock:
            return self._refusals.get(address.lower())

    def _deliver(self, mail: ReceivedMail) -> None:
        with self._lock:
            self._messages.append(mail)

    def _handler_class(self) -> type[socketserver.StreamRequestHandler]:
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 10  # a stuck client cannot hold a thread for ever

            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def read_line(self) -> str | None:
                line = self.rfile.readline(fake.MAX_LINE)
                return line.decode("utf-8", errors="replace").rstrip("\r\n") if line else None

            def handle(self) -> None:
                with contextlib.suppress(OSError):  # the client left, or stalled past `timeout`
                    self.converse()

            def converse(self) -> None:
                self.reply("220 localhost fake SMTP ready")
                mail_from: str | None = None
                recipients: list[str] = []
                while (line := self.read_line()) is not None:
                    verb, _, argument = line.partition(" ")
                    verb = verb.upper()
                    if verb == "EHLO":
                        self.reply("250-localhost")
                        self.reply("250 8BITMIME")
                    elif verb == "HELO":
                        self.reply("250 localhost")
                    elif verb == "MAIL":
                        mail_from, recipients = _address(argument), []
                        self.reply("250 OK")
                    elif verb == "RCPT" and mail_from is not None:
                        address = _address(argument)
                        refusal = fake._refusal(address)
                        if refusal is not None:
                            self.reply(f"{refusal[0]} {refusal[1]}")
                        else:
                            recipients.append(address)
                            self.reply("250 OK")
                    elif verb == "DATA" and recipients and mail_from is not None:
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = self.read_data()
                        if data is None:
                            return
                        message = cast(
                            EmailMessage, message_from_bytes(data, policy=policy.default)
                        )
                        fake._deliver(ReceivedMail(mail_from, tuple(recipients), message))
                        mail_from, recipients = None, []
                        self.reply("250 OK: queued")
                    elif verb in {"MAIL", "RCPT", "DATA"}:
                        self.reply("503 Bad sequence of commands")
                    elif verb == "RSET":
                        mail_from, recipients = None, []
                        self.reply("250 OK")
                    elif verb == "NOOP":
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Command not implemented")

            def read_data(self) -> bytes | None:
                """The message up to the lone dot, dot-unstuffed; None if the client left."""
                lines: list[bytes] = []
                size = 0
                while line := self.rfile.readline(fake.MAX_LINE):
                    if line in {b".\r\n", b".\n"}:  # as stored: lines end in LF, not CRLF
                        return b"".join(lines).replace(b"\r\n", b"\n")
                    lines.append(line[1:] if line.startswith(b".") else line)
                    size += len(line)
                    if size > fake.MAX_MESSAGE:
                        return None
                return None

        return Handler
