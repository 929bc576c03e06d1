"""Imports every area's models so Base.metadata describes the whole schema (for Alembic)."""

from coop.audit import models as audit_models
from coop.auth import models as auth_models
from coop.bookings import models as bookings_models
from coop.books import models as books_models
from coop.businesses import models as businesses_models
from coop.cover import models as cover_models
from coop.db import Base
from coop.directory import models as directory_models
from coop.enquiries import models as enquiries_models
from coop.governance import models as governance_models
from coop.invoicing import models as invoicing_models
from coop.limits import models as limits_models
from coop.mail import models as mail_models
from coop.members import models as members_models
from coop.onward import models as onward_models
from coop.pay import models as pay_models
from coop.rota import models as rota_models
from coop.settings import models as settings_models
from coop.skillshare import models as skillshare_models
from coop.timesheets import models as timesheets_models

__all__ = [
    "Base",
    "audit_models",
    "auth_models",
    "bookings_models",
    "books_models",
    "businesses_models",
    "cover_models",
    "directory_models",
    "enquiries_models",
    "governance_models",
    "invoicing_models",
    "limits_models",
    "mail_models",
    "members_models",
    "onward_models",
    "pay_models",
    "rota_models",
    "settings_models",
    "skillshare_models",
    "timesheets_models",
]
