"""Logging set-up: one line per event, `key=value` context appended, no secrets.

Call sites pass context through `extra={...}`; this formatter prints those fields after
the message so logs stay greppable (`turn=... conversation=...`) without a JSON parser.
A value with spaces, quotes, `=` or line breaks is printed as a JSON string, so one
event is always one line and a hostile value cannot forge another field or line.

Correlation ids: `log_context(turn=...)` or `log_context(delivery=..., attempt=...)`
binds fields to everything logged inside it, in this task and the tasks and threads it
starts (a `contextvars` context travels with `asyncio.create_task`, `asyncio.wait_for`
and `asyncio.to_thread`), so every line of one inbound turn or one outbox send carries
the same id without passing it around. `CorrelationFilter` copies the bound fields onto
each record; `configure_logging` installs it.

What is never logged at any level by this code base: tokens, the app password, message
texts, names, e-mail addresses, card contents, file contents. The Azure/msrest/urllib3
loggers would log request headers and bodies at DEBUG, so they stay at WARNING whatever
`LOG_LEVEL` says. Two safeguards hold for every logger, ours or a library's:

- a traceback is printed with its frames and exception types but without the exceptions'
  messages (`KeyValueFormatter.formatException`): a database error's message can quote
  the statement's row (PostgreSQL's "Failing row contains (…)");
- the fields naming a person (`PERSON_FIELDS`: an Entra object id or a Teams user id),
  and any GUID inside another field (an Entra object id in an outbox key), are printed
  as a short keyed hash (`person_hash`), the same for one person within one process, so
  a person's actions can be followed without the log naming them.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import logging
import os
import re
import time
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import IO, Any

# Attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

# Loggers of libraries that log HTTP requests with headers (tokens) or bodies.
QUIET_LOGGERS = ("azure", "msrest", "urllib3", "aiohttp.access", "aiosqlite")

# A value with any of these is printed as a JSON string (one plain word is printed bare).
_NEEDS_QUOTES = re.compile(r'[\s"=]')

# `extra` fields whose value identifies a person: printed only as `person_hash`.
PERSON_FIELDS = frozenset({"user", "by", "actor", "sender", "person"})

# An Entra object id (a GUID) inside another field's value, such as the outbox key of a
# post to one person (`delivery=minutes-reminder:…:to:<object id>`): hashed in place.
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# Keys the hash with a secret of this process: the hash cannot be reversed by hashing
# every known object id, and lines of one process can still be matched by person.
_PERSON_HASH_KEY = os.urandom(32)

_bound: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "samverkan_log_context", default={}
)


def new_correlation_id() -> str:
    """A short random id: unique enough to tell turns and sends apart in a day's logs."""
    # 48 random bits as 12 hex digits, as the first 12 of a uuid4 were, without the UUID.
    return os.urandom(6).hex()


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Bind `fields` to every record logged inside the block (nested blocks add fields)."""
    token = _bound.set({**_bound.get(), **{k: str(v) for k, v in fields.items()}})
    try:
        yield
    finally:
        _bound.reset(token)


class CorrelationFilter(logging.Filter):
    """Copies the fields bound by `log_context` onto each record (an `extra` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _bound.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def person_hash(value: object) -> str:
    """A short keyed hash of a person's id (`p:` and 10 hex digits) for a log line."""
    digest = hmac.new(_PERSON_HASH_KEY, str(value).casefold().encode(), hashlib.sha256)
    return "p:" + digest.hexdigest()[:10]


# What joins two exceptions of a chain, as Python's own traceback says it.
_CHAIN_LINKS = {
    "direct cause": "\nThe above exception was the direct cause of the following exception:\n\n",
    "context": "\nDuring handling of the above exception, another exception occurred:\n\n",
}


def format_exception_without_messages(
    exc_info: tuple[type[BaseException], BaseException, TracebackType | None]
    | tuple[None, None, None],
) -> str:
    """A traceback with every frame and exception type of the chain, but no exception's
    message: messages carry data (a database error quotes the failing row)."""
    chain: list[tuple[BaseException, str]] = []
    error: BaseException | None = exc_info[1]
    seen: set[int] = set()
    link = ""
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append((error, link))
        if error.__cause__ is not None:
            error, link = error.__cause__, "direct cause"
        elif error.__context__ is not None and not error.__suppress_context__:
            error, link = error.__context__, "context"
        else:
            error = None
    parts: list[str] = []
    for error, link in reversed(chain):
        kind = type(error)
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(error.__traceback__))
        parts.append(f"{kind.__module__}.{kind.__qualname__} (message not logged)\n")
        if link:
            parts.append(_CHAIN_LINKS[link])
    return "".join(parts).rstrip("\n")


def format_value(value: object) -> str:
    """A field value as printed: bare if it is one plain word, else a JSON string."""
    kind = type(value)
    if kind is int or kind is bool or value is None:
        return str(value)  # never a space, quote or `=` in these
    text = value if kind is str else str(value)
    # Letters and digits only (ids, types, statuses): no space, quote or `=` to look for.
    if text.isalnum() or (text and _NEEDS_QUOTES.search(text) is None):
        return text
    return json.dumps(text, ensure_ascii=False)


class KeyValueFormatter(logging.Formatter):
    """`2026-11-24 10:00:00 INFO samverkan: starting url=http://… turn=3f9a…`"""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt, datefmt)
        self._uses_time = self.usesTime()
        # The date and time to the second, for the last second formatted: turns come many
        # per second, and `time.strftime` is most of `formatTime`.
        self._second: tuple[int, str] | None = None

    def formatTime(  # noqa: N802 - the name `logging.Formatter` calls
        self, record: logging.LogRecord, datefmt: str | None = None
    ) -> str:
        """As `logging.Formatter.formatTime`, the seconds' part reused within one second."""
        if datefmt is not None or self.converter is not time.localtime:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        if self._second is None or self._second[0] != second:
            self._second = (
                second,
                time.strftime(self.default_time_format, self.converter(record.created)),
            )
        return self.default_msec_format % (self._second[1], record.msecs)

    def formatException(self, ei: Any) -> str:  # noqa: N802 - the name `logging.Formatter` calls
        """The traceback without the exceptions' messages (see the module's docstring)."""
        return format_exception_without_messages(ei)

    def format(self, record: logging.LogRecord) -> str:
        # As `logging.Formatter.format`, but the fields go on the event's own line, before
        # a traceback, so that grepping for `turn=…` finds the line that says what failed.
        record.message = record.getMessage()
        if self._uses_time:
            record.asctime = self.formatTime(record, self.datefmt)
        line = self.formatMessage(record)
        # Every inbound turn logs a line: a plain loop, no generator, no per-field f-string.
        fields = [line]
        for key, value in record.__dict__.items():
            if key not in _STANDARD:
                if key in PERSON_FIELDS and value is not None:
                    value = person_hash(value)
                elif type(value) is str and "-" in value and _GUID.search(value) is not None:
                    value = _GUID.sub(lambda match: person_hash(match[0]), value)
                fields.append(key + "=" + format_value(value))
        if len(fields) > 1:
            line = " ".join(fields)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line = f"{line}\n{record.exc_text}"
        if record.stack_info:
            line = f"{line}\n{self.formatStack(record.stack_info)}"
        return line


def log_handler(stream: IO[str] | None = None) -> logging.Handler:
    """A stream handler (stderr by default) with the key=value format and correlation ids."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(CorrelationFilter())
    return handler


def configure_logging(level: str = "INFO", stream: IO[str] | None = None) -> None:
    """Route every logger to `stream` (stderr) with the key=value formatter."""
    root = logging.getLogger()
    root.handlers[:] = [log_handler(stream)]
    # Nothing printed uses a record's source line, thread or process (the "Optimization"
    # section of the logging documentation): skip looking them up for every record, which
    # is a third of the cost of the line each inbound turn logs.
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    root.setLevel(level.upper())
    # They log every HTTP request at INFO, and headers (the bot's token) and bodies at
    # DEBUG; aiosqlite logs each statement's parameters (post texts) at DEBUG.
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
