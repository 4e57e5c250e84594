"""The shared-deployment settings in .streamlit/config.toml: present, spelled right, effective and documented.

README.md must document every setting of the file in its '## Server settings' section (by key name, e.g.
'enableXsrfProtection'); [theme] keys are presentation, not server behaviour, and are not required there.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

import pytest
from streamlit import config as st_config

from dashboard import settings

CONFIG = settings.REPO_ROOT / ".streamlit" / "config.toml"
README = settings.REPO_ROOT / "README.md"
SECTION = "## Server settings"
NOT_SERVER_SECTIONS = {"theme"}
MAX_UPLOAD_MB = 5


def _settings() -> dict[str, dict]:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def _options() -> list[str]:
    """'section.key' for every setting in config.toml (nested tables such as [theme.sidebar] flattened)."""
    found = []

    def walk(prefix: str, table: dict) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            else:
                found.append(f"{prefix}{key}")

    walk("", _settings())
    return found


def test_xsrf_protection_is_on():
    assert _settings()["server"]["enableXsrfProtection"] is True


def test_cors_protection_is_not_turned_off():
    # enableCORS = false would send 'Access-Control-Allow-Origin: *' and accept WebSockets from any origin
    assert _settings()["server"].get("enableCORS", True) is True


def test_usage_statistics_are_not_sent():
    assert _settings()["browser"]["gatherUsageStats"] is False


def test_users_never_see_error_details():
    assert _settings()["client"]["showErrorDetails"] == "none"


def test_static_serving_is_on_for_the_offline_map():
    assert _settings()["server"]["enableStaticServing"] is True
    assert (settings.STATIC_DIR / "topojson").is_dir(), "static/topojson is what the static server publishes"


def test_no_full_garbage_collection_or_source_watching_on_every_rerun():
    # Under load both cost most of the server's CPU (docs/performance.md, many users at once).
    assert _settings()["runner"]["postScriptGC"] is False
    assert _settings()["server"]["fileWatcherType"] == "none"


def test_upload_size_is_small():
    upload = _settings()["server"]["maxUploadSize"]
    assert isinstance(upload, int) and 0 < upload <= MAX_UPLOAD_MB


def test_no_remote_control_or_development_mode():
    server = _settings()["server"]
    assert server.get("enableAgentApi", False) is False, "the agent API lets non-browser clients drive the app"
    assert _settings().get("global", {}).get("developmentMode", False) is False
    assert server.get("runOnSave", False) is False


@pytest.mark.parametrize("option", _options())
def test_every_setting_is_a_streamlit_option(option):
    """A misspelt key (e.g. enableXSRFProtection) is silently ignored by Streamlit; catch it here."""
    assert option in st_config._config_options_template, f"{option} is not a Streamlit {st_config.__name__} option"


def _effective_config() -> dict[str, str]:
    """`streamlit config show` run in the project folder: what Streamlit really uses, as {'section.key': value}."""
    shown = subprocess.run([sys.executable, "-m", "streamlit", "config", "show"], cwd=settings.REPO_ROOT,
                           capture_output=True, text=True, timeout=120, check=True,
                           env={"PATH": "/usr/bin:/bin", "HOME": str(settings.REPO_ROOT / ".no-home")}).stdout
    values, section = {}, ""
    for line in shown.splitlines():
        if header := re.fullmatch(r"\[([\w.]+)\]", line.strip()):
            section = header.group(1)
        elif item := re.fullmatch(r"(\w+) = (.*)", line.strip()):
            values[f"{section}.{item.group(1)}"] = item.group(2)
    return values


def _effective_hidden_option(option: str) -> object:
    """What Streamlit uses for an option that `config show` leaves out (hidden ones, e.g. runner.postScriptGC)."""
    code = ("import json; from streamlit import config; config.get_config_options(); "
            f"print(json.dumps(config.get_option({option!r})))")
    shown = subprocess.run([sys.executable, "-c", code], cwd=settings.REPO_ROOT, capture_output=True, text=True,
                           timeout=120, check=True,
                           env={"PATH": "/usr/bin:/bin", "HOME": str(settings.REPO_ROOT / ".no-home")}).stdout
    return json.loads(shown)


def test_streamlit_reads_the_settings_from_the_project_folder():
    effective = _effective_config()
    for option in _options():
        section, key = option.split(".", 1)
        if "." in key:  # nested tables ([theme.sidebar]) are printed differently; not server settings
            continue
        if st_config._config_options_template[option].visibility == "hidden":
            assert _effective_hidden_option(option) == _settings()[section][key], option
            continue
        assert option in effective, f"streamlit config show does not list {option}"
        assert tomllib.loads(f"v = {effective[option]}")["v"] == _settings()[section][key], option


def _readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.find(f"\n{SECTION}\n")
    assert start >= 0, f"README.md has no '{SECTION}' section"
    rest = text[start + len(SECTION) + 2:]
    end = re.search(r"^## ", rest, re.MULTILINE)
    return rest[: end.start()] if end else rest


@pytest.mark.parametrize("option", [o for o in _options() if o.split(".")[0] not in NOT_SERVER_SECTIONS])
def test_readme_documents_every_setting(option):
    key = option.rsplit(".", 1)[1]
    assert key in _readme_section(), f"README '{SECTION}' does not mention {key} ({option} in .streamlit/config.toml)"
