"""The register's tables, one module per part; imported together so metadata is complete."""

from devices.models.acceptance import (
    AcceptanceAnswer,
    AcceptanceMethod,
    AcceptancePurpose,
    FamilyAcceptance,
)
from devices.models.allocations import Allocation, Family
from devices.models.check_ins import CheckIn, CheckInAnswer, CheckInDate
from devices.models.connectivity import DataAllowance, DataUsage, Dongle, DongleStatus, Sim
from devices.models.cover import CoverPeriod, CoverProvider
from devices.models.demand import DeviceRequest, RequestStatus
from devices.models.devices import Device, DeviceEvent, DeviceKind, DeviceStatus
from devices.models.handover import ALL_STEPS, HandoverCheck, HandoverPolicy, HandoverStep
from devices.models.handover_batches import (
    BatchOutcome,
    BatchStatus,
    HandoverBatch,
    HandoverBatchDevice,
)
from devices.models.imports import ImportJob, ImportKind, ImportStatus
from devices.models.incidents import (
    Incident,
    IncidentFile,
    IncidentKind,
    IncidentStatus,
    ResponsibleParty,
    WarrantyStatus,
)
from devices.models.licences import Licence, LicenceProduct, LicenceSeat
from devices.models.loans import LoanKind, LoanTerms
from devices.models.management import (
    DeviceManagement,
    EndOfUpdates,
    EnrolmentState,
    Manager,
    UnmatchedManagedDevice,
    UpdatesKind,
    UpdatesSource,
)
from devices.models.moves import (
    ConversionStatus,
    FamilyMove,
    MoveKind,
    MoveStatus,
    SchoolConversion,
)
from devices.models.ownership import OwnerKind, OwnershipTransfer
from devices.models.prices import CouncilPrices
from devices.models.safeguarding import CouncilSafeguarding, FilteringReview
from devices.models.sim_loans import SimCodes, SimLoan, SimPlan, SimSource
from devices.models.uplifts import ContractType, UpliftRequest, UpliftSource, UpliftStatus

__all__ = [
    "ALL_STEPS",
    "AcceptanceAnswer",
    "AcceptanceMethod",
    "AcceptancePurpose",
    "Allocation",
    "BatchOutcome",
    "BatchStatus",
    "CheckIn",
    "CheckInAnswer",
    "CheckInDate",
    "ContractType",
    "ConversionStatus",
    "CouncilPrices",
    "CouncilSafeguarding",
    "CoverPeriod",
    "CoverProvider",
    "DataAllowance",
    "DataUsage",
    "Device",
    "DeviceEvent",
    "DeviceKind",
    "DeviceManagement",
    "DeviceRequest",
    "DeviceStatus",
    "Dongle",
    "DongleStatus",
    "EndOfUpdates",
    "EnrolmentState",
    "Family",
    "FamilyAcceptance",
    "FamilyMove",
    "FilteringReview",
    "HandoverBatch",
    "HandoverBatchDevice",
    "HandoverCheck",
    "HandoverPolicy",
    "HandoverStep",
    "ImportJob",
    "ImportKind",
    "ImportStatus",
    "Incident",
    "IncidentFile",
    "IncidentKind",
    "IncidentStatus",
    "Licence",
    "LicenceProduct",
    "LicenceSeat",
    "LoanKind",
    "LoanTerms",
    "Manager",
    "MoveKind",
    "MoveStatus",
    "OwnerKind",
    "OwnershipTransfer",
    "RequestStatus",
    "ResponsibleParty",
    "SchoolConversion",
    "Sim",
    "SimCodes",
    "SimLoan",
    "SimPlan",
    "SimSource",
    "UnmatchedManagedDevice",
    "UpdatesKind",
    "UpdatesSource",
    "UpliftRequest",
    "UpliftSource",
    "UpliftStatus",
    "WarrantyStatus",
]
