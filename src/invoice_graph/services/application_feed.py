"""The notices of changed applications, fanned out to this process's subscribers (SPEC section 12).

Every change of an application sends `pg_notify(APPLICATIONS_CHANNEL, {"accountId", "applicationId"})`
at its commit, from whichever server process made it. One `ApplicationFeed` per process holds one
plain asyncpg connection that LISTENs on that channel: opened when the first subscriber comes,
closed when the last one leaves (or at `close()`), opened again LISTEN_RETRY_SECONDS after a failed
try while subscribers wait.

The listener never waits for a subscriber: each has a bounded queue, and one that falls
QUEUE_SIZE notices behind is ended (its GraphQL subscription completes; the client subscribes
again and re-reads what it shows). Notices sent while the connection was down are lost; they are
hints to re-read, not the record (the outbox and webhooks are). A notice is only an id: what a
subscriber may see is decided when it reads the application, for its own viewer.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from invoice_graph.db.engine import Database
from invoice_graph.db.queries.events import APPLICATIONS_CHANNEL

logger = logging.getLogger(__name__)

# Notices a subscriber may have waiting before it is ended as too slow.
QUEUE_SIZE = 256
# How soon a lost (or refused) LISTEN connection is tried again, as the job runner does.
LISTEN_RETRY_SECONDS = 30.0
# How the LISTEN connection names itself in pg_stat_activity.
FEED_APPLICATION_NAME = "invoice_graph_feed"


class FeedUnavailableError(ConnectionError):
    """The feed is not listening (the database is unreachable): subscribe again later."""


@dataclass(frozen=True, slots=True)
class ApplicationNotice:
    """An application that was made or changed status."""

    account_id: int
    application_id: int
    # The account's managing partner when the change was made: subscribers filter on it before
    # they read anything.
    partner_id: int | None = None


def parse_notice(payload: object) -> ApplicationNotice | None:
    """The notice in a NOTIFY payload, or None when it is not one."""
    try:
        value = json.loads(payload) if isinstance(payload, str) else None
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    account_id, application_id = value.get("accountId"), value.get("applicationId")
    # bool is an int to isinstance: exact types only.
    if type(account_id) is not int or type(application_id) is not int or min(account_id, application_id) < 1:
        return None
    partner_id = value.get("partnerId")
    if partner_id is not None and (type(partner_id) is not int or partner_id < 1):
        return None
    return ApplicationNotice(account_id=account_id, application_id=application_id, partner_id=partner_id)


class FeedSubscriber:
    """One subscriber's queue of notices, read with `async for`; it ends when the feed ends it."""

    def __init__(self, size: int) -> None:
        self._queue: asyncio.Queue[ApplicationNotice | None] = asyncio.Queue(maxsize=size)
        self.ended = False

    def offer(self, notice: ApplicationNotice) -> bool:
        """Queue a notice without waiting; False when the queue is full."""
        try:
            self._queue.put_nowait(notice)
        except asyncio.QueueFull:
            return False
        return True

    def end(self) -> None:
        """End the subscriber: its reader stops before the next notice."""
        self.ended = True
        with contextlib.suppress(asyncio.QueueFull):  # a full queue's reader is not waiting
            self._queue.put_nowait(None)

    async def __aiter__(self) -> AsyncIterator[ApplicationNotice]:
        while not self.ended:
            notice = await self._queue.get()
            if notice is None or self.ended:
                return
            yield notice


class _Listening:
    """One run of the listener: its task, its connection, and whether a connection attempt is over."""

    def __init__(self) -> None:
        self.connection: asyncpg.Connection | None = None
        self.settled = asyncio.Event()  # set while no connection attempt is under way
        self.task: asyncio.Task[None] | None = None

    @property
    def open(self) -> bool:
        return self.connection is not None and not self.connection.is_closed()


class ApplicationFeed:
    """This process's LISTEN connection on APPLICATIONS_CHANNEL and its subscribers."""

    def __init__(
        self,
        database: Database,
        *,
        connect_timeout: float = 3.0,
        queue_size: int = QUEUE_SIZE,
        retry_seconds: float = LISTEN_RETRY_SECONDS,
    ) -> None:
        self._dsn = database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._connect_timeout = connect_timeout
        self._queue_size = queue_size
        self._retry_seconds = retry_seconds
        self._subscribers: set[FeedSubscriber] = set()
        self._listening: _Listening | None = None

    @property
    def subscriber_count(self) -> int:
        """How many subscribers the feed has now."""
        return len(self._subscribers)

    @property
    def listening(self) -> bool:
        """Whether the LISTEN connection is open."""
        return self._listening is not None and self._listening.open

    @asynccontextmanager
    async def subscription(self) -> AsyncIterator[FeedSubscriber]:
        """A subscriber for the duration of the block, receiving every notice from now on.

        Raises:
            FeedUnavailableError: when the feed cannot LISTEN right now.
        """
        subscriber = FeedSubscriber(self._queue_size)
        self._subscribers.add(subscriber)
        try:
            listening = self._listening
            if listening is None:
                listening = self._listening = _Listening()
                listening.task = asyncio.create_task(self._run(listening), name="application-feed")
            await listening.settled.wait()
            if not listening.open:
                raise FeedUnavailableError("Subscriptions are unavailable right now; subscribe again later")
            yield subscriber
        finally:
            self._subscribers.discard(subscriber)
            if not self._subscribers:
                await self.close()

    async def close(self) -> None:
        """Stop listening and end every subscriber (at shutdown, or when the last one has left)."""
        listening, self._listening = self._listening, None
        for subscriber in list(self._subscribers):
            subscriber.end()
        if listening is not None and listening.task is not None:
            listening.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening.task

    async def _run(self, listening: _Listening) -> None:
        """Keep a LISTEN connection open until cancelled; after a loss open it again at once, after a
        failed attempt every LISTEN_RETRY_SECONDS."""
        try:
            while True:
                lost = asyncio.Event()
                listening.settled.clear()
                try:
                    listening.connection = await self._connect(lost)
                finally:
                    listening.settled.set()
                if listening.connection is None:
                    await asyncio.sleep(self._retry_seconds)
                    continue
                await lost.wait()
                logger.warning("subscriptions: lost the LISTEN connection; opening it again")
        finally:
            connection, listening.connection = listening.connection, None
            if connection is not None and not connection.is_closed():
                await _close(connection)

    async def _connect(self, lost: asyncio.Event) -> asyncpg.Connection | None:
        """A connection LISTENing on the channel, or None (logged) when none can be opened."""
        try:
            connection = await asyncpg.connect(
                self._dsn,
                timeout=self._connect_timeout,
                server_settings={"application_name": FEED_APPLICATION_NAME},
            )
        except Exception as error:
            self._log_refusal(error)
            return None
        try:
            connection.add_termination_listener(lambda _: lost.set())
            await connection.add_listener(APPLICATIONS_CHANNEL, self._notified)
        except Exception as error:
            self._log_refusal(error)
            connection.terminate()
            return None
        except asyncio.CancelledError:
            connection.terminate()
            raise
        return connection

    def _log_refusal(self, error: Exception) -> None:
        logger.warning("subscriptions: cannot LISTEN (%r); trying again in %s s", error, self._retry_seconds)

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: object) -> None:
        """Fan a notice out to every subscriber; never waits, so one slow reader holds up no other."""
        notice = parse_notice(payload)
        if notice is None:
            logger.warning("subscriptions: skipped a malformed notice %r", str(payload)[:200])
            return
        for subscriber in list(self._subscribers):
            if not subscriber.offer(notice):
                logger.warning(
                    "subscriptions: ended a subscriber %d notices behind; its client must subscribe again",
                    self._queue_size,
                )
                self._subscribers.discard(subscriber)
                subscriber.end()


async def _close(connection: asyncpg.Connection) -> None:
    """Close a connection; drop the socket when the server does not answer."""
    try:
        await connection.close(timeout=2.0)
    except Exception:  # the server is gone
        connection.terminate()
