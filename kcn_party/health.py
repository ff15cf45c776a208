"""Whether the database answers, within a few seconds whatever state it is in.

A load balancer asks /healthz every few seconds; a check that waits as long as the database
does (a server that accepts connections and never answers kept it for over 90 s) is no
check. So the probe opens its own short-lived connection, with a connect timeout and, on
PostgreSQL, a statement timeout that the server applies to the probe alone; on SQLite, a busy
timeout. The request's own connection is never touched, so a timeout cannot leave it broken.
"""

from __future__ import annotations

import copy
import logging

from django.db import DatabaseError, connections
from django.db.utils import load_backend

logger = logging.getLogger(__name__)

# libpq counts its connect timeout in whole seconds, and 2 at the least.
TIMEOUT_SECONDS = 3
QUERY = "SELECT 1"


def database_settings() -> dict:
    """The default database as the requests use it (in tests, the test database)."""
    return connections["default"].settings_dict


def with_timeouts(settings_dict: dict) -> dict:
    probe = copy.deepcopy(settings_dict)
    # Only what a probe needs: no pooling or persistence of its connection.
    probe.update({"CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "ATOMIC_REQUESTS": False})
    probe.setdefault("AUTOCOMMIT", True)
    probe.setdefault("TIME_ZONE", None)
    options = probe.setdefault("OPTIONS", {})
    options.pop("pool", None)
    engine = probe["ENGINE"]
    if "postgresql" in engine:
        options["connect_timeout"] = TIMEOUT_SECONDS
        # Sent with the connection request: the server ends the probe's query by itself.
        timeout = f"-c statement_timeout={TIMEOUT_SECONDS * 1000}"
        options["options"] = f"{options.get('options', '')} {timeout}".strip()
    elif "sqlite" in engine:
        options["timeout"] = TIMEOUT_SECONDS
    return probe


def database_answers() -> bool:
    """True when the database answers a query within TIMEOUT_SECONDS (about)."""
    settings_dict = with_timeouts(database_settings())
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "health")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(QUERY)
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return False
    finally:
        try:
            wrapper.close()
        except DatabaseError:
            logger.warning("Health check: closing the probe's connection failed", exc_info=True)
    return True
