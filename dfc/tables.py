"""Imports every domain's tables so SQLModel.metadata is complete (for Alembic and tests)."""

from sqlmodel import SQLModel

import devices.models  # noqa: F401
import dfc.accounts.models
import dfc.heartbeat
import dfc.privacy.agreements_models
import dfc.privacy.models  # noqa: F401
import notifications.models  # noqa: F401
import support.models  # noqa: F401

metadata = SQLModel.metadata
