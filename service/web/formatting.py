"""Labels written the way the pages show them (date-times: service/web/time_zone.py)."""

from __future__ import annotations

ROUND_STATUS_LABELS = {"draft": "Draft", "open": "Open", "closed": "Closed"}
