"""How sure a rate and a rank are: exact Poisson intervals on a rate's death count, and the ranks each country
could hold given everyone's intervals. Small countries swing: Estonia's 110 deaths give a rate anywhere from
about 108 to 158 per million, so "the highest in Europe" may not be distinguishable from second or third."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scipy.stats import chi2

CONFIDENCE = 0.95


def poisson_interval(count: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The exact (Garwood) interval for a Poisson count: the counts whose chance of showing this one or a more
    extreme one is at least (1 - confidence) / 2 on each side. 0 deaths: from 0 to about 3.7."""
    if count < 0:
        raise ValueError(f"a count cannot be negative ({count})")
    tail = (1 - confidence) / 2
    lower = 0.0 if count == 0 else chi2.ppf(tail, 2 * count) / 2
    upper = chi2.ppf(1 - tail, 2 * count + 2) / 2
    return float(lower), float(upper)


def rate_interval(deaths: float, population: float, per: float = 1_000_000,
                  confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The interval of a rate (deaths per `per` people) from the Poisson interval of its death count; the
    population is taken as known."""
    if not population or population <= 0:
        raise ValueError(f"a rate needs a positive population ({population})")
    lower, upper = poisson_interval(deaths, confidence)
    return lower / population * per, upper / population * per


@dataclass(frozen=True)
class RankedRate:
    iso3: str
    rate: float
    lower: float
    upper: float
    rank: int  # 1 = highest rate; ties share the better rank
    best_rank: int  # the best rank the intervals allow
    worst_rank: int  # the worst rank the intervals allow
    of: int  # how many countries were ranked

    @property
    def distinguishable(self) -> bool:
        """True when no other country's interval overlaps this one, so the rank is certain."""
        return self.best_rank == self.worst_rank

    @property
    def rank_range(self) -> str:
        """'3' or '2-5' (an en dash)."""
        return str(self.rank) if self.distinguishable else f"{self.best_rank}–{self.worst_rank}"


def rank_rates(rows: Iterable[tuple[str, float, float, float]], per: float = 1_000_000,
               confidence: float = CONFIDENCE) -> list[RankedRate]:
    """Rank (iso3, rate, deaths, population) rows from the highest rate down, with each rate's interval and the
    range of ranks it could take: at best one below every country whose interval lies wholly above its own, at
    worst above only those wholly below. Rows without a rate, deaths or population are not ranked (a missing
    year is never a zero)."""
    usable = [(iso3, float(rate), *rate_interval(deaths, population, per, confidence))
              for iso3, rate, deaths, population in rows
              if rate is not None and deaths is not None and population]
    ranked = []
    for iso3, rate, lower, upper in usable:
        higher = sum(1 for other in usable if other[1] > rate)
        surely_higher = sum(1 for other in usable if other[2] > upper)
        surely_lower = sum(1 for other in usable if other[3] < lower)
        ranked.append(RankedRate(iso3=iso3, rate=rate, lower=lower, upper=upper, rank=higher + 1,
                                 best_rank=surely_higher + 1, worst_rank=len(usable) - surely_lower,
                                 of=len(usable)))
    return sorted(ranked, key=lambda r: (r.rank, r.iso3))


def overlapping(ranked: Sequence[RankedRate], iso3: str) -> list[str]:
    """The countries whose intervals overlap this country's: those it cannot be told apart from."""
    target = next(r for r in ranked if r.iso3 == iso3)
    return [r.iso3 for r in ranked if r.iso3 != iso3 and r.lower <= target.upper and r.upper >= target.lower]
