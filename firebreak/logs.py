"""Logging set-up: human-readable lines by default, or one JSON object per line (FIREBREAK_LOG_FORMAT=json) for
log shippers. Secrets never reach a record in the first place: settings hold them as SecretStr."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """time (UTC, ISO 8601), level, logger, message, and exception (the traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # json.dumps escapes newlines, so a traceback stays on its record's one line.
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(*, level: str, log_format: str) -> None:
    """Everything to stderr, in the chosen format; Python's warnings go through logging too, so that in JSON
    mode every line on stderr is a JSON object."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])
    logging.captureWarnings(True)
