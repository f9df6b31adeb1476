"""Imports every domain's tables so SQLModel.metadata is complete (for Alembic and tests)."""

from sqlmodel import SQLModel

import accounts.models  # noqa: F401
import devices.models  # noqa: F401
import dfc.audit.models
import dfc.heartbeat  # noqa: F401
import notifications.models
import notifications.whatsapp_models  # noqa: F401
import privacy.agreements_models
import privacy.models  # noqa: F401
import reporting.dashboard.summary_models  # noqa: F401
import support.media.models
import support.models  # noqa: F401

metadata = SQLModel.metadata
