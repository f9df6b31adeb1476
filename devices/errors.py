"""The register's domain errors; each says what is wrong and what to do."""

from dfc.errors import Conflict


class IllegalTransition(Conflict):
    """The device's status does not allow this action now."""

    code = "illegal-transition"


class DeviceAlreadyAllocated(Conflict):
    code = "already-allocated"


class LicenceFull(Conflict):
    code = "licence-full"


class DuplicateRecord(Conflict):
    code = "duplicate"
