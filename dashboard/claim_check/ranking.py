"""A ranking from the news ("the highest in Western Europe") against the ranks the Poisson intervals allow."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from dashboard import catalog as catalog_module
from dashboard import comparability, db, ranks
from dashboard.claim_check.numbers import CheckInputError, YearOutOfRange, resolve_country
from dashboard.figures.formatting import is_missing, join_names

# "Highest in Western Europe": the sets a rank is claimed within. Europe is the EMCDDA's reporting countries.
WESTERN_EUROPE = ("AUT", "BEL", "CHE", "DEU", "DNK", "ESP", "FIN", "FRA", "GBR", "GRC", "IRL", "ISL", "ITA", "LUX",
                  "NLD", "NOR", "PRT", "SWE")
RANK_SCOPES = {  # scope -> (how it reads, the countries: a catalog preset or a fixed list)
    "europe": ("the EMCDDA's reporting countries (EU-28, Norway, Turkey)", "emcdda"),
    "western_europe": ("Western Europe (EU-15, Iceland, Norway, Switzerland)", WESTERN_EUROPE),
    "eu27": ("the EU-27", "eu27"),
    "nordic": ("the Nordic countries", "nordic"),
}
RANKED_INDICATOR = "drd_deaths_per_million_15_64"


@dataclass(frozen=True)
class RankCheck:
    iso3: str
    country: str
    year: int
    rank_claimed: int
    top: bool  # "one of the N highest" rather than "the N-th highest"
    scope: str
    verdict: str
    explanation: str
    ranked: list  # ranks.RankedRate, highest first
    missing: list[str]  # names of the scope's countries without a rate that year
    summary: str = ""
    notes: tuple[str, ...] = ()  # what to know before comparing these countries (dashboard/comparability.py)

    def as_dict(self) -> dict:
        return {"claim": {"iso3": self.iso3, "country": self.country, "year": self.year,
                          "rank_claimed": self.rank_claimed, "top": self.top, "scope": self.scope,
                          "scope_label": RANK_SCOPES[self.scope][0]},
                "verdict": self.verdict, "summary": self.summary, "explanation": self.explanation,
                "ranking": [asdict(r) | {"rank_range": r.rank_range, "distinguishable": r.distinguishable}
                            for r in self.ranked],
                "missing": self.missing, "comparability": list(self.notes)}


def scope_countries(known: catalog_module.Catalog, scope: str) -> tuple[str, ...]:
    if scope not in RANK_SCOPES:
        raise CheckInputError(f"unknown scope {scope!r}; choose one of {', '.join(RANK_SCOPES)}")
    members = RANK_SCOPES[scope][1]
    return known.preset(members) if isinstance(members, str) else tuple(m for m in members if m in known.countries)


def check_rank(connection: db.Connection, known: catalog_module.Catalog, country: str, year: int | str,
               rank_claimed: int | str, scope: str = "europe", top: bool = False) -> RankCheck:
    """A claim that a country's rate of drug-induced deaths (per million aged 15-64) ranks N-th (or in the top N)
    within a set of countries in a year, against the ranks the Poisson intervals of every rate allow."""

    place = resolve_country(known, country)
    members = scope_countries(known, scope)
    try:
        year_number, claimed = int(str(year).strip()), int(str(rank_claimed).strip())
    except ValueError:
        raise CheckInputError(f"the year and the rank must be whole numbers: {year!r}, {rank_claimed!r}") from None
    if claimed < 1:
        raise CheckInputError(f"a rank starts at 1 (the highest): {claimed}")
    indicator = known.indicators.get(RANKED_INDICATOR)
    if indicator is None:
        raise db.DataUnavailable(known.indicators_problem or f"the extracts hold no {RANKED_INDICATOR}")
    if not indicator.year_min <= year_number <= indicator.year_max:
        raise YearOutOfRange(f"the EMCDDA rates run from {indicator.year_min} to {indicator.year_max}, "
                             f"not {year_number}")
    if place.iso3 not in members and place.part_of in members:
        members = (*members, place.iso3)  # Scotland among the countries: ranked if it has a rate, else missing
    elif place.iso3 not in members:
        raise CheckInputError(f"{place.name_en} is not one of {RANK_SCOPES[scope][0]}")
    rows = db.run_query(connection, "indicator_map", indicator=RANKED_INDICATOR, countries=list(members),
                        year=year_number, sex="total", age_group="total").to_dict("records")
    usable = [(r["iso3"], r["value"], r["numerator"], r["denominator"]) for r in rows
              if not any(is_missing(r[k]) for k in ("value", "numerator", "denominator"))]
    ranked = ranks.rank_rates(usable)
    names = {r["iso3"]: r["country"] for r in rows}
    missing = sorted(names[r["iso3"]] for r in rows if r["iso3"] not in {u[0] for u in usable})
    scope_label = RANK_SCOPES[scope][0]
    claimed_text = (f"among the {claimed} highest" if top else
                    "the highest" if claimed == 1 else f"number {claimed} from the top")
    target = next((r for r in ranked if r.iso3 == place.iso3), None)
    if target is None:
        verdict = "no_data"
        text = summary = (f"We hold no EMCDDA rate for {place.name_en} in {year_number}, so it cannot be ranked "
                          f"(a missing year is never read as zero).")
    else:
        point_fits = target.rank <= claimed if top else target.rank == claimed
        range_fits = target.best_rank <= claimed if top else target.best_rank <= claimed <= target.worst_rank
        verdict = "matches" if point_fits else "close" if range_fits else "contradicts"
        leaders = "; ".join(f"{r.rank}. {names[r.iso3]} {r.rate:.1f} ({r.lower:.1f}–{r.upper:.1f})"
                            for r in ranked[:max(3, claimed + 1)])
        text = (f"Claimed: {place.name_en} {claimed_text} in {scope_label} in {year_number}. On the EMCDDA rate "
                f"per million aged 15-64 it ranks {target.rank} of {target.of} ({target.rate:.1f}, 95% interval "
                f"{target.lower:.1f}–{target.upper:.1f}); from the intervals its rank could be "
                f"{target.rank_range}. Highest: {leaders}.")
        summary = (f"{place.name_en} ranks {target.rank} of {target.of} in {year_number} ({target.rate:.1f} per "
                   f"million aged 15-64); from the intervals its rank could be {target.rank_range}.")
        tied = ranks.overlapping(ranked, place.iso3)
        if not target.distinguishable:
            text += (f" The rank is not distinguishable: its interval overlaps those of "
                     f"{_join([names[i] for i in tied[:8]])}{' and others' if len(tied) > 8 else ''}.")
    if missing:
        text += f" Not reported for {year_number}, so not ranked: {_join(missing)}."
    try:
        labels = dict(db.run_query(connection, "quality_flag_labels").itertuples(index=False))
    except db.DataUnavailable:
        labels = {}
    notes = comparability.comparability(pd.DataFrame(rows), unit=indicator.unit, flag_labels=labels,
                                        topic=indicator.topic).notes
    return RankCheck(iso3=place.iso3, country=place.name_en, year=year_number, rank_claimed=claimed, top=top,
                     scope=scope, verdict=verdict, explanation=text, ranked=ranked, missing=missing, summary=summary,
                     notes=tuple(note.text for note in notes))


def _join(names: list[str]) -> str:
    return join_names(names, limit=40)

