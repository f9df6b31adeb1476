"""The people using the running service during the load test, each on a thread of their own:
school staff at work on the register (and the families of their school asking for help), and
a support agent answering tickets. Every request is timed and its answer kept; each person
remembers what the service said it saved, for the test to find in the database afterwards."""

import itertools
import random
import re
import statistics
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx

from devices.models import DeviceStatus

# Longer than SQLITE_BUSY_SECONDS (60 s): a write waiting for the lock answers before we give up.
REQUEST_TIMEOUT_SECONDS = 90
CATEGORIES = ("will-not-switch-on", "broken-screen", "cannot-connect", "data-used-up")
REFERENCE_ON_PAGE = re.compile(r"<strong>([A-Z2-9]{4}-[A-Z2-9]{4})</strong>")


@dataclass
class Answer:
    kind: str
    method: str
    path: str
    status: int | None  # None: no answer at all (timed out, connection dropped)
    seconds: float
    at: float  # seconds since the load began
    request_id: str  # sent as X-Request-ID, so the service's log names the request
    body: str = ""  # kept when the request did not succeed

    def line(self) -> str:
        status = self.status or "no answer"
        return (
            f"{self.at:6.1f}s {self.method} {self.path} -> {status} in {self.seconds:.2f}s "
            f"[{self.request_id}]"
        )


class Recorder:
    """Sends requests for every thread and keeps each answer."""

    def __init__(self) -> None:
        self.answers: list[Answer] = []
        self.crashes: list[str] = []  # a thread's traceback, if one stopped on an error
        self.began = time.monotonic()
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    def elapsed(self) -> float:
        return time.monotonic() - self.began

    def run(self, work: Callable[[threading.Event], None], stop: threading.Event) -> None:
        """Runs a person's work on this thread, keeping the error that stops it, if any."""
        try:
            work(stop)
        except Exception:
            with self._lock:
                self.crashes.append(traceback.format_exc())

    def send(
        self, http: httpx.Client, kind: str, method: str, path: str, **options
    ) -> httpx.Response | None:
        """The response when it succeeded (2xx, or a page's redirect), else None."""
        request_id = f"load-{next(self._numbers)}"
        headers = {**options.pop("headers", {}), "X-Request-ID": request_id}
        started = time.monotonic()
        try:
            response = http.request(method, path, headers=headers, **options)
        except httpx.HTTPError as error:
            seconds = time.monotonic() - started
            self._keep(Answer(kind, method, path, None, seconds, 0, request_id, repr(error)))
            return None
        ok = response.is_success or response.is_redirect
        seconds, body = time.monotonic() - started, "" if ok else response.text[:3000]
        self._keep(Answer(kind, method, path, response.status_code, seconds, 0, request_id, body))
        return response if ok else None

    def _keep(self, answer: Answer) -> None:
        answer.at = self.elapsed() - answer.seconds
        with self._lock:
            self.answers.append(answer)

    def failed(self) -> list[Answer]:
        return [a for a in self.answers if a.status is None or a.status >= 500]

    def refused(self) -> list[Answer]:
        return [a for a in self.answers if a.status is not None and 400 <= a.status < 500]

    def slowest(self) -> Answer:
        return max(self.answers, key=lambda answer: answer.seconds)

    def summary(self) -> str:
        by_kind: dict[str, list[Answer]] = defaultdict(list)
        for answer in self.answers:
            by_kind[answer.kind].append(answer)
        lines = [f"{'requests':28} {'count':>6} {'median':>8} {'p99':>8} {'max':>8}  answers"]
        for kind, answers in [*sorted(by_kind.items()), ("all", self.answers)]:
            seconds = sorted(a.seconds for a in answers)
            statuses = Counter(str(a.status or "none") for a in answers)
            lines.append(
                f"{kind:28} {len(answers):6} {_ms(statistics.median(seconds)):>8} "
                f"{_ms(_p99(seconds)):>8} {_ms(seconds[-1]):>8}  "
                + ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
            )
        return "\n".join(lines)


def _p99(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}ms"


def _bearer(recorder: Recorder, http: httpx.Client, email: str, password: str) -> dict[str, str]:
    answer = recorder.send(
        http,
        "sign in (API token)",
        "POST",
        "/api/auth/token",
        data={"username": email, "password": password},
    )
    assert answer is not None, "could not get an API token"
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@dataclass
class SchoolOffice:
    """A member of staff registering, allocating and taking back devices, with reads between;
    and their school's families asking for help on the public page and API."""

    number: int
    base_url: str
    email: str
    password: str
    school_id: int
    recorder: Recorder
    devices: dict[int, tuple[str, DeviceStatus]] = field(default_factory=dict)
    families: dict[int, str] = field(default_factory=dict)  # id -> pupil reference
    allocations: dict[int, bool] = field(default_factory=dict)  # id -> returned
    tickets: list[str] = field(default_factory=list)  # references, as shown

    def __post_init__(self) -> None:
        self.random = random.Random(self.number)
        self.staff = httpx.Client(base_url=self.base_url, timeout=REQUEST_TIMEOUT_SECONDS)
        self.family = httpx.Client(base_url=self.base_url, timeout=REQUEST_TIMEOUT_SECONDS)
        self.api: dict[str, str] = {}
        self.with_family: dict[int, int] = {}  # device id -> its open allocation
        self.families_without_device: list[int] = []
        self.received_on = (date.today() - timedelta(days=30)).isoformat()
        self.allocated_on = (date.today() - timedelta(days=3)).isoformat()

    def run(self, stop: threading.Event) -> None:
        steps = [
            self.register_device,
            self.add_family,
            self.allocate,
            self.list_devices,
            self.ask_for_help,
            self.open_device_page,
            self.take_back,
            self.open_help_page,
            self.list_families,
        ]
        try:
            self.sign_in()
            done = 0
            while not stop.is_set():
                steps[done % len(steps)]()
                done += 1
        finally:
            self.staff.close()
            self.family.close()

    def send(self, kind: str, method: str, path: str, **options) -> httpx.Response | None:
        return self.recorder.send(self.staff, kind, method, path, headers=self.api, **options)

    def sign_in(self) -> None:
        """An API token, and a web session through the sign-in form for the device pages."""
        self.api = _bearer(self.recorder, self.staff, self.email, self.password)
        self.send("sign in (page)", "GET", "/sign-in")
        form = {"email": self.email, "password": self.password, "next": "/"}
        form["csrf_token"] = self.staff.cookies.get("dfc_csrf", "")
        self.send("sign in (page)", "POST", "/sign-in", data=form)

    def register_device(self) -> None:
        serial = f"LOAD-{self.number}-{len(self.devices):05d}"
        body = {
            "kind": self.random.choice(["laptop", "chromebook", "tablet"]),
            "make": "Dell",
            "model": "Latitude 3190",
            "serial_number": serial,
            "holder_id": self.school_id,
            "received_on": self.received_on,
        }
        if answer := self.send("register device", "POST", "/api/devices", json=body):
            self.devices[answer.json()["id"]] = (serial, DeviceStatus.IN_STOCK)

    def add_family(self) -> None:
        reference = f"LOAD-{self.number}-{len(self.families):05d}"
        body = {
            "school_id": self.school_id,
            "pupil_reference": reference,
            "year_group": self.random.randint(0, 13),
            "phone_number": f"+44740{self.number}{len(self.families):06d}",
            "sms_consent": self.random.random() < 0.5,
        }
        if answer := self.send("add family", "POST", "/api/families", json=body):
            self.families[answer.json()["id"]] = reference
            self.families_without_device.append(answer.json()["id"])

    def allocate(self) -> None:
        free = [
            device_id
            for device_id, (_serial, status) in self.devices.items()
            if status in (DeviceStatus.IN_STOCK, DeviceStatus.RETURNED)
        ]
        if not free or not self.families_without_device:
            return
        device_id, family_id = self.random.choice(free), self.families_without_device.pop(0)
        body = {"device_id": device_id, "family_id": family_id, "allocated_on": self.allocated_on}
        if answer := self.send("allocate", "POST", "/api/allocations", json=body):
            self.allocations[answer.json()["id"]] = False
            self.with_family[device_id] = answer.json()["id"]
            self.devices[device_id] = (self.devices[device_id][0], DeviceStatus.WITH_FAMILY)
        else:
            self.families_without_device.append(family_id)

    def take_back(self) -> None:
        if len(self.with_family) < 2:  # some devices stay with families
            return
        device_id = next(iter(self.with_family))
        body = {"on": self.allocated_on, "reason": "left the school"}
        if self.send("return device", "POST", f"/api/devices/{device_id}/return", json=body):
            self.allocations[self.with_family.pop(device_id)] = True
            self.devices[device_id] = (self.devices[device_id][0], DeviceStatus.RETURNED)

    def _a_device(self) -> tuple[int, str] | None:
        if not self.devices:
            return None
        device_id = self.random.choice(list(self.devices))
        return device_id, self.devices[device_id][0]

    def ask_for_help(self) -> None:
        """A family asks for help, by turns through the API and the page's form."""
        device = self._a_device()
        body = {
            "category": self.random.choice(CATEGORIES),
            "message": "The laptop will not charge since yesterday",
            "phone_number": f"+44740{self.number}{self.random.randrange(10**6):06d}",
            "serial_number": device[1] if device else "",
        }
        if len(self.tickets) % 2 == 0:
            if answer := self.recorder.send(
                self.family, "ask for help (API)", "POST", "/api/support/tickets", json=body
            ):
                self.tickets.append(answer.json()["reference"])
            return
        self.recorder.send(self.family, "help page", "GET", "/help")
        form = body | {"csrf_token": self.family.cookies.get("dfc_csrf", "")}
        answer = self.recorder.send(self.family, "ask for help (page)", "POST", "/help", data=form)
        if answer is not None and answer.is_redirect:  # Post/Redirect/Get, as a browser does
            location = answer.headers["location"]
            answer = self.recorder.send(self.family, "help sent page", "GET", location)
        if answer is not None:
            found = REFERENCE_ON_PAGE.search(answer.text)
            assert found, f"no reference on the page that said it had the message:\n{answer.text}"
            self.tickets.append(found.group(1))

    def open_device_page(self) -> None:
        if device := self._a_device():
            self.send("device page", "GET", f"/devices/{device[0]}")

    def open_help_page(self) -> None:
        self.recorder.send(self.family, "help page", "GET", "/help")

    def list_devices(self) -> None:
        status = self.random.choice(["in-stock", "with-family", "returned"])
        params = {"school_id": self.school_id, "status": status, "page_size": 50}
        self.send("list devices", "GET", "/api/devices", params=params)

    def list_families(self) -> None:
        """A list of families is audited: a write, though the caller only reads."""
        self.send("list families", "GET", "/api/families", params={"page_size": 50})


@dataclass
class DeskAgent:
    """A support agent working down the queue: opens a ticket (audited) and replies to it."""

    base_url: str
    email: str
    password: str
    recorder: Recorder
    replies: list[int] = field(default_factory=list)  # message ids

    def run(self, stop: threading.Event) -> None:
        with httpx.Client(base_url=self.base_url, timeout=REQUEST_TIMEOUT_SECONDS) as http:
            api = _bearer(self.recorder, http, self.email, self.password)
            done = 0
            while not stop.is_set():
                done += 1
                queue = self.recorder.send(
                    http,
                    "ticket queue",
                    "GET",
                    "/api/tickets",
                    headers=api,
                    params={"page_size": 20, "sort": "-id"},
                )
                if not queue or not queue.json()["items"]:
                    time.sleep(0.2)
                    continue
                ticket_id = queue.json()["items"][0]["id"]
                self.recorder.send(
                    http, "open ticket", "GET", f"/api/tickets/{ticket_id}", headers=api
                )
                # No translation service under load: the agent sends English deliberately
                # to families who read another language (support.translation).
                body = {
                    "text": f"Thank you, we are looking into it ({done}).",
                    "send_as_written": True,
                }
                if answer := self.recorder.send(
                    http,
                    "reply to ticket",
                    "POST",
                    f"/api/tickets/{ticket_id}/replies",
                    headers=api,
                    json=body,
                ):
                    self.replies.append(answer.json()["id"])
