"""Rating tokens: what lets the page that stored a rating change that row, and no other.

A token signs a row's id together with its content (when it was stored and the question), with
a key that lives in the database itself (migration 0004). A database that was reset — removed,
or moved aside as damaged — has a new key, so no earlier token fits; a restored file keeps its
key, but an id it reuses holds another question and time, so the earlier token does not fit that
row either.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import Connection, select

from feedback import schema

KEY_NAME = "rating_token"


class MissingKey(RuntimeError):
    """The database has no rating key (it was not made by our migrations)."""


def database_key(db: Connection) -> bytes:
    key = db.execute(
        select(schema.keys.c.value).where(schema.keys.c.name == KEY_NAME)
    ).scalar_one_or_none()
    if key is None:
        raise MissingKey("the feedback database has no rating key: run its migrations")
    return bytes.fromhex(key)


def sign(key: bytes, row_id: int, created: str, question: str) -> str:
    message = f"{row_id}\x1f{created}\x1f{question}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def fits(token: str, key: bytes, row_id: int, created: str, question: str) -> bool:
    return hmac.compare_digest(token, sign(key, row_id, created, question))
