"""The date written into documents that carry one (ELAN EAF header, HTML report).

Everything else in an output follows from the input and the options; a document date would make
two runs differ. ``$SOURCE_DATE_EPOCH`` (the reproducible-builds convention, seconds since
1970 UTC) fixes it, so that a run can be repeated byte for byte.
"""

from __future__ import annotations

import datetime as dt
import os

from ..errors import DiarizeError


def document_date() -> dt.datetime:
    """``$SOURCE_DATE_EPOCH`` as a UTC time when it is set, else now (UTC, whole seconds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise DiarizeError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds since 1970; fix or unset it") from None
