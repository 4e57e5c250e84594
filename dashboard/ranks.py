"""How sure a rate and a rank are: 95% Poisson intervals on a rate's death count (Garwood's exact limits), and the
ranks each country could hold given everyone's intervals. Small countries swing: Estonia's 110 deaths give a rate
anywhere from about 108 to 158 per million, so "the highest in Europe" may not be told apart from second or third."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95
# Below this many deaths the limits are found exactly, from the Poisson distribution itself; from it on, by the
# Wilson-Hilferty approximation of the chi-square quantiles (relative error under 1e-4 there, 5e-7 at 1,000
# deaths: invisible at one decimal of a rate), so a map of 30 countries costs well under a millisecond each
# and no statistics library is loaded at start-up (scipy.stats took 1.5 s).
EXACT_BELOW = 50


def _poisson_cdf(count: int, mean: float) -> float:
    """P(X <= count) for X ~ Poisson(mean), summed term by term (count is small here)."""
    term = math.exp(-mean)
    total = term
    for i in range(1, count + 1):
        term *= mean / i
        total += term
    return total


def _mean_where_cdf_is(count: int, probability: float) -> float:
    """The Poisson mean at which P(X <= count) equals probability (the CDF falls as the mean grows)."""
    low, high = 0.0, count + 10.0 * math.sqrt(count + 1) + 10.0
    for _ in range(200):
        middle = (low + high) / 2
        if _poisson_cdf(count, middle) > probability:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12 * max(high, 1.0):
            break
    return (low + high) / 2


def _chi2_quantile(probability: float, degrees: float) -> float:
    """Wilson and Hilferty's approximation of the chi-square quantile (1931)."""
    z = NormalDist().inv_cdf(probability)
    return degrees * (1 - 2 / (9 * degrees) + z * math.sqrt(2 / (9 * degrees))) ** 3


def poisson_interval(count: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The exact (Garwood) interval for a Poisson count: the means under which a count this low (upper limit) or
    this high (lower limit) has a chance of (1 - confidence) / 2. 0 deaths: from 0 to about 3.7."""
    if count < 0:
        raise ValueError(f"a count cannot be negative ({count})")
    tail = (1 - confidence) / 2
    whole = int(round(count))
    if whole < EXACT_BELOW:
        lower = 0.0 if whole == 0 else _mean_where_cdf_is(whole - 1, 1 - tail)
        return lower, _mean_where_cdf_is(whole, tail)
    return _chi2_quantile(tail, 2 * count) / 2, _chi2_quantile(1 - tail, 2 * count + 2) / 2


def poisson_intervals(counts: Sequence[float], confidence: float = CONFIDENCE) -> list[tuple[float, float]]:
    return [poisson_interval(count, confidence) for count in counts]


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
    kept = [(iso3, float(rate), float(deaths), float(population)) for iso3, rate, deaths, population in rows
            if rate is not None and deaths is not None and population]
    bounds = poisson_intervals([deaths for _, _, deaths, _ in kept], confidence)
    usable = [(iso3, rate, low / population * per, high / population * per)
              for (iso3, rate, _, population), (low, high) in zip(kept, bounds, strict=True)]
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
