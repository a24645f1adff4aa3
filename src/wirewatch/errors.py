"""Every error wirewatch reports to a user, with a code and a sentence that says what to do.

Hierarchy::

    WirewatchError            base; ``code`` (e.g. "W101"), ``input`` (the path/URL it concerns, if any)
    ├── InputError            W1xx  an input can't be read or makes no sense (empty, binary, too big)
    ├── FetchError            W2xx  a URL can't or may not be fetched (scheme, private address, timeout, size)
    ├── ExtractionError       W3xx  no article text could be found in a page
    ├── StoreError            W4xx  the database can't be opened or written
    ├── ModelError            W5xx  the spaCy model named by the settings is not installed
    └── UsageError            W9xx  a setting or option is wrong

``str(err)`` is always one line: ``"<input>: <message> [W101]"``. The CLI prints exactly that, never a
traceback, for any ``WirewatchError``.
"""

from __future__ import annotations

__all__ = [
    "ExtractionError",
    "FetchError",
    "InputError",
    "ModelError",
    "StoreError",
    "UsageError",
    "WirewatchError",
]


class WirewatchError(Exception):
    code = "W000"

    def __init__(self, message: str, *, input: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = " ".join(message.split())  # one line, always
        self.input = input
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        where = f"{self.input}: " if self.input else ""
        return f"{where}{self.message} [{self.code}]"

    def __reduce__(self) -> tuple[object, ...]:  # survive pickling across process-pool workers
        return (_rebuild, (type(self), self.message, self.input, self.code))


def _rebuild(cls: type[WirewatchError], message: str, input: str | None, code: str) -> WirewatchError:
    return cls(message, input=input, code=code)


class InputError(WirewatchError):
    code = "W100"


class FetchError(WirewatchError):
    code = "W200"


class ExtractionError(WirewatchError):
    code = "W300"


class StoreError(WirewatchError):
    code = "W400"


class ModelError(WirewatchError):
    code = "W500"


class UsageError(WirewatchError):
    code = "W900"


class GazetteerError(WirewatchError):
    """W6xx: the gazetteer file is missing, unreadable or of another schema version."""

    code = "W601"


__all__ += ["GazetteerError"]


class ClusterError(WirewatchError):
    """W7xx: the Dask cluster named by ``--dask`` cannot be started or reached."""

    code = "W701"


__all__ += ["ClusterError"]
