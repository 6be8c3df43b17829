"""A small deterministic embedder for tests (MEMORY_EMBEDDER=tests.memory.embedders.ConceptEmbedder).

Bag of words hashed into a few dimensions, except that words of one concept share a
dimension: "beacon" and "lighthouse" embed alike though they share no letters, so a test can
tell relevance by meaning (embeddings) from relevance by words (overlap, full-text search).
"""

from __future__ import annotations

import re
import zlib

CONCEPTS = {
    "lighthouse": "sea-light",
    "beacon": "sea-light",
    "lantern": "sea-light",
    "bread": "food",
    "baker": "food",
    "loaf": "food",
}
_WORD = re.compile(r"[a-z']+")


class ConceptEmbedder:
    dimensions = 97  # a prime: the hashed words of these tests fall in different dimensions
    calls: list[list[str]] = []  # every embed() call's texts, for tests to count

    def embed(self, texts: list[str]) -> list[list[float]]:
        type(self).calls.append(list(texts))
        return [self._vector(text) for text in texts]

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimensions
        for word in _WORD.findall(text.lower()):
            if len(word) > 3:  # short words are mostly grammar
                key = CONCEPTS.get(word, word)
                vector[zlib.crc32(key.encode()) % self.dimensions] += 1.0
        return vector
