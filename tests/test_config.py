"""Settings: defaults < TOML file < CALLINSIGHT_* environment < explicit overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from callinsight.config import load_settings
from callinsight.errors import ConfigError
from callinsight.transcribe import UNSURE_BELOW_LOGPROB


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("CALLINSIGHT_CONFIG", str(tmp_path / "none.toml"))
    with pytest.raises(ConfigError, match=r"\[E001\].*none.toml"):
        load_settings()
    monkeypatch.delenv("CALLINSIGHT_CONFIG")
    monkeypatch.chdir(tmp_path)  # no callinsight.toml here
    s = load_settings()
    assert s.workspace == Path("callinsight-data")
    assert s.db_url == f"sqlite:///{(tmp_path / 'callinsight-data' / 'callinsight.db')}"
    assert (s.model, s.compute_type, s.vad) == ("tiny.en", "int8", True)
    assert (s.beam_size, s.fallback_beam_size) == (1, 5)  # greedy, beam 5 where greedy fails
    assert s.fallback_below_logprob == UNSURE_BELOW_LOGPROB
    assert (s.channel_roles.left, s.channel_roles.right) == ("rep", "prospect")


def test_toml_then_environment_then_overrides(monkeypatch, tmp_path):
    cfg = tmp_path / "ci.toml"
    cfg.write_text('workspace = "/data/ws"\nmodel = "base"\n[channel_roles]\nleft = "prospect"\n')
    monkeypatch.setenv("CALLINSIGHT_CONFIG", str(cfg))
    s = load_settings()
    assert (s.workspace, s.model, s.channel_roles.left) == (Path("/data/ws"), "base", "prospect")
    monkeypatch.setenv("CALLINSIGHT_MODEL", "/models/whisper-small")
    monkeypatch.setenv("CALLINSIGHT_CHANNEL_ROLES__RIGHT", "rep")
    monkeypatch.setenv("CALLINSIGHT_DATABASE_URL", "postgresql+psycopg://u@db/calls")
    s = load_settings()
    assert s.model == "/models/whisper-small"
    assert (s.channel_roles.left, s.channel_roles.right) == ("prospect", "rep")
    assert s.db_url == "postgresql+psycopg://u@db/calls"
    assert load_settings(model="tiny.en").model == "tiny.en"


def test_broken_toml_and_bad_values_are_clear(monkeypatch, tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("model = \n")
    monkeypatch.setenv("CALLINSIGHT_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match=r"\[E001\] cannot read config file .*bad.toml"):
        load_settings()
    cfg.write_text('[channel_roles]\nleft = "buyer"\n')
    with pytest.raises(ValueError, match=r"channel_roles\.left"):
        load_settings()
