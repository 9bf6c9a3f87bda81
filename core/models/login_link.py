"""One-time login links for the dashboard (`yibao token issue --login-url`, core/login_links.py).

Only the SHA-256 of a link's code is kept: whoever reads this table cannot sign in with it. A link
is used at most once (`used_at`, set by a compare-and-set UPDATE) and only before `expires_at`.
"""

from datetime import datetime

from sqlmodel import Field, SQLModel

from .base import utcnow


class LoginLink(SQLModel, table=True):
    __tablename__ = "login_link"

    code_hash: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=64)
    role: str = Field(max_length=32)
    region_code: str = Field(foreign_key="region.code", max_length=12)
    department: str | None = Field(default=None, max_length=32)
    expires_at: datetime
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
