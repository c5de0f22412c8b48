"""Reporting's domain: its own log (``received``), one table of folds per source it consumes
(``catalogue``, ``conference``, ``pilots``), the figures folded through them and the indicators
read from those figures."""

from __future__ import annotations

from services.reporting.domain.figures import TABLES, Figures, source_of
from services.reporting.domain.folding import FoldTable
from services.reporting.domain.received import Received, received_id

__all__ = ["TABLES", "Figures", "FoldTable", "Received", "received_id", "source_of"]
