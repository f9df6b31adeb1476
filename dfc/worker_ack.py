"""A worker that could not acknowledge a finished task reconnects to the broker.

Tasks are acknowledged when done (task_acks_late). If the broker times out on that
acknowledgement (a frozen Redis answers nothing), kombu logs "Couldn't ack" and carries on,
but the worker's consumer never takes another task (celery/celery#2415): a housekeeping
worker that stops sweeping leaves texts unsent. Letting a timeout out of the acknowledgement,
which runs in the worker's event loop, makes the consumer treat it as the lost connection it
is: it reconnects, and the unacknowledged task goes back to the queue (every task here is
safe to run twice). Other connection errors are left to Celery as before: a broker that is
gone is noticed by the consumer's own read, which a frozen one never answers."""

import logging

from celery import Task
from celery.worker.request import Request
from redis.exceptions import TimeoutError as RedisTimeout

logger = logging.getLogger(__name__)


class AcknowledgeOrReconnect(Request):
    def acknowledge(self) -> None:
        """As Celery's, but a timeout is not caught and logged: it reaches the consumer,
        which reconnects."""
        if not self.acknowledged:
            logged = tuple(
                error for error in self._connection_errors if not issubclass(RedisTimeout, error)
            )
            self._on_ack(logger, logged)
            self.acknowledged = True


class ReconnectingTask(Task):
    """The base of every task: see AcknowledgeOrReconnect."""

    Request = AcknowledgeOrReconnect
