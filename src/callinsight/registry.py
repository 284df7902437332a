"""Stage registries: a stage implementation is chosen by name in config, not in code.

``TRANSCRIBERS.register("faster-whisper")(factory)`` adds one; ``TRANSCRIBERS.create(name,
settings)`` builds it. Later stages (speaker separation, extractors, embedders, clusterers)
register the same way, so swapping one is a one-line config change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from callinsight.errors import ConfigError, E

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, stage: str) -> None:
        self.stage = stage
        self._factories: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def add(factory: Callable[..., T]) -> Callable[..., T]:
            self._factories[name] = factory
            return factory

        return add

    def create(self, name: str, *args: object, **kwargs: object) -> T:
        try:
            factory = self._factories[name]
        except KeyError:
            raise ConfigError(
                E.E002, stage=self.stage, name=name, choices=", ".join(self.names())
            ) from None
        return factory(*args, **kwargs)

    def names(self) -> list[str]:
        return sorted(self._factories)


TRANSCRIBERS: Registry = Registry("transcriber")
DIARIZERS: Registry = Registry("diarizer")
EMBEDDERS: Registry = Registry("embedder")
CLUSTERERS: Registry = Registry("clusterer")
