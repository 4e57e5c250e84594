"""The charts in Norwegian (issue 13): titles, axes, legends, hover text, notes, summaries (the alt text), the
comparability notes and the programme table as a Norwegian reader sees them, built from the fixture extracts by
the real chart registry; the same charts in English unchanged."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dashboard import basemap, charts, comparability, db, i18n, tables
from dashboard import state as view_state
from dashboard.catalog import load_catalog
from tests.figure_support import shown_hovers
from tests.i18n_support import catalog_fragments

NBSP, MINUS = "\u00a0", "\u2212"


@pytest.fixture(scope="module")
def catalog(connection):
    return load_catalog(connection)


def chart(connection, catalog, kind: str, link: str) -> charts.ChartView:
    state, notices = view_state.from_query_string(link, catalog)
    assert notices == [], notices
    return charts.build_chart(kind, connection, catalog, state)


def trace(view: charts.ChartView, role: str):
    return next(t for t in view.figure.data if (t.meta or {}).get("role") == role)


def shown_text(view: charts.ChartView) -> str:
    """Every string of the figure a reader can see (not its layout.meta: machine values), and the texts beside it."""
    spec = view.figure.to_dict()
    spec["layout"].pop("meta", None)
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, inner in value.items():
                if key not in ("geojson", "customdata", "locations", "colorscale", "font", "line", "marker"):
                    walk(inner)
        elif isinstance(value, list | tuple):
            for inner in value:
                walk(inner)

    walk(spec)
    return "\n".join([*found, view.summary, view.footnote, view.subtitle, view.title]).replace(NBSP, " ")


def test_the_map_hover_speaks_norwegian_with_norwegian_numbers(connection, catalog):
    view = chart(connection, catalog, "map", "page=map&preset=nordic&lang=nb")
    hover = {text.split("</b>")[0][3:]: text for text in shown_hovers(trace(view, "values"))}
    norway = hover["Norge"]
    assert f"2015: 85,0 dødsfall per million innbyggere 15–64 år (95{NBSP}% konfidensintervall 75,5–95,4)" in norway
    assert (f"beregnet fra 289 dødsfall blant personer 15–64 år og 3{NBSP}400{NBSP}000 innbyggere 15–64 år"
            in norway), norway
    assert "Plass 2 av 3 land som vises (kan være 1–2)" in norway and f"+6,8 (+8,6{NBSP}%) fra 2014" in norway
    assert f"{MINUS}2,7 ({MINUS}5,9{NBSP}%) fra 2014" in hover["Danmark"]
    assert norway.endswith("Kilde: Computed from the fixture bulletin.")  # the source's own title stays as is
    assert trace(view, "no-data").name == "Ingen data rapportert"
    assert trace(view, "no-data").hovertext == ("<b>Finland</b><br>Ingen data rapportert for 2015",)
    # the neighbours not selected are named in Norwegian too (the catalog's names, not the shapes')
    assert "<b>Sveits</b><br>Ikke valgt (klikk for å legge til)" in trace(view, "context").hovertext
    legend = {t.name for t in view.figure.data if (t.meta or {}).get("role") == "programme" and t.showlegend}
    assert legend == {"Ordinær HAB", "HAB avsluttet innen 2015"}, legend
    colour_bar = trace(view, "values").colorbar.title.text
    assert colour_bar == "dødsfall per million innbyggere 15–64 år<br>skala: 2010–2015", colour_bar
    assert view.footnote.startswith("HAB-markører: programmer som var i gang i 2015 eller var avsluttet da.")


def test_the_map_in_english_is_unchanged(connection, catalog):
    view = chart(connection, catalog, "map", "page=map&preset=nordic")
    norway = next(text for text in trace(view, "values").hovertext if text.startswith("<b>Norway"))
    assert "2015: 85.0 deaths per million aged 15-64 (95% interval 75.5–95.4)" in norway
    assert "from 289 deaths aged 15-64 and 3,400,000 people aged 15-64" in norway
    assert "Rank 2 of 3 shown (could be 1–2)" in norway and "+6.8 (+8.6%) vs 2014" in norway
    assert trace(view, "no-data").name == "No data reported"
    assert view.footnote.startswith("HAT markers: programmes running in 2015 or ended by then.")
    assert view.summary.startswith("Map of Drug-induced deaths")


def test_the_ranked_bars_in_norwegian(connection, catalog):
    view = chart(connection, catalog, "ranking", "page=map&countries=NOR,SWE,DNK,FIN,CHE&lang=nb")
    assert list(trace(view, "ranking").text) == ["100,0", "85,0", "43,2"]
    assert view.figure.layout.xaxis.title.text == "dødsfall per million innbyggere 15–64 år"
    assert "Ingen data rapportert for 2015: Finland og Sveits (ikke det samme som null; ikke tegnet)." in view.footnote
    assert "Søylefargene er de samme som i kartet (skala: 2010–2015)." in view.footnote
    assert "i rekkefølge fra høyest: Sverige 100,0, Norge 85,0, Danmark 43,2" in view.summary


def test_the_trend_axis_notes_and_labels_in_norwegian(connection, catalog):
    linear = chart(connection, catalog, "trend", "page=trends&preset=nordic&lang=nb")
    assert linear.figure.layout.yaxis.title.text == "dødsfall per million innbyggere 15–64 år"
    assert linear.title.endswith(", 2010–2015")  # an en dash in Norwegian
    labels = {a.text for a in linear.figure.layout.annotations if str(a.name).startswith("hat-label")}
    assert labels == {"Ordinær HAB:<br>Danmark 2010", "HAB-forsøk:<br>Norge 2011–2013"}, labels
    assert "Ingen verdier rapportert i 2010–2015: Finland." in linear.footnote
    assert "Åpne markører: verdier med merknad" in linear.footnote
    assert "HAB-programmer utenfor 2010–2015, ikke tegnet: Norge: Norwegian pilot (siden 2022)." in linear.footnote
    hover = " ".join(trace(linear, "series").hovertext)
    assert "ingen verdi rapportert" in hover or "beregnet fra" in hover
    indexed = chart(connection, catalog, "trend", "page=trends&preset=nordic&index=2011&lang=nb")
    assert indexed.figure.layout.yaxis.title.text == "Indeks (2011 = 100)"
    assert any("Indeks " in text and "(2011 = 100)" in text for t in indexed.figure.data if t.hovertext
               for text in t.hovertext)
    log = chart(connection, catalog, "trend", "page=trends&preset=nordic&scale=log&lang=nb")
    assert "Logaritmisk skala: 1 verdi på null eller lavere er ikke vist (Danmark 2013)." in log.footnote
    english = chart(connection, catalog, "trend", "page=trends&preset=nordic&index=2011")
    assert english.figure.layout.yaxis.title.text == "Index (2011 = 100)"
    assert english.title.endswith(", 2010-2015")


def test_the_text_summaries_and_alt_text_in_norwegian(connection, catalog):
    shown = chart(connection, catalog, "map", "page=map&preset=nordic&lang=nb")
    assert shown.summary == ("Kart over narkotikautløste dødsfall per million innbyggere 15–64 år i 2015 for 3 land; "
                             "høyest: Sverige (100,0 dødsfall per million innbyggere 15–64 år), lavest: Danmark "
                             "(43,2 dødsfall per million innbyggere 15–64 år); ingen data for 1 land: Finland."), \
        shown.summary
    trend = chart(connection, catalog, "trend", "page=trends&preset=nordic&lang=nb").summary
    assert "Norge: 73,5 i 2010 til 85,0 i 2015" in trend and "Høyest: 100,0 (Sverige i 2015)." in trend
    assert "Lavest: 0,0 (Danmark i 2013)." in trend and trend.endswith("Ingen verdier rapportert: Finland.")
    programmes = chart(connection, catalog, "timeline", "page=programmes&countries=NOR,DNK,CHE,CAN&lang=nb").summary
    assert programmes.startswith("8 programmer for heroinassistert behandling i 4 land, 7 av dem har behandlet "
                                 "pasienter, i 4 land."), programmes
    assert ("Etter gruppe: 2 prøveprosjekter, 2 ordinære tilbud, 3 avsluttede og 1 planlagt, aldri satt i gang."
            in programmes)
    assert "Tidligste start: 1985, Swiss regular treatment (Sveits)." in programmes


def test_the_programme_timeline_labels_legend_and_hover_in_norwegian(connection, catalog):
    view = chart(connection, catalog, "timeline", "page=programmes&countries=NOR,DNK,CHE,CAN&lang=nb")
    names = {t.name for t in view.figure.data if t.showlegend is not False}
    assert names == {"Prøveprosjekt", "Ordinær behandling", "Avsluttet", "Pågår (til 2026)", "Startår ukjent"}, names
    assert [item["label"] for item in view.figure.layout.meta["screen_key"]] == [
        "Prøveprosjekt", "Ordinær behandling", "Avsluttet", "Pågår (til 2026)", "Startår ukjent"]
    hover = " ".join(text for t in view.figure.data if t.hovertext for text in t.hovertext)
    assert "År: siden 2022<br>Status: pågår (per 2024)<br>Gruppe: Prøveprosjekt" in hover, hover
    assert f"Pasienter: 1{NBSP}700 (i behandling; 2024)" in hover  # the register's words in Norwegian (*_no)
    assert "Pågår: søylen er tegnet til 2026" in hover and "startår ikke fastslått; markør ved 2014" in hover
    assert "<b>◀ fra 1985</b>" in [a.text for a in view.figure.layout.annotations]
    assert "Aksen starter i 1990; tidligere oppstart er merket «◀ fra <år>»." in view.footnote
    english = chart(connection, catalog, "timeline", "page=programmes&countries=NOR,DNK,CHE,CAN")
    assert {t.name for t in english.figure.data if t.showlegend is not False} == {
        "Pilot", "Regular treatment", "Ended", "Ongoing (to 2026)", "Start year unknown"}


def test_the_programme_table_and_the_comparability_notes_in_norwegian(connection, catalog):
    with i18n.language("nb"):
        programmes = db.run_query(connection, "programmes", countries=["NOR", "DNK"])
        table = tables.programme_table(programmes).set_index("Program")
        data = db.run_query(connection, "indicator_trend", indicator="drd_deaths_per_million_15_64",
                            countries=["NOR", "SWE", "DNK"], year_from=2010, year_to=2015, sex="total",
                            age_group="total", index_base=None, log_scale=False)
        notes = comparability.comparability(data, unit="deaths per million aged 15-64", topic="Drug-induced deaths")
        definitions = tables.definitions_table(catalog)
        kinds = set(notes.table()["what"])
    assert table.loc["Danish regular treatment", "Vist som"] == "Ordinær behandling"
    assert table.loc["Danish regular treatment", "År"] == "siden 2010"
    assert table.loc["Norwegian trial", "Status"] == "avsluttet"
    assert notes.brief.startswith("Før du sammenligner: ")
    assert notes.brief.endswith("merknader om disse verdiene, for Danmark."), notes.brief
    said = " ".join(note.text for note in notes.notes)
    assert "Hvert land rapporterer narkotikautløste dødsfall etter sin egen definisjon" in said
    assert f"Danmark (0 dødsfall i 2013: 95{NBSP}% konfidensintervall 0,0–1,0)" in said, said
    assert kinds >= {"definisjoner", "små tall"}, kinds
    assert set(definitions["Type tall"]) <= {"rapportert", "beregnet", "modellert", "nasjonalt", "dødsårsak"}
    assert all("–" in years for years in definitions["År"])
    assert comparability.comparability(data, unit="deaths per million aged 15-64").brief.startswith(
        "Before comparing: ")


def test_the_animated_maps_buttons_and_slider_in_norwegian(connection, catalog):
    view = chart(connection, catalog, "map", "page=map&preset=nordic&animate=1&from=2013&lang=nb")
    buttons = [button.label for button in view.figure.layout.updatemenus[0].buttons]
    assert buttons == ["▶ Spill av", "❚❚ Pause", "■ Stopp"]
    assert view.figure.layout.sliders[0].currentvalue.prefix == "År: "
    assert view.screen_title.endswith("2013–2015, år for år")


@pytest.mark.parametrize(("kind", "link"), [
    ("map", "page=map&preset=nordic"), ("ranking", "page=map&countries=NOR,SWE,DNK,FIN,CHE"),
    ("trend", "page=trends&countries=NOR,SWE,DNK,FIN,CHE&scale=log"),
    ("trend", "page=trends&preset=nordic&index=first"),
    ("timeline", "page=programmes&countries=NOR,DNK,CHE,CAN"),
])
def test_no_english_of_the_catalog_is_left_in_a_norwegian_chart(connection, catalog, kind, link):
    english, norwegian = catalog_fragments()
    text = shown_text(chart(connection, catalog, kind, link + "&lang=nb"))
    left = {fragment: message for fragment, message in english.items() if fragment in text}
    assert not left, left
    back = shown_text(chart(connection, catalog, kind, link))
    assert not {fragment for fragment in norwegian if fragment in back}


def test_the_map_shapes_error_is_in_the_readers_language(tmp_path):
    missing = SimpleNamespace(data_dir=tmp_path)
    with i18n.language("nb"), pytest.raises(db.DataUnavailable) as error:
        basemap.load_geojson(missing)
    assert str(error.value).startswith(f"{basemap.FILE_NAME}: kartformene kan ikke leses (filen mangler).")
    (tmp_path / basemap.FILE_NAME).write_text("[]", encoding="utf-8")
    with i18n.language("nb"), pytest.raises(db.DataUnavailable) as error:
        basemap.load_geojson(missing)
    assert "ikke en GeoJSON FeatureCollection med objekter" in str(error.value)
    with pytest.raises(db.DataUnavailable) as error:
        basemap.load_geojson(missing)
    assert "map shapes cannot be read (not a GeoJSON FeatureCollection with features)" in str(error.value)
