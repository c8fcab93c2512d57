"""Structured logs: one JSON object per line, never a traceback spread over lines.

`configure(format)` is called once by `relos serve`. Each record carries the request id of the
request being served (when there is one); exceptions are folded into one `exc` string whose
newlines are escaped by JSON, so a log shipper never splits an error across records.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

from relos.kit.guard import request_id

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's copy of msg with terminal colours
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id()
        if rid:
            entry["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """For a terminal: one line per record, the traceback's lines joined by ' | '."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{record.levelname.lower():7} {record.name}: {record.getMessage()}"
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        if extra:
            line += " " + " ".join(f"{k}={v}" for k, v in extra.items())
        if record.exc_info:
            trace = "".join(traceback.format_exception(*record.exc_info)).rstrip()
            line += " | " + " | ".join(trace.splitlines())
        return line


def configure(fmt: str = "json", level: int = logging.INFO) -> dict[str, Any]:
    """Route relos's and uvicorn's loggers to stderr in one format; returns uvicorn's log_config."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    for name in ("relos", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
    # relos writes its own access log line (with the request id); uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
    formatter = "relos.ops.logs.JsonFormatter" if fmt == "json" else "relos.ops.logs.TextFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"relos": {"()": formatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "relos",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "relos": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
