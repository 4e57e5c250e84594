"""The reader's language: English or Norwegian bokmål, for every string, number and date a user reads.

Strings go through gettext catalogs (Babel; dashboard/locale/, extracted from the code, see README "Translations"):

    tr("Unknown page {name}.", name=value)           # a sentence now, fields filled after translation
    ntr("{n} country", "{n} countries", count)       # plural forms ({n} is the count)
    N_("Map")                                        # marked for the catalog, translated where it is shown

Numbers and dates take the separators, minus sign and month names of the language from Babel's CLDR data:
"1 234,5", "−3,2", "22 %", "6. januar 2016" in Norwegian; "1,234.5", "-3.2", "22%", "6 January 2016" in English.

The language is per script run (a contextvars.ContextVar: each Streamlit session runs in its own thread); code that
builds a view for a state enters `language(state.lang)`, and a Streamlit run that has not entered one asks the
resolver the UI registers (the session's choice), so a fragment's rerun speaks the page's language.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from babel.support import NullTranslations, Translations

ENGLISH, NORWEGIAN = "en", "nb"
LANGUAGES = (ENGLISH, NORWEGIAN)
DEFAULT = ENGLISH
# What the language switch and the notices call each language, in its own language.
NAMES = {ENGLISH: "English", NORWEGIAN: "Norsk"}
# The CLDR locale of each language: British English (6 January 2016, programme), Norwegian bokmål.
LOCALES = {ENGLISH: "en_GB", NORWEGIAN: "nb_NO"}
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# Browser languages read as Norwegian: bokmål, and 'no' and nynorsk, whose readers read bokmål too.
_NORWEGIAN_TAGS = re.compile(r"^(nb|no|nn)([-_].*)?$", re.IGNORECASE)

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("dashboard_language", default=None)
_resolver: Callable[[], str | None] | None = None


def set_resolver(resolver: Callable[[], str | None]) -> None:
    """The language of a run that entered none (the UI's: the session's choice)."""
    global _resolver
    _resolver = resolver


def current() -> str:
    """The language strings, numbers and dates are written in now."""
    chosen = _current.get()
    if chosen is None and _resolver is not None:
        chosen = _resolver()
    return chosen if chosen in LANGUAGES else DEFAULT


def set_for_this_run(lang: str) -> None:
    """Write in `lang` from here to the end of the current thread's work (a script run: its own thread), so the
    hundreds of strings a page writes need not ask the session which language it reads (~30 us each)."""
    _current.set(lang if lang in LANGUAGES else DEFAULT)


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Write in `lang` inside the block (an unknown one is English)."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def is_known(lang: object) -> bool:
    return lang in LANGUAGES


def from_browser(tag: str | None) -> str:
    """The language for a browser's navigator.language ('nb-NO', 'no', 'en-GB'...): Norwegian or English."""
    return NORWEGIAN if tag and _NORWEGIAN_TAGS.match(tag.strip()) else ENGLISH


@functools.cache
def _translations(lang: str) -> NullTranslations:
    if lang == ENGLISH:  # the code's own strings are the English
        return NullTranslations()
    found = Translations.load(str(LOCALE_DIR), [LOCALES[lang], lang], DOMAIN)
    if not isinstance(found, Translations):
        raise FileNotFoundError(f"No compiled catalog for {lang!r} in {LOCALE_DIR} (run: pybabel compile -d "
                                f"dashboard/locale)")
    return found


def tr(message: str, **fields: object) -> str:
    """The message in the current language, its {fields} filled in after translation."""
    text = _translations(current()).gettext(message)
    return text.format(**fields) if fields else text


def ntr(singular: str, plural: str, n: int, **fields: object) -> str:
    """The singular or plural message for the count n (the language's plural rule), with {n} and the fields."""
    return _translations(current()).ngettext(singular, plural, n).format(n=number(n), **fields)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for a marker)
    """Mark a message for the catalog where it is declared; tr() it where it is shown."""
    return message


# Numbers: Python's formatting, then the language's CLDR symbols for the group separator, decimal and minus.
@functools.cache
def _symbols(lang: str) -> dict[int, str]:
    locale = LOCALES[lang]
    return str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale),
                          "-": get_minus_sign_symbol(locale)})


@functools.cache
def _percent_suffix(lang: str) -> str:
    """What follows the number in a percentage: '%' in English, a no-break space and '%' in Norwegian."""
    pattern = Locale.parse(LOCALES[lang]).percent_formats[None].pattern
    return pattern[pattern.rindex("0") + 1:]


def number(value: float, decimals: int = 0, *, sign: bool = False, grouped: bool = True) -> str:
    """'1,234.5' / '1 234,5' (no-break space), '-3' / '−3'; sign=True writes '+' on positives."""
    spec = f"{'+' if sign else ''}{',' if grouped else ''}.{decimals}f"
    text = format(round(value) if decimals == 0 else value, spec)
    return text.translate(_symbols(current()))


def percent(value: float, decimals: int = 1, *, sign: bool = False) -> str:
    """A percentage given as 22.0 (not 0.22): '22.0%' / '22,0 %'."""
    return number(value, decimals, sign=sign) + _percent_suffix(current())


def date(value: dt.date) -> str:
    """'6 January 2016' / '6. januar 2016'."""
    return format_date(value, "long", locale=LOCALES[current()])


def month(value: dt.date) -> str:
    """'January 2016' / 'januar 2016'."""
    return format_date(value, "LLLL y", locale=LOCALES[current()])


def year_range(first: int | str, last: int | str) -> str:
    """'2016–2022' with an en dash (one year alone when both are the same)."""
    return str(first) if str(first) == str(last) else f"{first}\u2013{last}"


def plotly_separators() -> str:
    """Plotly's layout.separators: the decimal mark, then the group separator."""
    lang = current()
    return get_decimal_symbol(LOCALES[lang]) + get_group_symbol(LOCALES[lang])
