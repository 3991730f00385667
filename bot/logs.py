"""Logging set-up: one line per event, `key=value` context appended, no secrets.

Call sites pass context through `extra={...}`; this formatter prints those fields after
the message so logs stay greppable (`turn=... conversation=...`) without a JSON parser.
Message texts and tokens are never put into `extra` at info level.
"""

from __future__ import annotations

import logging

# Attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class KeyValueFormatter(logging.Formatter):
    """`2026-11-24 10:00:00 INFO samverkan: starting url=http://…`"""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(
            f"{key}={value}" for key, value in vars(record).items() if key not in _STANDARD
        )
        return f"{line} {context}" if context else line


def configure_logging(level: str = "INFO") -> None:
    """Route every logger to stderr with the key=value formatter."""
    handler = logging.StreamHandler()
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # The Azure and msrest clients log every HTTP request at INFO, with headers.
    for noisy in ("azure", "msrest", "urllib3", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
