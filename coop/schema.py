"""Imports every area's models so Base.metadata describes the whole schema (for Alembic)."""

from coop.audit import models as audit_models
from coop.auth import models as auth_models
from coop.db import Base
from coop.mail import models as mail_models
from coop.members import models as members_models
from coop.settings import models as settings_models

__all__ = ["Base", "audit_models", "auth_models", "mail_models", "members_models", "settings_models"]
