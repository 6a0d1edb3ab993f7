"""The cost table (data, versioned in the database) and quotes computed from it.

Every credit-consuming endpoint quotes through here and records the version it used on its hold, so a later
price change never alters what an accepted job costs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from api.credits.exceptions import InvalidCostParameter, UnknownOperation
from api.models import CreditCost

MAX_QUANTITY = 1000


@dataclass(frozen=True)
class CostLine:
    operation: str
    parameter: str
    variant: str
    unit: str
    unit_credits: int
    quantity: int

    @property
    def credits(self) -> int:
        return self.unit_credits * self.quantity


@dataclass(frozen=True)
class Quote:
    credits: int
    breakdown: list[CostLine]
    cost_table_version: int


@dataclass(frozen=True)
class CostTable:
    version: int
    created_at: datetime
    rates: Sequence[CreditCost]

    @property
    def operations(self) -> list[str]:
        return sorted({rate.operation for rate in self.rates})

    def quote(self, operation: str, params: Mapping[str, object] | None = None) -> Quote:
        """Credits for `quantity` (default 1) units of `operation`; an operation priced per value of a parameter
        (image `quality`, video `resolution`) needs that parameter."""
        line = self._line(operation, params or {})
        return Quote(credits=line.credits, breakdown=[line], cost_table_version=self.version)

    def quote_many(self, items: Sequence[tuple[str, Mapping[str, object]]]) -> Quote:
        lines = [self._line(operation, params) for operation, params in items]
        return Quote(credits=sum(line.credits for line in lines), breakdown=lines, cost_table_version=self.version)

    def _line(self, operation: str, params: Mapping[str, object]) -> CostLine:
        rates = [rate for rate in self.rates if rate.operation == operation]
        if not rates:
            raise UnknownOperation(
                "operation", f"Unknown operation {operation!r}; one of {', '.join(self.operations)}."
            )
        quantity = params.get("quantity", 1)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidCostParameter("quantity", f"The quantity must be a whole number from 1 to {MAX_QUANTITY}.")
        parameter = rates[0].parameter
        rate = rates[0]
        if parameter:
            choices = [r.variant for r in rates]
            value = params.get(parameter)
            matching = [r for r in rates if r.variant == str(value)]
            if value is None or not matching:
                raise InvalidCostParameter(
                    parameter, f"{operation} needs {parameter} set to one of {', '.join(choices)}."
                )
            rate = matching[0]
        return CostLine(
            operation=operation,
            parameter=rate.parameter,
            variant=rate.variant,
            unit=rate.unit,
            unit_credits=rate.credits,
            quantity=quantity,
        )
