"""The production settings in .streamlit/config.toml stay in place, and Streamlit reads them (issue 12)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit import config as st_config

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def test_production_settings():
    cfg = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"]["enableCORS"] is True
    assert cfg["server"]["enableStaticServing"] is False
    assert cfg["server"]["headless"] is True
    assert cfg["server"]["runOnSave"] is False
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg["client"]["toolbarMode"] == "viewer"
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["theme"]["textColor"] == "#0b0c0c"
    assert "cookieSecret" not in cfg["server"]  # a secret belongs in secrets.toml, never in the repository


def test_every_key_is_a_streamlit_option_with_a_valid_value():
    cfg = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    options = st_config.get_config_options()
    for section, values in cfg.items():
        for key in values:
            assert f"{section}.{key}" in options, f"{section}.{key}"
    assert cfg["client"]["showErrorDetails"] in {o.value for o in st_config.ShowErrorDetailsConfigOptions}
