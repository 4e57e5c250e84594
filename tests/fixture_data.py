"""Tiny hand-specified extracts for the tests: every value the tests assert is written here.

Three countries with statistics (Norway, Sweden, Denmark) over six years (2010-2015), Finland that reports
nothing, and Switzerland and Canada (off the map) with programmes only. Written with the columns and types of
dashboard/schema.py, so the app reads them like a real edition:

- drd_deaths, sex total / age total: NOR 250 262 241 234 266 289; SWE 400 420 (2012 not reported) 550 600 620;
  DNK 200 190 180 0 (a reported zero, 2013) 170 160.
- drd_deaths 2015 by sex, each sex from its own source: NOR men 210 women 79, SWE 450 / 170, DNK 120 / 40; and the
  age band 25-29 in 2015: NOR 40, SWE 90, DNK 20.
- drd_deaths_per_million_15_64: deaths over a fixed population aged 15-64 (NOR 3,400,000, SWE 6,200,000,
  DNK 3,700,000) x 10^6, with numerator and denominator; Denmark 2010 flagged rate_from_all_ages_deaths.
- national_drug_deaths (as published): Norway 2014 266, 2016 282, 2017 257, one source each.
- HAT programmes: CH-REGULAR (regular since 1985, before the timeline's first year), CH-TRIAL (trial 1994-1996,
  ended), CA-TRIAL (trial 2005-2008, Canada: off the map), DK-REGULAR (regular since 2010; sources disagree whether
  it started in 2009 or 2010), DK-UNDATED (a pilot whose start year is not known, status as of 2014), NO-TRIAL
  (trial 2011-2013, ended), NO-PILOT (pilot since 2022, after the data years), NO-PLANNED (planned, no start
  year, never treated anyone).
- The claim register: five claims, one of each kind (number, rank, programme, by hand; a number with no data).
- Programme sites: NO-TRIAL at Oslo and Bergen (two markers), CH-TRIAL at Zurich; the others at their country's
  interior point.
- Base map: a square per country (Finland as an unselected neighbour has one too), 4 degrees wide and 3 high
  round the country's interior point.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import schema

YEARS = tuple(range(2010, 2016))
DEATHS = {
    "NOR": (250, 262, 241, 234, 266, 289),
    "SWE": (400, 420, None, 550, 600, 620),
    "DNK": (200, 190, 180, 0, 170, 160),
}
DEATHS_2015_BY_SEX = {"NOR": (210, 79), "SWE": (450, 170), "DNK": (120, 40)}
DEATHS_2015_AGED_25_29 = {"NOR": 40, "SWE": 90, "DNK": 20}
POPULATION_15_64 = {"NOR": 3_400_000, "SWE": 6_200_000, "DNK": 3_700_000}
NATIONAL_DEATHS = {2014: 266, 2016: 282, 2017: 257}
FLAGGED_RATE = ("DNK", 2010)
NAMES = {"NOR": "Norway", "SWE": "Sweden", "DNK": "Denmark", "CHE": "Switzerland", "FIN": "Finland", "CAN": "Canada"}

RATE = "drd_deaths_per_million_15_64"
COUNT = "drd_deaths"
NATIONAL = "national_drug_deaths"
RATE_LABEL = "Drug-induced deaths per million aged 15-64"
RATE_LABEL_NO = "Narkotikautløste dødsfall per million innbyggere 15–64 år"



def rate(iso3: str, year: int) -> float | None:
    deaths = DEATHS[iso3][YEARS.index(year)]
    return None if deaths is None else deaths / POPULATION_15_64[iso3] * 1_000_000


def _country(iso3, iso2, name_no, *, eu27, nordic, emcdda, hat, lat, lon, region="Northern Europe"):
    return {"iso3": iso3, "iso2": iso2, "eurostat_code": iso2, "name_en": NAMES[iso3], "name_no": name_no,
            "eu27": eu27, "nordic": nordic, "emcdda_reporting": emcdda, "has_hat_programme": hat,
            "region": region, "part_of": None, "on_map": lat is not None, "interior_lat": lat, "interior_lon": lon}


COUNTRIES = [
    _country("NOR", "NO", "Norge", eu27=False, nordic=True, emcdda=True, hat=True, lat=61.0, lon=9.0),
    _country("SWE", "SE", "Sverige", eu27=True, nordic=True, emcdda=True, hat=False, lat=62.0, lon=16.0),
    _country("DNK", "DK", "Danmark", eu27=True, nordic=True, emcdda=True, hat=True, lat=56.0, lon=10.0),
    _country("FIN", "FI", "Finland", eu27=True, nordic=True, emcdda=True, hat=False, lat=63.0, lon=26.0),
    _country("CHE", "CH", "Sveits", eu27=False, nordic=False, emcdda=False, hat=True, lat=47.0, lon=8.0,
             region="Western Europe"),
    _country("CAN", "CA", "Canada", eu27=False, nordic=False, emcdda=False, hat=True, lat=None, lon=None,
             region="Northern America"),
]


def _source(source_id, title, publisher, attribution, *, kind="external", edition=None, full_credit=None):
    return {"source_id": source_id, "title": title, "publisher": publisher, "edition": edition, "table_id": None,
            "url": f"https://example.org/{source_id}", "licence": "fixture", "attribution": attribution,
            "full_credit": full_credit or attribution, "origin": "tests/fixture_data.py", "retrieved": "2030-01-01",
            "kind": kind, "edition_inferred": False}


BULLETIN = "Fixture Bulletin 2030"
SOURCES = [
    _source("EMCDDA-FX-DRD-TOTAL", "Deaths, total", "EMCDDA (fixture)", "Fixture Bulletin 2030, deaths total.",
            edition=BULLETIN),
    _source("EMCDDA-FX-DRD-MALE", "Deaths, men", "EMCDDA (fixture)", "Fixture Bulletin 2030, deaths of men.",
            edition=BULLETIN),
    _source("EMCDDA-FX-DRD-FEMALE", "Deaths, women", "EMCDDA (fixture)", "Fixture Bulletin 2030, deaths of women.",
            edition=BULLETIN),
    _source("EMCDDA-FX-DRD-AGE", "Deaths by age", "EMCDDA (fixture)", "Fixture Bulletin 2030, deaths by age.",
            edition=BULLETIN),
    _source("DPA-SBFX-DRD-RATE", "Rate 15-64", "Drug Policy Atlas (computed)", "Computed from the fixture bulletin.",
            kind="computed"),
    _source("DPA-SBFX-DRD-RATE-ALL-AGES", "Rate from all ages", "Drug Policy Atlas (computed)",
            "Computed from the fixture bulletin's all-ages deaths.", kind="computed"),
    *[_source(f"NAT-FX-NOR-{year}", f"Norwegian deaths {year}", "Fixture Institute of Public Health",
              f"Fixture Institute of Public Health, deaths {year}.") for year in NATIONAL_DEATHS],
    _source("UNWPP-FX", "Population", "UN (fixture)", "Fixture population."),
    _source("NATURAL-EARTH", "Fixture shapes", "Fixture cartographers", "Made with fixture shapes.",
            full_credit="Made with fixture shapes: squares, public domain, drawn for the tests."),
    _source("HAT-COMPILED", "HAT register", "Drug Policy Atlas", "Drug Policy Atlas HAT register (fixture)."),
]

INDICATORS = [
    {"indicator_id": COUNT, "label": "Drug-induced deaths", "topic": "Drug-induced deaths", "unit": "deaths",
     "kind": "reported", "definition": "Deaths counted by the fixture bulletin.", "caveat": "Fixture caveat.",
     "label_no": "Narkotikautløste dødsfall", "definition_no": "Dødsfall talt av testbulletinen.",
     "caveat_no": "Testforbehold.", "source_id": "EMCDDA-FX-DRD-TOTAL"},
    {"indicator_id": RATE, "label": RATE_LABEL, "topic": "Drug-induced deaths",
     "unit": "deaths per million aged 15-64", "kind": "computed", "definition": "Deaths over population 15-64.",
     "caveat": "Fixture caveat.", "label_no": RATE_LABEL_NO, "definition_no": "Dødsfall over befolkningen 15–64 år.",
     "caveat_no": "Testforbehold.", "source_id": "DPA-SBFX-DRD-RATE"},
    {"indicator_id": NATIONAL, "label": "Drug deaths as published by the national authority",
     "topic": "National figures as published", "unit": "deaths", "kind": "national",
     "definition": "As published.", "caveat": "National definitions differ.",
     "label_no": "Narkotikadødsfall slik nasjonal myndighet publiserer dem", "definition_no": "Som publisert.",
     "caveat_no": "Nasjonale definisjoner er ulike.", "source_id": "NAT-FX-NOR-2016"},
]

QUALITY_FLAGS = [
    {"flag": "rate_from_all_ages_deaths",
     "label": "Not the EMCDDA rate: deaths at all ages over the population aged 15-64",
     "explanation": "The age bands are missing.",
     "label_no": "Ikke EMCDDAs rate: dødsfall i alle aldre over befolkningen 15–64 år",
     "explanation_no": "Aldersgruppene mangler."},
    {"flag": "national_definition", "label": "As published by the national authority, with its own definition",
     "explanation": "National figure.", "label_no": "Som publisert av nasjonal myndighet, med egen definisjon",
     "explanation_no": "Nasjonalt tall."},
]
FLAG_LABEL = {row["flag"]: row["label"] for row in QUALITY_FLAGS}
FLAG_LABEL_NO = {row["flag"]: row["label_no"] for row in QUALITY_FLAGS}


def _fact(iso3, year, indicator, value, source, sex="total", age="total", **extra):
    return {"iso3": iso3, "year": year, "indicator_id": indicator, "sex": sex, "age_group": age,
            "value": None if value is None else float(value), "source_id": source, "country_note": False,
            "flag": None, "numerator": None, "denominator": None, "quality_flags": None, "value_note": None,
            "value_note_no": None, **extra}


def _facts() -> list[dict]:
    rows = []
    for iso3, deaths in DEATHS.items():
        for year, value in zip(YEARS, deaths, strict=True):
            rows.append(_fact(iso3, year, COUNT, value, "EMCDDA-FX-DRD-TOTAL"))
            flagged = (iso3, year) == FLAGGED_RATE
            rows.append(_fact(iso3, year, RATE, rate(iso3, year),
                              "DPA-SBFX-DRD-RATE-ALL-AGES" if flagged else "DPA-SBFX-DRD-RATE",
                              numerator=None if value is None else float(value),
                              denominator=None if value is None else float(POPULATION_15_64[iso3]),
                              quality_flags="rate_from_all_ages_deaths" if flagged else None,
                              value_note=FLAG_LABEL["rate_from_all_ages_deaths"] if flagged else None,
                              value_note_no=FLAG_LABEL_NO["rate_from_all_ages_deaths"] if flagged else None))
        men, women = DEATHS_2015_BY_SEX[iso3]
        rows.append(_fact(iso3, 2015, COUNT, men, "EMCDDA-FX-DRD-MALE", sex="male"))
        rows.append(_fact(iso3, 2015, COUNT, women, "EMCDDA-FX-DRD-FEMALE", sex="female"))
        rows.append(_fact(iso3, 2015, COUNT, DEATHS_2015_AGED_25_29[iso3], "EMCDDA-FX-DRD-AGE", age="25-29"))
    for year, value in NATIONAL_DEATHS.items():
        rows.append(_fact("NOR", year, NATIONAL, value, f"NAT-FX-NOR-{year}", quality_flags="national_definition",
                          value_note=f"{FLAG_LABEL['national_definition']}; Fixture Institute: deaths by overdose",
                          value_note_no=f"{FLAG_LABEL_NO['national_definition']}; "
                                        "Fixture Institute: deaths by overdose"))
    return sorted(rows, key=lambda r: (r["indicator_id"], r["iso3"], r["year"], r["sex"], r["age_group"]))


# When the status was last confirmed (else 2024): the one year known of a programme without a start year, and
# a planned programme that has no year at all.
STATUS_AS_OF = {"DK-UNDATED": "2014", "NO-PLANNED": None}
# The register's prose in Norwegian (the *_no columns beside the English).
PHASE_NO = {"regular": "ordinær behandling", "trial": "forsøk", "pilot": "pilot", "planned": "planlagt"}
STATUS_NO = {"ongoing": "pågår", "ended": "avsluttet", "planned, never started": "planlagt, aldri startet"}
CONFLICT_NO = {"yes: start 2009 or 2010": "ja: start 2009 eller 2010"}
ELIGIBILITY_NO = "alvorlig opioidavhengighet"


def _programme(programme_id, iso3, name, phase, group, start, end, status, *, treated=True, patients=None,
               conflict=None, start_date=None, end_date=None):
    return {"programme_id": programme_id, "country": NAMES[iso3], "iso3": iso3, "city_or_sites": f"{name} city",
            "programme_name": name, "programme_name_en": None, "programme_type": phase, "phase": phase,
            "start_date": start_date or (str(start) if start else None),
            "end_date": end_date or (str(end) if end else None),
            "status": status, "status_as_of": STATUS_AS_OF.get(programme_id, "2024"),
            "patients_numeric_year": "2024" if patients else None,
            "patients_numeric_basis": "in treatment" if patients else None,
            "patients": f"{patients} in treatment" if patients else None, "patients_note": None,
            "capacity_note": None, "eligibility": "severe opioid dependence", "medication_form": "injectable",
            "conflict_flag": conflict, "notes": None, "outcomes": None, "treated_patients": treated,
            "display_group": group,
            "start_year": start, "end_year": end, "patients_numeric": patients,
            "source_titles": [f"{programme_id} register entry", f"{programme_id} report"],
            "source_urls": [f"https://example.org/{programme_id}/register", f"https://example.org/{programme_id}/report"],
            "source_id": "HAT-COMPILED",
            "city_or_sites_no": f"{name} by", "programme_type_no": PHASE_NO[phase], "status_no": STATUS_NO[status],
            "patients_numeric_basis_no": "i behandling" if patients else None,
            "patients_no": f"{patients} i behandling" if patients else None, "eligibility_no": ELIGIBILITY_NO,
            "medication_form_no": "injiserbar", "conflict_flag_no": CONFLICT_NO.get(conflict)}


PROGRAMMES = [
    _programme("CH-REGULAR", "CHE", "Swiss regular treatment", "regular", "regular", 1985, None, "ongoing",
               patients=1700),
    _programme("CH-TRIAL", "CHE", "Swiss trial", "trial", "ended", 1994, 1996, "ended", patients=1035),
    _programme("CA-TRIAL", "CAN", "Canadian trial", "trial", "ended", 2005, 2008, "ended", patients=115),
    _programme("DK-REGULAR", "DNK", "Danish regular treatment", "regular", "regular", 2010, None, "ongoing",
               patients=220, conflict="yes: start 2009 or 2010", start_date="2010-02"),
    _programme("DK-UNDATED", "DNK", "Danish undated pilot", "pilot", "pilot", None, None, "ongoing"),
    _programme("NO-TRIAL", "NOR", "Norwegian trial", "trial", "ended", 2011, 2013, "ended", patients=40),
    _programme("NO-PILOT", "NOR", "Norwegian pilot", "pilot", "pilot", 2022, None, "ongoing", patients=100,
               start_date="2022-01"),
    _programme("NO-PLANNED", "NOR", "Norwegian planned programme", "planned", "planned/never implemented", None,
               None, "planned, never started", treated=False),
]
PROGRAMME_IDS = tuple(programme["programme_id"] for programme in PROGRAMMES)
CLAIMS = [
    {"claim_id": "DK-START-2009", "programme_id": "DK-REGULAR", "field": "start_year", "claimed_value": "2009",
     "claim_status": "contradicted", "source_title": "A newspaper (print)", "source_url": None,
     "note": "Parliament approved it in 2009; treatment began in 2010.", "no_url_reason": "print article",
     "note_no": "Folketinget vedtok det i 2009; behandlingen begynte i 2010."},
    {"claim_id": "DK-START-2010", "programme_id": "DK-REGULAR", "field": "start_year", "claimed_value": "2010",
     "claim_status": "supported", "source_title": "The health authority", "source_url": "https://example.org/dk",
     "note": "First clinic opened February 2010.", "no_url_reason": None,
     "note_no": "Den første klinikken åpnet i februar 2010."},
]
def _press_claim(claim_id, kind, quote, verdict, reason, reason_no, **fields):
    row = {column: None for column in schema.EXTRACTS["claims"].columns}
    return row | {"claim_id": claim_id, "claimant": "A fixture newspaper", "outlet": "Fixture Times",
                  "url": f"https://example.org/news/{claim_id}", "published": "2031-01-01", "language": "en",
                  "quote": quote, "claim_kind": kind, "verdict": verdict, "reason": reason,
                  "reason_no": reason_no} | fields


# The claim register: one claim of each kind, with the verdict the fixture's data give.
PRESS_CLAIMS = [
    _press_claim("FX-NOR-2015-RATE", "number", "Norway had 85 deaths per million aged 15-64 in 2015.", "matches",
                 "289 deaths over 3,400,000 people aged 15-64 is 85.0.",
                 "289 dødsfall over 3\u00a0400\u00a0000 innbyggere 15–64 år er 85,0.", iso3="NOR", geography="Norway",
                 year=2015, value="85", unit="per_million_15_64", counts="drug_induced"),
    _press_claim("FX-SWE-2012-DEATHS", "number", "Sweden had 500 drug deaths in 2012.", "no_data",
                 "Sweden reported no count for 2012.", "Sverige rapporterte ikke noe tall for 2012.", iso3="SWE",
                 geography="Sweden", year=2012, value="500",
                 unit="deaths", counts="any"),
    _press_claim("FX-NOR-2015-RANK", "rank", "Norway had the highest rate in the Nordic countries in 2015.",
                 "close", "Sweden's rate is higher, but the two cannot be told apart.",
                 "Sveriges rate er høyere, men de to kan ikke skilles fra hverandre.", iso3="NOR",
                 geography="Norway", year=2015, rank_claimed=1, rank_top=False, rank_scope="nordic"),
    _press_claim("FX-DK-2009", "programme", "Denmark's heroin clinics opened in 2009.", "contradicts",
                 "They opened in 2010 (programme claim DK-START-2009).",
                 "De åpnet i 2010 (programpåstand DK-START-2009).", iso3="DNK",
                 programme_claim_id="DK-START-2009", programme_id="DK-REGULAR"),
    _press_claim("FX-BERGEN-USERS", "by_hand", "Bergen has 1,100 heroin users.", "no_data",
                 "We hold no estimates of people who use heroin.",
                 "Vi har ingen anslag over hvor mange som bruker heroin.", iso3="NOR", geography="Bergen",
                 value="1100"),
]
SITES = [
    {"programme_id": "NO-TRIAL", "site": "Oslo", "lat": 60.0, "lon": 10.5, "source_url": "https://example.org/oslo"},
    {"programme_id": "NO-TRIAL", "site": "Bergen", "lat": 60.4, "lon": 7.5, "source_url": "https://example.org/bergen"},
    {"programme_id": "CH-TRIAL", "site": "Zurich", "lat": 47.4, "lon": 8.5, "source_url": "https://example.org/zurich"},
]
MEASURE_NO = {"patients": "pasienter", "places": "behandlingsplasser"}


def _city(city, iso3, programme_id, measure, value, as_of, population, population_date):
    return {"city": city, "iso3": iso3, "programme_id": programme_id, "measure": measure, "value": value,
            "as_of": as_of, "as_of_year": int(as_of[:4]), "counts_what": f"{measure} in {city}", "note": None,
            "counts_what_no": f"{MEASURE_NO[measure]} i {city}",
            "source_title": f"{city} report", "source_url": f"https://example.org/{city}/report",
            "quote": f"{value} {measure}", "accessed": "2031-01-01", "population": population,
            "population_year": int(population_date[:4]), "population_date": population_date,
            "population_area": f"{city} municipality", "population_publisher": "A statistics office",
            "population_url": f"https://example.org/{city}/population", "population_quote": f"{population}"}


# Rates easy to check by hand: Oslo 200 / 700,000 x 100,000 = 28.57...; Bergen 50 / 250,000 = 20.0; Zurich's
# newest 300 / 400,000 = 75.0 (its 2010 figure is older, not drawn); Copenhagen counts places only.
HAT_CITIES = [
    _city("Oslo", "NOR", "NO-PILOT", "patients", 200, "2024", 700_000, "2024-01-01"),
    _city("Bergen", "NOR", "NO-PILOT", "patients", 50, "2024-06", 250_000, "2024-01-01"),
    _city("Zurich", "CHE", "CH-REGULAR", "patients", 300, "2019", 400_000, "2019-12-31"),
    _city("Zurich", "CHE", "CH-REGULAR", "patients", 200, "2010", 380_000, "2010-12-31"),
    _city("Copenhagen", "DNK", "DK-REGULAR", "places", 120, "2014", 600_000, "2014-01-01"),
]
SOURCED_FIELDS = ("city_or_sites", "phase", "start_date", "status", "patients_numeric")


def _programme_sources() -> list[dict]:
    rows = []
    for programme in PROGRAMMES:
        for field in SOURCED_FIELDS:
            if programme[field] is None:
                continue
            rows.append({"programme_id": programme["programme_id"], "field": field,
                         "source_title": f"{programme['programme_id']} register entry",
                         "source_url": f"https://example.org/{programme['programme_id']}/register",
                         "source_kind": "primary", "quote": f"{field}: {programme[field]}", "no_url_reason": None,
                         "accessed": "2030-01-01"})
    return rows


def _population() -> list[dict]:
    return [{"iso3": iso3, "year": year, "pop_0_14": 1_000_000.0, "pop_15_64": float(people),
             "pop_65_plus": 900_000.0, "is_projection": False, "source_id": "UNWPP-FX"}
            for iso3, people in POPULATION_15_64.items() for year in YEARS]


def _square(iso3: str) -> dict:
    country = next(c for c in COUNTRIES if c["iso3"] == iso3)
    lat, lon = country["interior_lat"], country["interior_lon"]
    ring = [[lon - 2, lat - 1.5], [lon + 2, lat - 1.5], [lon + 2, lat + 1.5], [lon - 2, lat + 1.5],
            [lon - 2, lat - 1.5]]
    return {"type": "Feature", "id": iso3, "properties": {"name": country["name_en"], "iso_a3": iso3},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


TABLES = {
    "facts.parquet": _facts, "indicators.parquet": lambda: INDICATORS, "countries.parquet": lambda: COUNTRIES,
    "population.parquet": _population, "programmes.parquet": lambda: PROGRAMMES,
    "programme_claims.parquet": lambda: CLAIMS, "programme_sources.parquet": _programme_sources,
    "claims.parquet": lambda: PRESS_CLAIMS,
    "programme_sites.parquet": lambda: SITES, "hat_cities.parquet": lambda: HAT_CITIES,
    "quality_flags.parquet": lambda: QUALITY_FLAGS, "sources.parquet": lambda: SOURCES,
}


def write_extracts(folder: Path) -> Path:
    """Write the fixture's extracts and base map into folder (created); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for file_name, rows in TABLES.items():
        extract = schema.BY_FILE[file_name]
        table = pa.Table.from_pylist(rows(), schema=schema.arrow_schema(extract))
        pq.write_table(schema.conform(file_name, table), folder / file_name)
        if file_name == "facts.parquet":  # the build's rollup, made the build's way
            from dashboard.build.facts import fact_coverage_table  # imports settings: only after the fixture is set

            pq.write_table(fact_coverage_table(table), folder / "fact_coverage.parquet")
    shapes = {"type": "FeatureCollection", "features": [_square(c["iso3"]) for c in COUNTRIES if c["on_map"]]}
    (folder / schema.MAP_SHAPES).write_text(json.dumps(shapes), encoding="utf-8")
    return folder
