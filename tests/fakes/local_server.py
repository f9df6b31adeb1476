"""What every fake server in tests/fakes shares: a socket server on a free port of 127.0.0.1,
served from a thread of its own, started and stopped with `with`; and, for the HTTP ones, a
quiet request handler that answers GET and POST in one place."""

import socketserver
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


class LocalServer:
    """Start with `with Fake() as fake:` (or `start()` and `stop()`); `_stopping` is set as it
    stops, so an answer that is hanging on purpose can end early."""

    def __init__(self, server: socketserver.BaseServer) -> None:
        self._server = server
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving and closes the port; hanging answers are cut short."""
        self._stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many senders at once: the default backlog of 5 refuses some


class LocalHttpServer(LocalServer):
    """An HTTP fake: its requests go to `handler`; clients are pointed at `url`."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(_HttpServer(("127.0.0.1", 0), handler))

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"


class QuietHandler(BaseHTTPRequestHandler):
    """GET and POST both go to `respond`; nothing is logged to the test output."""

    def do_GET(self) -> None:
        self.respond()

    def do_POST(self) -> None:
        self.respond()

    def respond(self) -> None:
        raise NotImplementedError

    def read_body(self) -> str:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()

    def send(
        self,
        status: int,
        content: bytes,
        content_type: str = "application/json",
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting (a hang); nothing to answer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet
