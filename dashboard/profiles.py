"""A country's profile (/country?country=NOR), as plain data: every series we hold for it with the latest value,
its year, its rank that year and (for rates of deaths) the interval and the ranks it allows; what we do not hold;
its HAT programmes; the claims about it from the news; and the notes on its values.

dashboard/ui/country.py lays it out. Ranks compare the country with the EMCDDA reporting countries (the country
itself added when it is not one of them). National figures as published are not ranked: each country counts in
its own way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import i18n, ranks
from dashboard.catalog import Catalog
from dashboard.charts import ChartView, QueryRunner
from dashboard.figures import format_value, is_missing, is_rate_unit, records
from dashboard.figures.two_axes import make_two_axis_figure
from dashboard.state import read_switch, shown, unknown_parameters

if TYPE_CHECKING:
    from dashboard.content import Reader
    from dashboard.state import ViewState

PEERS = "emcdda"  # the preset a country is ranked against
UNRANKED_KINDS = ("national",)  # each national authority counts in its own way
RATE_PER = {"deaths per million aged 15-64": 1_000_000, "deaths per million inhabitants (all ages)": 1_000_000}
TOTAL = {"sex": "total", "age_group": "total"}


@dataclass(frozen=True)
class CountryContent:
    iso3: str
    title: str
    subtitle: str
    series: pd.DataFrame  # one row per series we hold (see SERIES_COLUMNS)
    missing: tuple[tuple[str, tuple[str, ...]], ...]  # (topic, labels) of the series we hold for no year
    rank_note: str
    programmes: ChartView | None  # the country's HAT timeline, None without a programme in the register
    programme_table: pd.DataFrame | None
    claims: pd.DataFrame  # the claim register's rows about the country, in words
    notes: tuple[str, ...]  # what the values' own notes say
    pair: ChartView | None = None  # deaths and methadone clients on two axes, None without both
    pair_note: str = ""


SERIES_COLUMNS = ("Series", "Year", "Value", "Rank", "Over the years", "Years", "Source", "Open", "indicator_id")


def resolve_country(text: str | None, catalog: Catalog) -> tuple[str | None, str | None]:
    """(ISO-3, notice): a code (any case) or an English or Norwegian name; None and a notice for anything else."""
    if text is None or not str(text).strip():
        return None, None
    wanted = str(text).strip()
    if wanted.upper() in catalog.countries:
        return wanted.upper(), None
    for country in catalog.countries.values():
        if wanted.casefold() in (country.name_en.casefold(), (country.name_no or "").casefold()):
            return country.iso3, None
    return None, (f"Unknown country {shown(wanted, 30)}; name it by its ISO 3166 alpha-3 code (such as NOR) or "
                  f"its name in English or Norwegian.")


def _rank_text(row: dict, ranked: dict[str, ranks.RankedRate]) -> str:
    if row["kind"] in UNRANKED_KINDS:
        return "not ranked (national definitions differ)"
    interval = ranked.get(row["indicator_id"])
    if interval is not None:
        could_be = "certain" if interval.distinguishable else f"could be {interval.rank_range}"
        return f"{interval.rank} of {interval.of} ({could_be})"
    by_number = "" if is_rate_unit(row["unit"]) else ", by number, not per person"
    return f"{int(row['rank'])} of {int(row['ranked_countries'])}{by_number}"


def _rate_ranks(reader: Reader, rows: list[dict], peers: list[str]) -> dict[str, ranks.RankedRate]:
    """For rates of deaths with their deaths and population: the rank, its interval and the ranks it allows."""
    found = {}
    for row in rows:
        per = RATE_PER.get(row["unit"])
        if per is None or is_missing(row.get("numerator")) or is_missing(row.get("denominator")):
            continue
        table = reader.query("indicator_map", indicator=row["indicator_id"], countries=peers, year=int(row["year"]),
                             **TOTAL)
        ranked = ranks.rank_rates(((r["iso3"], r["value"], r["numerator"], r["denominator"])
                                   for r in records(table) if not is_missing(r["value"])), per=per)
        own = next((r for r in ranked if r.iso3 == row["iso3"]), None)
        if own is not None:
            found[row["indicator_id"]] = own
    return found


def _value_text(row: dict) -> str:
    """'74.9', or '2,884 syringes (unit as published)' where the series' name does not say its unit."""
    value = format_value(row["value"], row["unit"])
    said = row["unit"].split(" (")[0] in row["label"].lower() or row["unit"] in ("deaths", "years")
    return value if said else f"{value} {row['unit']}"


def _years_text(row: dict) -> str:
    first, last, count = int(row["first_year"]), int(row["year"]), int(row["years_reported"])
    span = last - first + 1
    return f"{first}–{last}" + ("" if count == span else f" ({count} of {span} years)") if first != last else str(first)


def country_content(reader: Reader, state: ViewState, country: str = "") -> CountryContent:
    """The profile of `country` (an ISO-3 code the caller has resolved)."""
    catalog = reader.load_catalog()
    known = catalog.countries[country]
    peers = sorted(set(catalog.preset(PEERS)) | {country})
    table = reader.query("country_profile", iso3=country, peers=peers)
    rows = [{**row, "iso3": country} for row in records(table)]
    ranked = _rate_ranks(reader, rows, peers)
    lang_param = "" if i18n.current() == i18n.ENGLISH else f"&lang={i18n.current()}"  # the link keeps it
    series = pd.DataFrame([{
        "Series": row["label"], "Year": int(row["year"]), "Value": _value_text(row), "Rank": _rank_text(row, ranked),
        "Over the years": list(row["series"]), "Years": _years_text(row), "Source": row["source"] or "",
        "Open": f"trends?indicator={row['indicator_id']}&countries={country}{lang_param}",
        "indicator_id": row["indicator_id"],
    } for row in rows], columns=list(SERIES_COLUMNS))
    held = {row["indicator_id"] for row in rows}
    missing: dict[str, list[str]] = {}
    for indicator in catalog.indicators.values():
        if indicator.indicator_id not in held:
            topic = indicator.topic or "Other"
            missing.setdefault(topic, []).append(indicator.label.removeprefix(f"{topic}: "))
    in_peers = known.iso3 in catalog.preset(PEERS)
    rank_note = (f"Ranks: among the {len(catalog.preset(PEERS))} EMCDDA reporting countries"
                 + ("" if in_peers else f" and {known.name_en}") + " with a value that year (1 = highest). For rates "
                 "of deaths, the ranks the 95% "
                 "intervals allow; counts are ranked by number, not per person; national figures are not ranked.")
    timeline = reader.chart("timeline", replace(state, countries=(country,)))
    has_programmes = not timeline.data.empty
    claims = reader.query("claim_register", countries=[country])
    notes = tuple(f"{row['label']}: {row['value_note']}" for row in rows if not is_missing(row.get("value_note")))
    return CountryContent(
        iso3=country, title=known.name_en,
        subtitle=" · ".join(part for part in (
            known.name_no if known.name_no and known.name_no != known.name_en else "",
            "EMCDDA reporting country" if known.emcdda_reporting else "not an EMCDDA reporting country",
            f"{len(rows)} series held" if rows else "no series held") if part),
        series=series, missing=tuple((topic, tuple(labels)) for topic, labels in sorted(missing.items())),
        rank_note=rank_note, programmes=timeline if has_programmes else None,
        programme_table=reader.programme_table(replace(state, countries=(country,))) if has_programmes else None,
        claims=_claims_table(claims), notes=notes, **_pair(reader.query, catalog, known))


# The two series a profile draws together: deaths per person beside treatment per person, each on its own axis.
PAIR = ("drd_deaths_per_million_15_64", "ost_methadone_clients_per_100k_15_64")
PAIR_LABELS = ("drug-induced deaths per million aged 15-64", "clients in methadone treatment per 100,000 aged 15-64")
PAIR_KEYS = ("Deaths", "Methadone")  # the key, as the title words them; the axes carry the units (a 320 px embed)


def _pair(query: QueryRunner, catalog: Catalog, known, projector: bool = False) -> dict:
    indicators = [catalog.indicators.get(indicator_id) for indicator_id in PAIR]
    drawn = [i for i in indicators if i is not None]
    first, last = (min(i.year_min for i in drawn), max(i.year_max for i in drawn)) if drawn else (0, 0)
    tables = [query("indicator_trend", indicator=i.indicator_id, countries=[known.iso3], year_from=first,
                           year_to=last, **TOTAL) if i is not None else None for i in indicators]
    missing = [label for label, table in zip(PAIR_LABELS, tables, strict=True)
               if table is None or table["value"].dropna().empty]
    if missing:
        return {"pair": None, "pair_note": f"Deaths and treatment together: we hold no {' and no '.join(missing)} "
                                           f"for {known.name_en}."}
    sources = sorted({str(source) for table in tables for source in table["source"].dropna()})
    title = f"{known.name_en}: deaths and methadone treatment, {first}–{last}"
    subtitle = "Each on its own axis and in its own unit; years not reported are gaps"
    note = ("Two series, two axes: where the lines cross means nothing (each axis has its own scale); read each "
            "against its own axis.")
    source_line = "Source: " + " ".join(sources)
    figure = make_two_axis_figure(
        tables[0], tables[1], left_label=PAIR_KEYS[0], right_label=PAIR_KEYS[1],
        left_unit=indicators[0].unit, right_unit=indicators[1].unit, title=title, subtitle=subtitle,
        source_line=source_line, footnote=note, projector=projector)
    data = pd.concat([table.assign(indicator_id=i.indicator_id, indicator=i.label)
                      for table, i in zip(tables, indicators, strict=True)], ignore_index=True)
    view = ChartView(kind="country_pair", title=title, subtitle=subtitle, source_line=source_line, figure=figure,
                     data=data, query_name="indicator_trend", params={"indicators": list(PAIR), "country": known.iso3},
                     summary=f"{title}. {note}", query_string=pair_query_string(known.iso3, projector),
                     file_stem=f"country_{known.iso3}_deaths-and-methadone_{first}-{last}", footnote=note,
                     projector=projector)
    return {"pair": view, "pair_note": note}


def pair_query_string(iso3: str, projector: bool = False) -> str:
    return f"page=country&country={iso3}" + ("&projector=1" if projector else "")


def linked_pair(params: Mapping[str, str], query: QueryRunner, catalog: Catalog) -> tuple[ChartView, list[str]]:
    """A country profile's link as its one chart (deaths and methadone treatment on two axes), for a slide, an
    export or an embed; ValueError when the link names no known country or we lack one of the two series."""
    notices: list[str] = []
    unknown_parameters(params, ("country",), notices)
    iso3, notice = resolve_country(params.get("country"), catalog)
    if iso3 is None:
        raise ValueError(notice or "The country profile's link names no country (country=NOR).")
    projector = read_switch(params.get("projector"), "projector", notices)
    drawn = _pair(query, catalog, catalog.countries[iso3], projector)
    if drawn["pair"] is None:
        raise ValueError(drawn["pair_note"])
    return drawn["pair"], notices


def _claims_table(claims: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame([{
        "Claim": row["quote"], "Said by": ", ".join(str(part) for part in (row["claimant"], row["outlet"],
                                                                           row["published"]) if not is_missing(part)),
        "Our verdict": str(row["verdict"]).replace("_", " "), "Why": row["reason"],
        "Check": f"claims?claim={row['claim_id']}",
    } for row in records(claims)], columns=["Claim", "Said by", "Our verdict", "Why", "Check"])
