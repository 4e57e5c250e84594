"""What a check says: the reason in full with every source, and in a sentence or two, in the reader's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashboard import i18n
from dashboard.claim_check.series import COUNTS, DEFAULT_COUNTS, candidate_order, format_number, unit_text
from dashboard.i18n import tr

if TYPE_CHECKING:
    from dashboard.claim_check.numbers import Candidate, Claim


def _pct(value: float, decimals: int = 1) -> str:
    """'2.3%' / '2,3 %': how far apart, without a sign (the words say above or below)."""
    return i18n.percent(abs(value), decimals)


def _side(difference: float) -> str:
    return tr("above") if difference > 0 else tr("below")


def _about(candidate: Candidate) -> str:
    notes = []
    if candidate.series.startswith("ihme"):
        notes.append(tr("a statistical model, not a count of registered deaths"))
    if "age-standardised" in candidate.unit:
        notes.append(tr("age-standardised"))
    if candidate.series.startswith("national"):
        notes.append(tr("as published by the national authority, with its own definition"))
    if candidate.series.startswith("eurostat"):
        notes.append(tr("underlying cause coded as drug dependence, which leaves out most overdoses"))
    return f" ({'; '.join(notes)})" if notes else ""


def _held(candidate: Candidate) -> str:
    """'the EMCDDA-method rate ... for Norway in 2015, 81.3 deaths per million aged 15-64 (...)'."""
    return tr("{label}{about} for {place} in {year}: {value}; source: {source}", label=candidate.label,
              about=_about(candidate), place=candidate.place, year=candidate.year, value=candidate.shown(),
              source=candidate.source.rstrip("."))


def _figure(candidate: Candidate, with_unit: bool = False) -> str:
    """'Label: 81.3' (with_unit: 'Label: 81.3 deaths per million aged 15-64')."""
    value = format_number(candidate.value, candidate.unit)
    return f"{candidate.label}: {value}" + (f" {unit_text(candidate.unit)}" if with_unit else "")


def _nearest(claim: Claim, nearby: list[Candidate]) -> str:
    return tr("Nearest years: {years}.", years="; ".join(
        f"{c.label}, {c.year}: {format_number(c.value_in_claim_unit, claim.unit)} {claim.unit_label}"
        for c in nearby))


def _relation(claim: Claim, matched: Candidate) -> str:
    """What the matched figure is, beside what the claim says it is."""
    if matched.relation == "different_denominator":
        return tr("a rate of {unit}, not {claimed}", unit=unit_text(matched.unit), claimed=claim.unit_label)
    if matched.relation == "different_unit":
        return tr("{unit}, not {claimed}", unit=unit_text(matched.unit), claimed=claim.unit_label)
    if matched.relation == "different_definition":
        return tr("{label}, not {claimed}", label=matched.label.lower(), claimed=tr(COUNTS[claim.counts]))
    return tr("the figure of {place}, a part of {country} only", place=matched.place, country=claim.country)


def explain(claim: Claim, verdict: str, matched: Candidate | None, same: list[Candidate],
            this_year: list[Candidate], other_years: list[Candidate], every: list[Candidate]) -> str:
    value = claim.value_shown
    lines = []
    if verdict == "matches":
        lines.append(tr("{value} {unit} matches {held}.", value=value, unit=claim.unit_label, held=_held(matched)))
        others = [c for c in same if c is not matched and c.agreement != "matches"]
        if others:
            lines.append(tr("Other series of the same unit say otherwise: {figures}.",
                            figures="; ".join(_figure(c) for c in others[:3])))
    elif verdict == "not_comparable":
        relation = _relation(claim, matched)
        if matched.agreement == "matches":
            lines.append(tr("{value} is {relation}: it matches {held}.", value=value, relation=relation,
                            held=_held(matched)))
        else:
            lines.append(tr("{value} fits no series of {unit} but comes within 5% of {held} ({distance} {side}): "
                            "most likely {relation}.", value=value, unit=claim.unit_label, held=_held(matched),
                            distance=_pct(matched.difference_pct), side=_side(matched.difference_pct),
                            relation=relation))
        lines.append(_as_claimed(claim, same))
    elif verdict == "close":
        lines.append(tr("{value} is within 5% of, but not equal at its rounding to, {held}: {distance} {side}.",
                        value=value, held=_held(matched), distance=_pct(matched.difference_pct),
                        side=_side(matched.difference_pct)))
    elif verdict == "contradicts":
        lines.append(tr("{value} {unit} does not fit the series we hold for {country} in {year}: {held}; the claim "
                        "is {distance} {side} it.", value=value, unit=claim.unit_label, country=claim.country,
                        year=claim.year, held=_held(matched), distance=_pct(matched.difference_pct, 0),
                        side=_side(matched.difference_pct)))
        others = [c for c in same if c is not matched]
        if others:
            lines.append(tr("Other series of that unit: {figures}.",
                            figures="; ".join(_figure(c, with_unit=True) for c in others[:3])))
    else:
        missing = sorted({c.label for c in this_year if c.relation == "same" and c.value is None})
        reported = (" (" + tr("{series} is reported as missing", series=", ".join(missing)) + ")") if missing else ""
        lines.append(tr("We hold no value in {unit} for {country} in {year}{reported}; a missing year is never "
                        "read as zero.", unit=claim.unit_label, country=claim.country, year=claim.year,
                        reported=reported))
        nearby = nearest_years(claim, every)
        if nearby:
            lines.append(_nearest(claim, nearby))
        elsewhere = [c for c in this_year if c.value is not None][:3]
        if elsewhere:
            lines.append(tr("For {year} we hold other measures: {figures}.", year=claim.year, figures="; ".join(
                f"{c.label} ({c.place}): {format_number(c.value, c.unit)} {unit_text(c.unit)}" for c in elsewhere)))
    hints = _year_hints(verdict, matched, other_years)
    if hints:
        lines.append(tr("The claim may quote another year: {value} {hints}.", value=value,
                        hints="; ".join(_year_hint(hit) for hit in hints)))
    if matched is not None and matched.flags:
        lines.append(tr("Flags on that value: {flags}.", flags=", ".join(matched.flags)))
    if claim.unit in ("per_million", "per_100k") and any(c.series == "emcdda_rate_15_64" for c in this_year):
        lines.append(tr("The EMCDDA publishes its rate per million aged 15-64; press reports often call it 'per "
                        "million inhabitants'."))
    return " ".join(lines)


def _year_hint(hit: Candidate) -> str:
    """'is the 2015 value of ... for Norway (85.0 deaths per million aged 15-64)'."""
    if hit.agreement == "matches":
        return tr("is the {year} value of {label} for {place} ({figure})", year=hit.year, label=hit.label,
                  place=hit.place, figure=_figure_of(hit))
    return tr("is within {distance} of the {year} value of {label} for {place} ({figure})",
              distance=_pct(hit.difference_pct), year=hit.year, label=hit.label, place=hit.place,
              figure=_figure_of(hit))


def _figure_of(candidate: Candidate) -> str:
    """'81.3 deaths per million aged 15-64': a value in its own unit."""
    return f"{format_number(candidate.value, candidate.unit)} {unit_text(candidate.unit)}"


def summarise(claim: Claim, verdict: str, matched: Candidate | None, same: list[Candidate],
              other_years: list[Candidate], nearest: list[Candidate]) -> str:
    """The reason in a sentence or two: what the number is, or is not, and the figure as claimed."""
    value = claim.value_shown
    if matched is None:
        text = tr("We hold no figure in {unit} for {country} in {year}.", unit=claim.unit_label,
                  country=claim.country, year=claim.year)
    else:
        held = tr("{label} for {place} in {year}: {value}", label=matched.label, place=matched.place,
                  year=matched.year, value=matched.shown())
        side = "" if matched.difference_pct is None else tr(
            "{distance} {side}", distance=_pct(matched.difference_pct), side=_side(matched.difference_pct))
        if verdict == "matches":
            text = tr("{value} matches {held}.", value=value, held=held)
        elif verdict == "close":
            text = tr("{value} is {distance} {held}, not equal at its rounding.", value=value, distance=side,
                      held=held)
        elif verdict == "contradicts":
            text = tr("{value} does not fit {held} ({distance}).", value=value, held=held, distance=side)
        else:
            kind = {"different_denominator": tr("another denominator"), "different_unit": tr("another unit"),
                    "different_definition": tr("another definition"),
                    "part_of_country": tr("a part of the country")}[matched.relation]
            text = (tr("{value} is a figure of {kind}: {held}.", value=value, kind=kind, held=held)
                    if matched.agreement == "matches" else
                    tr("{value} is near a figure of {kind}: {held}.", value=value, kind=kind, held=held))
            text += " " + _as_claimed(claim, same)
    hints = _year_hints(verdict, matched, other_years)
    if hints:
        hit = hints[0]
        place = "" if hit.iso3 == claim.iso3 else " " + tr("for {place}", place=hit.place)
        text += " " + (tr("It is the {year} value of {label}{place} ({figure}).", year=hit.year, label=hit.label,
                          place=place, figure=_figure_of(hit)) if hit.agreement == "matches" else
                       tr("It is near the {year} value of {label}{place} ({figure}).", year=hit.year,
                          label=hit.label, place=place, figure=_figure_of(hit)))
    elif verdict == "no_data" and nearest:
        text += " " + _nearest(claim, nearest[:2])
    return text


def _year_hints(verdict: str, matched: Candidate | None, other_years: list[Candidate]) -> list[Candidate]:
    """Other years worth naming: any that fit when nothing fits this year, else only exact fits when this
    year's best is not exact (an exact match this year makes another year's a coincidence)."""
    if verdict in ("contradicts", "no_data"):
        picked = other_years
    elif matched is not None and matched.agreement != "matches":
        picked = [c for c in other_years if c.agreement == "matches"]
    else:
        picked = []
    hints: list[Candidate] = []
    for hit in picked:
        if len(hints) < 2 and all(hit.year != shown.year for shown in hints):
            hints.append(hit)
    return hints


def _as_claimed(claim: Claim, same: list[Candidate]) -> str:
    """What the series of the claim's own unit say: 'As deaths per million inhabitants, Norway had 55.6 (...)'."""
    if not same:
        return tr("We hold no figure in {unit} for {country} in {year}.", unit=claim.unit_label,
                  country=claim.country, year=claim.year)
    counted = "" if claim.counts == DEFAULT_COUNTS else f" ({tr(COUNTS[claim.counts])})"
    return tr("As {unit}{counted}, {country} had {figures} in {year}.", unit=claim.unit_label, counted=counted,
              country=claim.country, year=claim.year, figures="; ".join(
                  f"{format_number(c.value_in_claim_unit, claim.unit)} ({c.label})" for c in same[:3]))


def nearest_years(claim: Claim, every: list[Candidate]) -> list[Candidate]:
    """For each series of the claim's unit, the year with a value nearest to the claim's year."""
    best: dict[str, Candidate] = {}
    for candidate in every:
        if candidate.relation != "same" or candidate.value is None:
            continue
        held = best.get(candidate.series)
        if held is None or abs(candidate.year - claim.year) < abs(held.year - claim.year):
            best[candidate.series] = candidate
    return sorted(best.values(), key=candidate_order)[:3]
