from grants.models.amendments import AmendmentRequest, AwardRevision
from grants.models.applications import (
    Application,
    ApplicationAttachment,
    ApplicationComment,
    ApplicationStatus,
    ChangeRequest,
    Decision,
    PlanExpenditure,
    PlanFinancing,
    Recommendation,
    RecommendationYear,
)
from grants.models.awards import Award, AwardYear
from grants.models.disbursements import Disbursement
from grants.models.notice_parts import AuthorityName, EarlyStartConsent, GeneralConditionsVersion
from grants.models.notices import HandoverCeremony, IssuedRecordError, Notice, NoticeDelivery, RemedyWaiver
from grants.models.numbering import NumberSequence
from grants.models.payment_orders import PaymentOrderExport, PaymentOrderSepaFile
from grants.models.programmes import Budget, CostCategory, FundingProgramme, IssuingAuthority
from grants.models.reclaims import BaseRate, HearingRecordError, Reclaim, ReclaimHearing, ReclaimRepayment
from grants.models.transfers import CaseFileTransfer
from grants.models.usage_reports import ReminderSent, UsageReport, UsageReportExpenditure, UsageReportFinancing

__all__ = [
    "CaseFileTransfer",
    "AmendmentRequest", "AwardRevision", "BaseRate", "HearingRecordError", "Reclaim", "ReclaimHearing",
    "ReclaimRepayment",
    "ReminderSent", "UsageReport", "UsageReportExpenditure", "UsageReportFinancing",
    "Application", "ApplicationAttachment", "ApplicationComment", "ApplicationStatus", "Award",
    "AuthorityName", "AwardYear", "Budget", "ChangeRequest", "CostCategory", "Decision", "Disbursement",
    "EarlyStartConsent",
    "FundingProgramme", "GeneralConditionsVersion", "HandoverCeremony", "IssuedRecordError",
    "IssuingAuthority", "Notice", "NoticeDelivery", "RemedyWaiver",
    "NumberSequence", "PaymentOrderExport", "PlanExpenditure", "PlanFinancing",
    "Recommendation", "RecommendationYear",
    "PaymentOrderSepaFile",
]
