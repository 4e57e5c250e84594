"""Query latency for every queries/*.sql, and the same questions answered the usual pandas way.

    python -m benchmarks.query_bench latency --data-dir benchmarks/scaled/100m --reps 30
    python -m benchmarks.query_bench compare --data-dir benchmarks/scaled/10m --reps 5
    python -m benchmarks.query_bench memory --engine pandas --data-dir benchmarks/scaled/10m --params p.json

latency: db.run_query on the app's locked-down connection, realistic parameters (benchmarks.common).
compare: DuckDB and pandas side by side in one process, alternating call by call, same parameters; pandas reads
the whole Parquet files each call (pd.read_parquet), then filters, merges and groups, as a script would.
memory: one engine only, in a fresh process, for its peak RSS (psutil sampling and ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import QUERY_NAMES, RssSampler, emit, max_rss_mb, realistic_params, repeat, summarise
from dashboard.figures import is_list

FACTS_QUERIES = ("indicator_map", "indicator_trend", "indicator_catalog")


# --- the pandas way --------------------------------------------------------------------------------------------------

def _read(data_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(data_dir / f"{name}.parquet")


def pandas_indicator_map(data_dir: Path, indicator, countries, year, sex, age_group, year_from=None,
                         year_to=None) -> pd.DataFrame:
    facts, countries_df = _read(data_dir, "facts"), _read(data_dir, "countries")
    indicators, sources = _read(data_dir, "indicators"), _read(data_dir, "sources")
    selected = countries_df.loc[countries_df["iso3"].isin(countries), ["iso3", "name_en"]].rename(
        columns={"name_en": "country"})
    two = facts[(facts["indicator_id"] == indicator) & (facts["sex"] == sex) & (facts["age_group"] == age_group)
                & facts["year"].isin([year, year - 1]) & facts["iso3"].isin(countries)]
    current = two.loc[two["year"] == year, ["iso3", "value", "numerator", "denominator", "source_id", "country_note",
                                            "quality_flags", "value_note"]]
    previous = two.loc[two["year"] == year - 1, ["iso3", "value"]].rename(columns={"value": "previous_value"})
    joined = selected.merge(current, on="iso3", how="left").merge(previous, on="iso3", how="left")
    joined["change"] = joined["value"] - joined["previous_value"]
    joined["change_pct"] = joined["change"] / joined["previous_value"].replace(0, np.nan) * 100
    joined["rank"] = joined["value"].rank(method="min", ascending=False)
    joined["ranked_countries"] = joined["value"].count()
    units = indicators.loc[indicators["indicator_id"] == indicator, ["unit"]]
    joined = joined.merge(units, how="cross")
    joined = joined.merge(sources[["source_id", "attribution", "publisher", "full_credit"]], on="source_id",
                          how="left").rename(columns={"attribution": "source", "publisher": "source_publisher"})
    joined["year"] = year
    spanned = facts[(facts["indicator_id"] == indicator) & (facts["sex"] == sex) & (facts["age_group"] == age_group)
                    & facts["year"].between(year_from if year_from is not None else 0,
                                            year_to if year_to is not None else 9999)
                    & facts["iso3"].isin(countries) & facts["value"].notna()]
    joined["range_min"], joined["range_max"] = spanned["value"].min(), spanned["value"].max()
    joined["range_from"], joined["range_to"] = spanned["year"].min(), spanned["year"].max()
    joined = joined.sort_values(["rank", "country"], na_position="last", kind="stable")
    return joined[["iso3", "country", "year", "value", "numerator", "denominator", "previous_value", "change",
                   "change_pct", "rank", "ranked_countries", "unit", "source", "source_publisher", "full_credit",
                   "country_note", "quality_flags", "value_note", "range_min", "range_max", "range_from",
                   "range_to"]].reset_index(drop=True)


def pandas_indicator_trend(data_dir: Path, indicator, countries, year_from, year_to, sex, age_group, index_base=None,
                           log_scale=False) -> pd.DataFrame:
    facts, countries_df = _read(data_dir, "facts"), _read(data_dir, "countries")
    indicators, sources = _read(data_dir, "indicators"), _read(data_dir, "sources")
    selected = countries_df.loc[countries_df["iso3"].isin(countries), ["iso3", "name_en"]].rename(
        columns={"name_en": "country"})
    years = pd.DataFrame({"year": np.arange(year_from, year_to + 1, dtype="int64")})
    values = facts[(facts["indicator_id"] == indicator) & (facts["sex"] == sex) & (facts["age_group"] == age_group)
                   & facts["year"].between(year_from, year_to) & facts["iso3"].isin(countries)]
    values = values[["iso3", "year", "value", "numerator", "denominator", "source_id", "country_note", "flag",
                     "quality_flags", "value_note"]].astype({"year": "int64"})
    grid = selected.merge(years, how="cross").merge(values, on=["iso3", "year"], how="left")
    grid = grid.merge(indicators.loc[indicators["indicator_id"] == indicator, ["unit"]], how="cross")
    grid = grid.merge(sources[["source_id", "attribution", "publisher", "full_credit"]], on="source_id",
                      how="left").rename(columns={"attribution": "source", "publisher": "source_publisher"})
    grid = grid.sort_values(["country", "year"], kind="stable")
    if index_base is None:
        grid["base_value"], grid["base_year"], grid["plotted"] = np.nan, np.nan, grid["value"]
    else:
        reported = values[values["value"].notna()]
        first = reported.groupby("iso3")["year"].min()
        wanted = values["iso3"].map(first) if index_base == 0 else index_base
        base = values.loc[values["year"] == wanted].set_index("iso3")
        grid["base_value"] = grid["iso3"].map(base["value"])
        grid["base_year"] = grid["iso3"].map(base["year"])
        grid["plotted"] = grid["value"] / grid["base_value"].replace(0, np.nan) * 100
    if log_scale:
        grid["plotted"] = grid["plotted"].where(~(grid["plotted"] <= 0))
    return grid[["iso3", "country", "year", "value", "numerator", "denominator", "unit", "source_id", "source",
                 "source_publisher", "full_credit", "country_note", "flag", "quality_flags", "value_note",
                 "base_value", "base_year", "plotted"]].reset_index(drop=True)


def pandas_indicator_catalog(data_dir: Path) -> pd.DataFrame:
    facts, indicators, sources = _read(data_dir, "facts"), _read(data_dir, "indicators"), _read(data_dir, "sources")
    reported = facts[facts["value"].notna()]
    combos = reported.groupby(["indicator_id", "sex", "age_group"], observed=True).agg(
        year_min=("year", "min"), year_max=("year", "max")).reset_index()
    combos["breakdown"] = combos["sex"] + "/" + combos["age_group"]
    coverage = combos.groupby("indicator_id").agg(
        sexes=("sex", lambda s: sorted(set(s))), age_groups=("age_group", lambda s: sorted(set(s))),
        breakdowns=("breakdown", lambda s: sorted(set(s))), year_min=("year_min", "min"),
        year_max=("year_max", "max")).reset_index()
    # map_year: the latest year in which at least 80% of the best year's number of countries report (total/total).
    totals = reported[(reported["sex"] == "total") & (reported["age_group"] == "total")]
    reporting = totals.groupby(["indicator_id", "year"]).size().rename("countries").reset_index()
    reporting["best"] = reporting.groupby("indicator_id")["countries"].transform("max")
    map_years = (reporting[reporting["countries"] >= 0.8 * reporting["best"]].groupby("indicator_id")["year"].max()
                 .rename("map_year").reset_index())
    final = indicators.merge(coverage, on="indicator_id").merge(map_years, on="indicator_id", how="left").merge(
        sources[["source_id", "attribution"]], on="source_id", how="left")
    final["map_year"] = final["map_year"].fillna(final["year_max"])
    final = final.sort_values(["topic", "indicator_id"], kind="stable")
    return final[["indicator_id", "label", "topic", "unit", "kind", "definition", "caveat", "label_no",
                  "definition_no", "caveat_no", "source_id",
                  "attribution", "sexes", "age_groups", "breakdowns", "year_min", "year_max",
                  "map_year"]].reset_index(drop=True)


def pandas_country_catalog(data_dir: Path) -> pd.DataFrame:
    countries = _read(data_dir, "countries")
    columns = ["iso3", "iso2", "eurostat_code", "name_en", "name_no", "eu27", "nordic", "emcdda_reporting",
               "has_hat_programme", "region", "part_of", "on_map", "interior_lat", "interior_lon"]
    return countries.sort_values("name_en", kind="stable")[columns].reset_index(drop=True)


def pandas_programmes(data_dir: Path, countries) -> pd.DataFrame:
    programmes = _read(data_dir, "programmes")
    joined = programmes[programmes["iso3"].isin(countries)].copy()
    joined["_order"] = joined["start_year"].fillna(joined["end_year"])
    joined = joined.sort_values(["country", "_order", "programme_id"], kind="stable")
    columns = ["programme_id", "iso3", "country", "city_or_sites", "programme_name", "programme_name_en",
               "programme_type", "phase", "display_group", "treated_patients", "start_year", "start_date", "end_year",
               "end_date", "status", "status_as_of", "patients_numeric", "patients_numeric_year",
               "patients_numeric_basis", "patients", "eligibility", "medication_form", "capacity_note",
               "conflict_flag", "notes", "outcomes", "source_titles", "source_urls"]
    return joined[columns].reset_index(drop=True)


def pandas_programme_markers(data_dir: Path, countries, year) -> pd.DataFrame:
    programmes, countries_df = _read(data_dir, "programmes"), _read(data_dir, "countries")
    sites = _read(data_dir, "programme_sites")
    rows = programmes[programmes["iso3"].isin(countries)].copy()
    never = rows["phase"].isin(["planned", "vetoed"])
    undated = rows["start_year"].isna()
    later = rows["start_year"] > year
    rows["not_drawn"] = None
    rows.loc[later.fillna(False), "not_drawn"] = "starts later"
    rows.loc[undated, "not_drawn"] = "start year not established"
    rows.loc[never, "not_drawn"] = "never implemented"
    ended = (rows["end_year"] < year).fillna(False)
    rows["map_group"] = np.where(rows["phase"] == "unsupervised_prescribing", "unsupervised prescribing",
                                 rows["phase"])
    rows.loc[ended, "map_group"] = "ended"
    rows.loc[rows["not_drawn"].notna(), "map_group"] = None
    rows = rows.merge(countries_df[["iso3", "on_map", "interior_lat", "interior_lon"]], on="iso3")
    drawn = rows[rows["map_group"].notna()].merge(sites, on="programme_id", how="left")
    rows = pd.concat([drawn, rows[rows["map_group"].isna()]], ignore_index=True)
    rows = rows.rename(columns={"source_url": "site_source_url"})
    rows["lat"] = rows["lat"].fillna(rows["interior_lat"]).where(rows["on_map"] & rows["map_group"].notna())
    rows["lon"] = rows["lon"].fillna(rows["interior_lon"]).where(rows["on_map"] & rows["map_group"].notna())
    rows = rows.sort_values(["country", "start_year", "programme_id", "site"], na_position="last", kind="stable")
    columns = ["programme_id", "iso3", "country", "programme_name", "city_or_sites", "phase", "start_year",
               "end_year", "status", "status_as_of", "patients_numeric", "patients_numeric_year",
               "patients_numeric_basis", "patients", "conflict_flag", "source_titles", "map_group", "not_drawn",
               "site", "site_source_url", "lat", "lon", "year"]
    rows["year"] = year
    return rows[columns].reset_index(drop=True)


def pandas_programme_claims(data_dir: Path, countries) -> pd.DataFrame:
    claims, programmes = _read(data_dir, "programme_claims"), _read(data_dir, "programmes")
    joined = claims.merge(programmes[["programme_id", "programme_name", "country", "iso3"]], on="programme_id")
    joined = joined[joined["iso3"].isin(countries)]
    joined = joined.sort_values(["country", "programme_id", "field", "claim_id"], kind="stable")
    return joined[["programme_id", "programme_name", "country", "field", "claimed_value", "claim_status",
                   "source_title", "source_url", "note", "no_url_reason"]].reset_index(drop=True)


def pandas_programme_sources(data_dir: Path, countries) -> pd.DataFrame:
    cited, programmes = _read(data_dir, "programme_sources"), _read(data_dir, "programmes")
    joined = cited.merge(programmes[["programme_id", "programme_name", "country", "iso3", "start_year", "end_year"]],
                         on="programme_id")
    joined = joined[joined["iso3"].isin(countries)].copy()
    joined["_order"] = joined["start_year"].fillna(joined["end_year"])
    joined = joined.sort_values(["country", "_order", "programme_id", "field", "source_title", "source_url", "quote"],
                                kind="stable")
    return joined[["programme_id", "programme_name", "country", "field", "source_title", "source_url",
                   "source_kind", "quote", "no_url_reason", "accessed"]].reset_index(drop=True)


def pandas_source_credits(data_dir: Path, source_ids) -> pd.DataFrame:
    sources = _read(data_dir, "sources")
    chosen = sources[sources["source_id"].isin(source_ids)].sort_values("source_id", kind="stable")
    return chosen[["source_id", "attribution", "full_credit"]].reset_index(drop=True)


def pandas_data_editions(data_dir: Path) -> pd.DataFrame:
    facts, sources = _read(data_dir, "facts"), _read(data_dir, "sources")
    joined = facts[facts["value"].notna()].merge(sources, on="source_id")
    emcdda = joined["publisher"].str.startswith("EMCDDA", na=False)
    family = np.where(emcdda | joined["source_id"].str.startswith("DPA-SB"), "EMCDDA",
                      np.where(joined["source_id"].str.startswith("NAT-"), "national", None))
    joined = joined.assign(family=family, edition=joined["edition"].where(emcdda))
    grouped = joined[joined["family"].notna()].groupby("family").agg(
        edition=("edition", "max"), year_min=("year", "min"), year_max=("year", "max")).reset_index()
    return grouped.sort_values("family", kind="stable").reset_index(drop=True)


def pandas_quality_flag_list(data_dir: Path) -> pd.DataFrame:
    facts, flags = _read(data_dir, "facts"), _read(data_dir, "quality_flags")
    codes = facts["quality_flags"].dropna().str.split(",").explode()
    counts = codes.value_counts().rename("values_flagged").rename_axis("flag").reset_index()
    joined = flags.merge(counts, on="flag", how="left")
    joined["values_flagged"] = joined["values_flagged"].fillna(0).astype("int64")
    return joined.sort_values("flag", kind="stable")[["flag", "label", "explanation",
                                                     "values_flagged"]].reset_index(drop=True)


def pandas_source_list(data_dir: Path) -> pd.DataFrame:
    sources = _read(data_dir, "sources")
    columns = ["source_id", "title", "publisher", "edition", "table_id", "url", "licence", "attribution", "kind"]
    return sources.sort_values(["kind", "source_id"], kind="stable")[columns].reset_index(drop=True)


def pandas_claim_candidates(data_dir: Path, country, indicators) -> pd.DataFrame:
    facts, countries = _read(data_dir, "facts"), _read(data_dir, "countries")
    indicator_rows, sources, flags = (_read(data_dir, name) for name in ("indicators", "sources", "quality_flags"))
    places = countries[(countries["iso3"] == country) | (countries["part_of"] == country)]
    rows = facts[facts["indicator_id"].isin(indicators) & (facts["sex"] == "total") & (facts["age_group"] == "total")]
    rows = rows.merge(places[["iso3", "name_en"]], on="iso3").rename(columns={"name_en": "place"})
    rows = rows.merge(indicator_rows[["indicator_id", "label", "unit", "definition"]], on="indicator_id").rename(
        columns={"unit": "indicator_unit"})
    rows = rows.merge(sources[["source_id", "attribution", "edition", "url"]], on="source_id", how="left").rename(
        columns={"attribution": "source", "url": "source_url"})
    labels = dict(zip(flags["flag"], flags["label"], strict=True))
    rows["flag_labels"] = [None if not isinstance(codes, str) else ("; ".join(
        labels[code] for code in sorted(set(codes.split(","))) if code in labels) or None)
        for codes in rows["quality_flags"]]
    rows["is_part"] = rows["iso3"] != country
    rows["year"] = rows["year"].astype("int64")
    rows = rows.sort_values(["is_part", "iso3", "indicator_id", "year"], kind="stable")
    return rows[["iso3", "place", "is_part", "indicator_id", "label", "indicator_unit", "definition", "year", "value",
                 "numerator", "denominator", "source_id", "source", "edition", "source_url", "flag", "quality_flags",
                 "value_note", "flag_labels"]].reset_index(drop=True)


def pandas_claim_register(data_dir: Path, countries=None, verdicts=None, claim_ids=None) -> pd.DataFrame:
    claims, names = _read(data_dir, "claims"), _read(data_dir, "countries")[["iso3", "name_en"]]
    claims = claims.drop(columns=["note_no", "reason_no"])  # the query says note and reason in one language
    joined = claims.merge(names.rename(columns={"name_en": "country"}), on="iso3", how="left")
    for column, wanted in (("iso3", countries), ("verdict", verdicts), ("claim_id", claim_ids)):
        if wanted is not None:
            joined = joined[joined[column].isin(wanted)]
    joined = joined.assign(_press=joined["seed_file"].isna()).sort_values(["_press", "claim_id"], kind="stable")
    return joined.drop(columns="_press").reset_index(drop=True)


def pandas_country_profile(data_dir: Path, iso3, peers) -> pd.DataFrame:
    facts, indicators, sources = _read(data_dir, "facts"), _read(data_dir, "indicators"), _read(data_dir, "sources")
    totals = facts[(facts["sex"] == "total") & (facts["age_group"] == "total") & facts["value"].notna()]
    own = totals[totals["iso3"] == iso3].sort_values(["indicator_id", "year"], kind="stable")
    covered = own.groupby("indicator_id").agg(
        year=("year", "max"), first_year=("year", "min"), years_reported=("year", "size"),
        series=("value", list), series_years=("year", list)).reset_index()
    latest = own.merge(covered[["indicator_id", "year"]], on=["indicator_id", "year"])
    compared = totals[totals["iso3"].isin(list(peers) + [iso3])].merge(covered[["indicator_id", "year"]],
                                                                     on=["indicator_id", "year"])
    compared = compared.assign(
        rank=compared.groupby("indicator_id")["value"].rank(method="min", ascending=False).astype("int64"),
        ranked_countries=compared.groupby("indicator_id")["value"].transform("size"))
    rows = (covered.drop(columns="year").merge(latest, on="indicator_id")
            .merge(indicators[["indicator_id", "label", "topic", "unit", "kind"]], on="indicator_id")
            .merge(sources[["source_id", "attribution"]].rename(columns={"attribution": "source"}), on="source_id",
                   how="left")
            .merge(compared.loc[compared["iso3"] == iso3, ["indicator_id", "rank", "ranked_countries"]],
                   on="indicator_id"))
    rows = rows.sort_values(["topic", "label"], kind="stable")
    return rows[["indicator_id", "label", "topic", "unit", "kind", "year", "value", "numerator", "denominator",
                 "source_id", "source", "quality_flags", "value_note", "first_year", "years_reported", "series",
                 "series_years", "rank", "ranked_countries"]].reset_index(drop=True)


def pandas_quality_flag_labels(data_dir: Path) -> pd.DataFrame:
    return _read(data_dir, "quality_flags").sort_values("flag", kind="stable")[["flag", "label"]].reset_index(
        drop=True)


def pandas_hat_cities(data_dir: Path, measures) -> pd.DataFrame:
    cities = _read(data_dir, "hat_cities")
    programmes, countries = _read(data_dir, "programmes"), _read(data_dir, "countries")
    rows = cities[cities["measure"].isin(measures)].merge(
        programmes[["programme_id", "programme_name", "programme_name_en", "phase", "start_year", "end_year", "status",
                    "medication_form", "eligibility", "outcomes"]], on="programme_id").merge(
        countries[["iso3", "name_en"]].rename(columns={"name_en": "country"}), on="iso3")
    rows["per_100k"] = rows["value"] * 100000.0 / rows["population"]
    rows = rows.sort_values(["city", "measure", "as_of_year", "as_of"], ascending=[True, True, False, False],
                            kind="stable")
    rows["latest"] = ~rows.duplicated(["city", "measure"])
    return rows[["city", "iso3", "country", "programme_id", "programme_name", "programme_name_en", "phase",
                 "start_year", "end_year", "status", "medication_form", "eligibility", "outcomes", "measure", "value",
                 "as_of",
                 "as_of_year", "counts_what", "note", "per_100k", "population", "population_year", "population_date",
                 "population_area", "population_publisher", "population_url", "population_quote", "source_title",
                 "source_url", "quote", "accessed", "latest"]].reset_index(drop=True)


PANDAS = {
    "indicator_map": pandas_indicator_map, "indicator_trend": pandas_indicator_trend,
    "indicator_catalog": pandas_indicator_catalog, "country_catalog": pandas_country_catalog,
    "programmes": pandas_programmes, "programme_markers": pandas_programme_markers,
    "programme_claims": pandas_programme_claims, "source_list": pandas_source_list,
    "programme_sources": pandas_programme_sources, "source_credits": pandas_source_credits,
    "data_editions": pandas_data_editions, "quality_flag_list": pandas_quality_flag_list,
    "claim_candidates": pandas_claim_candidates, "claim_register": pandas_claim_register,
    "quality_flag_labels": pandas_quality_flag_labels, "country_profile": pandas_country_profile,
    "hat_cities": pandas_hat_cities,
}
assert set(PANDAS) == set(QUERY_NAMES), "every query in queries/ needs its pandas twin here"


def _as_list(cell: object) -> list | None:
    return [str(item) for item in cell] if is_list(cell) else None


def same_result(duck: pd.DataFrame, panda: pd.DataFrame) -> bool:
    """Same rows and values (types may differ: DuckDB SMALLINT vs pandas int64 and so on)."""
    if list(duck.columns) != list(panda.columns) or len(duck) != len(panda):
        return False
    for column in duck.columns:
        left, right = duck[column].reset_index(drop=True), panda[column].reset_index(drop=True)
        if left.map(is_list).any() or right.map(is_list).any():  # list columns (breakdowns, programme sources)
            if [_as_list(x) for x in left] != [_as_list(x) for x in right]:
                return False
            continue
        if pd.api.types.is_numeric_dtype(left) and pd.api.types.is_numeric_dtype(right):
            if not np.allclose(left.astype("float64"), right.astype("float64"), equal_nan=True):
                return False
        elif [None if pd.isna(x) else str(x) for x in left] != [None if pd.isna(x) else str(x) for x in right]:
            return False
    return True


# --- runners ---------------------------------------------------------------------------------------------------------

def _connection(data_dir: Path):
    from dashboard import catalog, db

    connection = db.connect(data_dir)
    if connection.broken:
        raise SystemExit(f"extracts in {data_dir} are broken: {connection.broken}")
    return connection, catalog.load_catalog(connection)


def latency(data_dir: Path, reps: int, budget_s: float) -> dict:
    """Median/p95 of db.run_query per query file; 'first_ms' is the first call on a new connection."""
    from dashboard import db

    started = time.perf_counter()
    connection, catalog = _connection(data_dir)
    connect_s = time.perf_counter() - started
    result = {"connect_and_catalog_ms": round(connect_s * 1000, 1), "queries": {}}
    fresh, _ = _connection(data_dir)
    for name in QUERY_NAMES:
        first_s, frame = _first_call(fresh, name, realistic_params(catalog, 0)[name])
        times = repeat(lambda i, name=name: db.run_query(connection, name, **realistic_params(catalog, i)[name]),
                       reps, budget_s)
        result["queries"][name] = {**summarise(times), "first_ms": round(first_s * 1000, 1), "rows": len(frame)}
    return result


def _first_call(connection, name, params):
    from dashboard import db

    started = time.perf_counter()
    frame = db.run_query(connection, name, **params)
    return time.perf_counter() - started, frame


def compare(data_dir: Path, reps: int, budget_s: float) -> dict:
    """DuckDB vs pandas, call by call alternating, same parameters; checks the answers agree."""
    from dashboard import db

    connection, catalog = _connection(data_dir)
    result = {"queries": {}}
    for name in QUERY_NAMES:
        duck_times, panda_times, agree = [], [], True
        started = time.perf_counter()
        for i in range(reps):
            params = realistic_params(catalog, i)[name]
            t0 = time.perf_counter()
            duck = db.run_query(connection, name, **params)
            t1 = time.perf_counter()
            panda = PANDAS[name](data_dir, **params)
            t2 = time.perf_counter()
            duck_times.append(t1 - t0)
            panda_times.append(t2 - t1)
            agree = agree and same_result(duck, panda)
            if i >= 2 and time.perf_counter() - started > budget_s:
                break
        d, p = summarise(duck_times), summarise(panda_times)
        result["queries"][name] = {"duckdb": d, "pandas": p, "results_agree": agree,
                                   "speedup_median": round(p["median_ms"] / max(d["median_ms"], 1e-6), 1)}
    return result


def memory(engine: str, data_dir: Path, params_file: Path) -> dict:
    """Peak RSS of one engine answering every query once per parameter set (run in a fresh process).

    The parameter sets come from a file, so the pandas process never opens DuckDB (nor the reverse)."""
    import psutil

    plan = json.loads(params_file.read_text(encoding="utf-8"))
    process = psutil.Process()
    baseline = process.memory_info().rss
    sampler = RssSampler(process.pid, interval_s=0.005).start()
    started = time.perf_counter()
    if engine == "duckdb":
        from dashboard import db

        connection = db.connect(data_dir)
        for params in plan:
            for name in QUERY_NAMES:
                db.run_query(connection, name, **params[name])
    else:
        for params in plan:
            for name in QUERY_NAMES:
                PANDAS[name](data_dir, **params[name])
    seconds = time.perf_counter() - started
    sampler.stop()
    return {"engine": engine, "baseline_rss_mb": round(baseline / 1e6, 1), "peak_rss_mb": sampler.peak_mb,
            "ru_maxrss_mb": max_rss_mb(), "peak_over_baseline_mb": round(sampler.peak_mb - baseline / 1e6, 1),
            "seconds": round(seconds, 2), "parameter_sets": len(plan)}


def write_params(data_dir: Path, count: int, path: Path) -> None:
    """The realistic parameter sets for `memory`, computed here so the measured process does nothing else."""
    _, catalog = _connection(data_dir)
    path.write_text(json.dumps([realistic_params(catalog, i) for i in range(count)]), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["latency", "compare", "memory"])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per query before stopping early")
    parser.add_argument("--engine", choices=["duckdb", "pandas"], default="duckdb")
    parser.add_argument("--params", type=Path, help="memory: parameter sets from write_params()")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    data_dir = args.data_dir.resolve()
    if args.mode == "latency":
        result = latency(data_dir, args.reps, args.budget)
    elif args.mode == "compare":
        result = compare(data_dir, args.reps, args.budget)
    else:
        result = memory(args.engine, data_dir, args.params)
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
