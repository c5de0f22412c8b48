"""The kinds of documents acts carry: the Open Contracting Data Standard's documentType codelist
(1.1.5) for a purchase's documents, and the reform's own for the conference's papers; the languages
they come in (BCP 47: Chinese, English, Xishuangbanna Dai, Hani)."""

from __future__ import annotations

OCDS_DOCUMENT_TYPES = (
    "plannedProcurementNotice",
    "tenderNotice",
    "awardNotice",
    "contractNotice",
    "completionCertificate",
    "procurementPlan",
    "biddingDocuments",
    "technicalSpecifications",
    "evaluationCriteria",
    "evaluationReports",
    "contractDraft",
    "contractSigned",
    "contractArrangements",
    "contractSchedule",
    "physicalProgressReport",
    "financialProgressReport",
    "finalAudit",
    "contractAnnexe",
    "contractGuarantees",
    "contractSummary",
    "cancellationDetails",
)
# the reform's papers, outside OCDS's list (OCDS's codelist is open: they publish as they are)
REFORM_DOCUMENT_TYPES = ("minutes", "policyDocument", "implementationPlan")
DOCUMENT_TYPES = (*OCDS_DOCUMENT_TYPES, *REFORM_DOCUMENT_TYPES)
# what the public may read of an announced contract (Implementing Regulations of the Government
# Procurement Law, Art. 50: the contract itself; the notices; the acceptance and the evaluation)
PUBLIC_DOCUMENT_TYPES = (
    "awardNotice",
    "contractNotice",
    "contractSigned",
    "contractSummary",
    "completionCertificate",
    "evaluationReports",
)
DOCUMENT_LANGUAGES = ("zh", "en", "khb", "hni")  # khb: Tai Lü (Xishuangbanna Dai); hni: Hani
