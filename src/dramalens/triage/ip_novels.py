"""Novels uploaded to the IP section, held in the desk's database for their uploader.

Every server process of a desk shares its database, so an upload made through one process is
found by the next request whichever process serves it. A novel is read before it is held (a
file that cannot be read is refused at once, with its reason, and nothing is stored); each
account keeps its last :data:`HELD_PER_OWNER` uploads, the oldest dropped first. A token held
by another account is not found, exactly like a token never issued.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from ..errors import InputError, NotFoundError
from ..parsing.novel import read_novel
from .models import ip_novels, now

__all__ = ["HELD_PER_OWNER", "held_novel", "hold_novel"]

#: Uploads kept per account: enough to compare a few books, few enough that a novel
#: (up to the upload limit each) does not fill the database.
HELD_PER_OWNER = 16


def hold_novel(engine: Engine, owner: str, name: str, data: bytes) -> str:
    """Read ``data`` as a novel (raising its reason if it cannot be read), hold it for
    ``owner`` and return its token.

    >>> from dramalens.db import make_engine
    >>> from dramalens.triage.models import init_db
    >>> e = init_db(make_engine("sqlite://"))
    >>> token = hold_novel(e, "ann", "n.txt", "第一章 开始\\n\\n林晚推门。\\n".encode())
    >>> held_novel(e, "ann", token)[0]
    'n.txt'
    """
    if not data:
        raise InputError("the uploaded novel is empty", source=name, hint="choose a .txt or .epub file", key="err.novel_empty")
    read_novel(data)  # refuses with the reader's own reason; nothing is stored then
    token = secrets.token_urlsafe(16)
    with engine.begin() as c:
        c.execute(insert(ip_novels).values(token=token, owner=owner, name=name[:255], content=data, at=now()))
        keep = select(ip_novels.c.id).where(ip_novels.c.owner == owner).order_by(ip_novels.c.id.desc()).limit(HELD_PER_OWNER)
        c.execute(delete(ip_novels).where(ip_novels.c.owner == owner, ip_novels.c.id.not_in(keep.scalar_subquery())))
    return token


def held_novel(engine: Engine, owner: str, token: str) -> tuple[str, bytes]:
    """The file name and bytes ``owner`` uploaded under ``token``."""
    with engine.connect() as c:
        row = c.execute(select(ip_novels.c.name, ip_novels.c.content).where(
            ip_novels.c.token == token, ip_novels.c.owner == owner)).first()
    if row is None:
        raise NotFoundError("this novel is no longer held: upload it again", source=token, key="err.novel_gone")
    return str(row.name), bytes(row.content)
