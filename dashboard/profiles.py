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

from dashboard import i18n, ranks, vocabulary
from dashboard.catalog import Catalog
from dashboard.charts import ChartView, QueryRunner
from dashboard.figures import format_value, is_missing, is_rate_unit, records, screen_figure
from dashboard.figures.claim import verdict_label
from dashboard.figures.two_axes import make_two_axis_figure
from dashboard.i18n import N_, ntr, tr
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


# The tables' columns, in English (headed in the reader's language where shown: dashboard/ui/country.py).
SERIES_COLUMNS = ("Series", "Year", "Value", "Rank", "Over the years", "Years", "Source", "Open", "indicator_id")
CLAIM_COLUMNS = ("Claim", "Said by", "Our verdict", "Why", "Check")


def _link(path: str) -> str:
    """A link to another page of the app, in the reader's language (lang=nb; English is the default)."""
    return path + (f"&lang={i18n.current()}" if i18n.current() != i18n.DEFAULT else "")


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
    return None, tr("Unknown country {name}; name it by its ISO 3166 alpha-3 code (such as NOR) or its name in "
                    "English or Norwegian.", name=shown(wanted, 30))


def _rank_text(row: dict, ranked: dict[str, ranks.RankedRate]) -> str:
    if row["kind"] in UNRANKED_KINDS:
        return tr("not ranked (national definitions differ)")
    interval = ranked.get(row["indicator_id"])
    if interval is not None:
        could_be = tr("certain") if interval.distinguishable else tr("could be {ranks}", ranks=interval.rank_range)
        return tr("{rank} of {of} ({could_be})", rank=interval.rank, of=interval.of, could_be=could_be)
    if is_rate_unit(row["unit"]):
        return tr("{rank} of {of}", rank=int(row["rank"]), of=int(row["ranked_countries"]))
    return tr("{rank} of {of}, by number, not per person", rank=int(row["rank"]), of=int(row["ranked_countries"]))


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
    unit = vocabulary.unit(row["unit"])  # the label is in the reader's language: so is the unit it may name
    said = unit.split(" (")[0] in row["label"].lower() or row["unit"] in ("deaths", "years")
    return value if said else f"{value} {unit}"


def _years_text(row: dict) -> str:
    first, last, count = int(row["first_year"]), int(row["year"]), int(row["years_reported"])
    span = last - first + 1
    if first == last:
        return str(first)
    return i18n.year_range(first, last) + ("" if count == span else " " + tr(
        "({count} of {span} years)", count=count, span=span))


def country_content(reader: Reader, state: ViewState, country: str = "") -> CountryContent:
    """The profile of `country` (an ISO-3 code the caller has resolved)."""
    catalog = reader.load_catalog()
    known = catalog.countries[country]
    peers = sorted(set(catalog.preset(PEERS)) | {country})
    table = reader.query("country_profile", iso3=country, peers=peers)
    rows = [{**row, "iso3": country} for row in records(table)]
    ranked = _rate_ranks(reader, rows, peers)
    series = pd.DataFrame([{
        "Series": row["label"], "Year": int(row["year"]), "Value": _value_text(row), "Rank": _rank_text(row, ranked),
        "Over the years": list(row["series"]), "Years": _years_text(row), "Source": row["source"] or "",
        "Open": _link(f"trends?indicator={row['indicator_id']}&countries={country}"),  # the link keeps lang
        "indicator_id": row["indicator_id"],
    } for row in rows], columns=list(SERIES_COLUMNS))
    held = {row["indicator_id"] for row in rows}
    missing: dict[str, list[str]] = {}
    for indicator in catalog.indicators.values():
        if indicator.indicator_id not in held:  # by topic, in English (the page shows vocabulary.topic of it)
            topic = indicator.topic or tr("Other")
            missing.setdefault(topic, []).append(
                indicator.label.removeprefix(f"{indicator.topic_label}: ").removeprefix(f"{topic}: "))
    in_peers = known.iso3 in catalog.preset(PEERS)
    peers_count = len(catalog.preset(PEERS))
    rank_note = (tr("Ranks: among the {count} EMCDDA reporting countries with a value that year (1 = highest).",
                    count=peers_count) if in_peers else
                 tr("Ranks: among the {count} EMCDDA reporting countries and {country} with a value that year "
                    "(1 = highest).", count=peers_count, country=known.name)) + " " + tr(
        "For rates of deaths, the ranks the 95% intervals allow; counts are ranked by number, not per person; "
        "national figures are not ranked.")
    timeline = reader.chart("timeline", replace(state, countries=(country,)))
    has_programmes = not timeline.data.empty
    claims = reader.query("claim_register", countries=[country])
    notes = tuple(f"{row['label']}: {row['value_note']}" for row in rows if not is_missing(row.get("value_note")))
    other_name = known.name_en if known.name != known.name_en else known.name_no  # the other language's
    return CountryContent(
        iso3=country, title=known.name,
        subtitle=" · ".join(part for part in (
            other_name if other_name and other_name != known.name else "",
            tr("EMCDDA reporting country") if known.emcdda_reporting else tr("not an EMCDDA reporting country"),
            ntr("{n} series held", "{n} series held", len(rows)) if rows else tr("no series held")) if part),
        series=series, missing=tuple((topic, tuple(labels)) for topic, labels in sorted(missing.items())),
        rank_note=rank_note, programmes=timeline if has_programmes else None,
        programme_table=reader.programme_table(replace(state, countries=(country,))) if has_programmes else None,
        claims=_claims_table(claims), notes=notes, **_pair(reader.query, catalog, known))


# The two series a profile draws together: deaths per person beside treatment per person, each on its own axis.
PAIR = ("drd_deaths_per_million_15_64", "ost_methadone_clients_per_100k_15_64")
PAIR_LABELS = (N_("drug-induced deaths per million aged 15-64"),
               N_("clients in methadone treatment per 100,000 aged 15-64"))  # tr() where shown
# The key, as the title words them; the axes carry the units (a 320 px embed). tr() where shown.
PAIR_KEYS = (N_("Deaths"), N_("Methadone"))


def _pair(query: QueryRunner, catalog: Catalog, known, projector: bool = False) -> dict:
    indicators = [catalog.indicators.get(indicator_id) for indicator_id in PAIR]
    drawn = [i for i in indicators if i is not None]
    first, last = (min(i.year_min for i in drawn), max(i.year_max for i in drawn)) if drawn else (0, 0)
    tables = [query("indicator_trend", indicator=i.indicator_id, countries=[known.iso3], year_from=first,
                           year_to=last, **TOTAL) if i is not None else None for i in indicators]
    missing = [tr(label) for label, table in zip(PAIR_LABELS, tables, strict=True)
               if table is None or table["value"].dropna().empty]
    if missing:
        return {"pair": None, "pair_note": (
            tr("Deaths and treatment together: we hold no {first} and no {second} for {country}.", first=missing[0],
               second=missing[1], country=known.name) if len(missing) > 1 else
            tr("Deaths and treatment together: we hold no {series} for {country}.", series=missing[0],
               country=known.name))}
    sources = sorted({str(source) for table in tables for source in table["source"].dropna()})
    title = tr("{country}: deaths and methadone treatment, {years}", country=known.name,
               years=i18n.year_range(first, last))
    subtitle = tr("Each on its own axis and in its own unit; years not reported are gaps")
    note = tr("Two series, two axes: where the lines cross means nothing (each axis has its own scale); read each "
              "against its own axis.")
    source_line = tr("Source: {sources}", sources=" ".join(sources))
    figure = make_two_axis_figure(
        tables[0], tables[1], left_label=tr(PAIR_KEYS[0]), right_label=tr(PAIR_KEYS[1]),
        left_unit=indicators[0].unit_label, right_unit=indicators[1].unit_label, title=title, subtitle=subtitle,
        source_line=source_line, footnote=note, projector=projector)
    data = pd.concat([table.assign(indicator_id=i.indicator_id, indicator=i.label)
                      for table, i in zip(tables, indicators, strict=True)], ignore_index=True)
    view = ChartView(kind="country_pair", title=title, subtitle=subtitle, source_line=source_line, figure=figure,
                     screen_figure=screen_figure(figure),
                     data=data, query_name="indicator_trend", params={"indicators": list(PAIR), "country": known.iso3},
                     summary=f"{title}. {note}",
                     query_string=pair_query_string(known.iso3, projector, lang=i18n.current()),
                     file_stem=f"country_{known.iso3}_deaths-and-methadone_{first}-{last}", footnote=note,
                     projector=projector)
    return {"pair": view, "pair_note": note}


def pair_query_string(iso3: str, projector: bool = False, lang: str = i18n.DEFAULT) -> str:
    """The profile's link (its chart's, for exports and decks): lang only when not English, the default."""
    return (f"page=country&country={iso3}" + ("&projector=1" if projector else "")
            + (f"&lang={lang}" if lang != i18n.DEFAULT else ""))


def linked_pair(params: Mapping[str, str], query: QueryRunner, catalog: Catalog) -> tuple[ChartView, list[str]]:
    """A country profile's link as its one chart (deaths and methadone treatment on two axes), for a slide, an
    export or an embed; ValueError when the link names no known country or we lack one of the two series."""
    notices: list[str] = []
    unknown_parameters(params, ("country",), notices)
    iso3, notice = resolve_country(params.get("country"), catalog)
    if iso3 is None:
        raise ValueError(notice or tr("The country profile's link names no country (country=NOR)."))
    projector = read_switch(params.get("projector"), "projector", notices)
    drawn = _pair(query, catalog, catalog.countries[iso3], projector)
    if drawn["pair"] is None:
        raise ValueError(drawn["pair_note"])
    return drawn["pair"], notices


def _claims_table(claims: pd.DataFrame) -> pd.DataFrame:
    """The register's claims about the country: the quote as printed (a quotation, in its own language), our
    verdict in the reader's, the reason as the register words it."""
    return pd.DataFrame([{
        "Claim": row["quote"], "Said by": ", ".join(str(part) for part in (row["claimant"], row["outlet"],
                                                                           row["published"]) if not is_missing(part)),
        "Our verdict": _verdict(row["verdict"]), "Why": row["reason"],
        "Check": _link(f"claims?claim={row['claim_id']}"),
    } for row in records(claims)], columns=list(CLAIM_COLUMNS))


def _verdict(verdict: object) -> str:
    """'Matches', 'Close (within 5%)'... in the reader's language."""
    try:
        return verdict_label(str(verdict))
    except KeyError:
        return str(verdict).replace("_", " ")
