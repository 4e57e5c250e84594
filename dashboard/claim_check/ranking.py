"""A ranking from the news ("the highest in Western Europe") against the ranks the Poisson intervals allow."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from dashboard import catalog as catalog_module
from dashboard import comparability, db, i18n, ranks
from dashboard.claim_check.numbers import CheckInputError, YearOutOfRange, resolve_country
from dashboard.figures.formatting import is_missing, join_names
from dashboard.i18n import N_, tr

# "Highest in Western Europe": the sets a rank is claimed within. Europe is the EMCDDA's reporting countries.
WESTERN_EUROPE = ("AUT", "BEL", "CHE", "DEU", "DNK", "ESP", "FIN", "FRA", "GBR", "GRC", "IRL", "ISL", "ITA", "LUX",
                  "NLD", "NOR", "PRT", "SWE")
RANK_SCOPES = {  # scope -> (how it reads: tr() it where shown, the countries: a catalog preset or a fixed list)
    "europe": (N_("the EMCDDA's reporting countries (EU-28, Norway, Turkey)"), "emcdda"),
    "western_europe": (N_("Western Europe (EU-15, Iceland, Norway, Switzerland)"), WESTERN_EUROPE),
    "eu27": (N_("the EU-27"), "eu27"),
    "nordic": (N_("the Nordic countries"), "nordic"),
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
                          "scope_label": tr(RANK_SCOPES[self.scope][0])},
                "verdict": self.verdict, "summary": self.summary, "explanation": self.explanation,
                "ranking": [asdict(r) | {"rank_range": r.rank_range, "distinguishable": r.distinguishable}
                            for r in self.ranked],
                "missing": self.missing, "comparability": list(self.notes)}


def scope_countries(known: catalog_module.Catalog, scope: str) -> tuple[str, ...]:
    if scope not in RANK_SCOPES:
        raise CheckInputError(tr("unknown scope {scope}; choose one of {scopes}", scope=repr(scope),
                                 scopes=", ".join(RANK_SCOPES)))
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
        raise CheckInputError(tr("the year and the rank must be whole numbers: {year}, {rank}", year=repr(year),
                                 rank=repr(rank_claimed))) from None
    if claimed < 1:
        raise CheckInputError(tr("a rank starts at 1 (the highest): {rank}", rank=claimed))
    indicator = known.indicators.get(RANKED_INDICATOR)
    if indicator is None:
        raise db.DataUnavailable(known.indicators_problem or tr("the extracts hold no {indicator}",
                                                                indicator=RANKED_INDICATOR))
    if not indicator.year_min <= year_number <= indicator.year_max:
        raise YearOutOfRange(tr("the EMCDDA rates run from {first} to {last}, not {year}", first=indicator.year_min,
                                last=indicator.year_max, year=year_number))
    if place.iso3 not in members and place.part_of in members:
        members = (*members, place.iso3)  # Scotland among the countries: ranked if it has a rate, else missing
    elif place.iso3 not in members:
        raise CheckInputError(tr("{country} is not one of {scope}", country=place.name,
                                 scope=tr(RANK_SCOPES[scope][0])))
    rows = db.run_query(connection, "indicator_map", indicator=RANKED_INDICATOR, countries=list(members),
                        year=year_number, sex="total", age_group="total").to_dict("records")
    usable = [(r["iso3"], r["value"], r["numerator"], r["denominator"]) for r in rows
              if not any(is_missing(r[k]) for k in ("value", "numerator", "denominator"))]
    ranked = ranks.rank_rates(usable)
    names = {r["iso3"]: r["country"] for r in rows}
    missing = sorted(names[r["iso3"]] for r in rows if r["iso3"] not in {u[0] for u in usable})
    scope_label = tr(RANK_SCOPES[scope][0])
    claimed_text = (tr("among the {rank} highest", rank=claimed) if top else
                    tr("the highest") if claimed == 1 else tr("number {rank} from the top", rank=claimed))
    target = next((r for r in ranked if r.iso3 == place.iso3), None)
    if target is None:
        verdict = "no_data"
        text = summary = tr("We hold no EMCDDA rate for {country} in {year}, so it cannot be ranked (a missing year "
                            "is never read as zero).", country=place.name, year=year_number)
    else:
        point_fits = target.rank <= claimed if top else target.rank == claimed
        range_fits = target.best_rank <= claimed if top else target.best_rank <= claimed <= target.worst_rank
        verdict = "matches" if point_fits else "close" if range_fits else "contradicts"
        leaders = "; ".join(f"{r.rank}. {names[r.iso3]} {_rate(r.rate)} ({_rate(r.lower)}–{_rate(r.upper)})"
                            for r in ranked[:max(3, claimed + 1)])
        text = tr("Claimed: {country} {claimed} in {scope} in {year}. On the EMCDDA rate per million aged 15-64 it "
                  "ranks {rank} of {of} ({rate}, 95% interval {lower}–{upper}); from the intervals its rank could "
                  "be {rank_range}. Highest: {leaders}.", country=place.name, claimed=claimed_text,
                  scope=scope_label, year=year_number, rank=target.rank, of=target.of, rate=_rate(target.rate),
                  lower=_rate(target.lower), upper=_rate(target.upper), rank_range=target.rank_range,
                  leaders=leaders)
        summary = tr("{country} ranks {rank} of {of} in {year} ({rate} per million aged 15-64); from the intervals "
                     "its rank could be {rank_range}.", country=place.name, rank=target.rank, of=target.of,
                     year=year_number, rate=_rate(target.rate), rank_range=target.rank_range)
        tied = ranks.overlapping(ranked, place.iso3)
        if not target.distinguishable:
            others = _join([names[i] for i in tied[:8]])
            text += " " + (tr("The rank is not distinguishable: its interval overlaps those of {countries} and "
                              "others.", countries=others) if len(tied) > 8 else
                           tr("The rank is not distinguishable: its interval overlaps those of {countries}.",
                              countries=others))
    if missing:
        text += " " + tr("Not reported for {year}, so not ranked: {countries}.", year=year_number,
                         countries=_join(missing))
    try:
        labels = dict(db.run_query(connection, "quality_flag_labels").itertuples(index=False))
    except db.DataUnavailable:
        labels = {}
    notes = comparability.comparability(pd.DataFrame(rows), unit=indicator.unit, flag_labels=labels,
                                        topic=indicator.topic).notes
    return RankCheck(iso3=place.iso3, country=place.name, year=year_number, rank_claimed=claimed, top=top,
                     scope=scope, verdict=verdict, explanation=text, ranked=ranked, missing=missing, summary=summary,
                     notes=tuple(note.text for note in notes))


def _join(names: list[str]) -> str:
    return join_names(names, limit=40)


def _rate(value: float) -> str:
    """A rate as the explanation writes it: '85.0', '1 234,5' in Norwegian."""
    return i18n.number(value, 1)

