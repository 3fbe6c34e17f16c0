"""SQLModel tables and the functions that read and write them.

Importing this package registers every table on `SQLModel.metadata` (Alembic reads it).
"""

from sicapai.models.budget import BudgetLine, BudgetRealisation, SpendingType
from sicapai.models.calendar import ReportingCalendar
from sicapai.models.chat_marks import ChatMark
from sicapai.models.inbox import InboundUpdate
from sicapai.models.links import LinkCode
from sicapai.models.operations import AuditLog, DialogState, Invite, ReminderLog
from sicapai.models.organisation import (
    AdminGrant,
    ChatIdentity,
    Delegation,
    Holding,
    Organisation,
    Person,
    Position,
    Unit,
)
from sicapai.models.outbox import OutboxMessage
from sicapai.models.performance import (
    ChangeRequest,
    Evidence,
    Goal,
    Indicator,
    Objective,
    PastRealisation,
    Period,
    QuarterTarget,
    RenstraTarget,
    Revision,
    Submission,
)
from sicapai.models.sent_messages import SentMessage

__all__ = [
    "AdminGrant",
    "AuditLog",
    "BudgetLine",
    "BudgetRealisation",
    "ChangeRequest",
    "ChatIdentity",
    "ChatMark",
    "Delegation",
    "DialogState",
    "Evidence",
    "Goal",
    "Holding",
    "InboundUpdate",
    "Indicator",
    "Invite",
    "LinkCode",
    "Objective",
    "Organisation",
    "OutboxMessage",
    "PastRealisation",
    "Period",
    "Person",
    "Position",
    "QuarterTarget",
    "ReminderLog",
    "RenstraTarget",
    "ReportingCalendar",
    "Revision",
    "SentMessage",
    "SpendingType",
    "Submission",
    "Unit",
]
