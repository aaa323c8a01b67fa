"""Tokens with exact character offsets, plus the layout feature of each token.

Any Hugging Face fast tokenizer works: perfeval runs its engine, a
:class:`tokenizers.Tokenizer` (``tokenizer.json``), with the special tokens named in
``tokenizer_config.json`` (:class:`ModelTokenizer`), so predicting never imports
transformers. The from-scratch default uses a character tokenizer built here:
NFKC-normalised (full-width digits and punctuation fold onto ASCII, offsets still point
into the original text), one token per character, unknown characters become ``[UNK]``.
Whitespace is never a token; the whitespace *before* each token is passed to the network
as a layout id (:data:`GAP_NONE` ... :data:`GAP_PARAGRAPH`), so one-cell-per-line tables
and hard line breaks inside numbers stay visible without shifting offsets.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
from tokenizers.models import WordLevel

GAP_NONE, GAP_SPACE, GAP_NEWLINE, GAP_PARAGRAPH = 0, 1, 2, 3
NUM_GAPS = 4

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SPECIAL_ROLES = ("pad_token", "unk_token", "cls_token", "sep_token", "mask_token")  # in SPECIAL_TOKENS' order
TOKENIZER_FILE = "tokenizer.json"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a Python str may hold them; no tokenizer takes them
ALWAYS_IN_VOCAB = (
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "〇零一二三四五六七八九十百千万亿两余多近约"
    "元角分次件人个项名条篇家场期份宗批所户座套台辆天率"
    "≥≤。、《》“”‘’…—·"
)


@dataclass
class Encoded:
    """One text as tokens, one array item per token: ``ids``, ``starts`` and ``ends`` (offsets
    into the original text) and ``gaps``, the layout id of the whitespace between token
    ``i - 1`` and token ``i`` (:data:`GAP_NONE` ... :data:`GAP_PARAGRAPH`)."""

    ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    gaps: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def _char_pipeline() -> tuple[normalizers.Normalizer, pre_tokenizers.PreTokenizer]:
    pre = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r"\s+"), behavior="removed"),
            pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated"),
        ]
    )
    return normalizers.NFKC(), pre


@dataclass
class ModelTokenizer:
    """A fast tokenizer's engine and its special tokens by role (``{"cls_token": "[CLS]", ...}``).

    Saved as the two files Hugging Face reads (``AutoTokenizer.from_pretrained(dir)`` loads
    them back as a ``PreTrainedTokenizerFast``).
    """

    backend: Tokenizer
    special: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.backend.no_truncation()
        self.backend.no_padding()

    def __len__(self) -> int:
        return self.backend.get_vocab_size()

    def _id(self, role: str) -> int | None:
        token = self.special.get(role)
        return None if token is None else self.backend.token_to_id(token)

    @property
    def pad_token_id(self) -> int | None:
        return self._id("pad_token")

    @property
    def unk_token_id(self) -> int | None:
        return self._id("unk_token")

    @property
    def cls_token_id(self) -> int | None:
        return self._id("cls_token")

    @property
    def sep_token_id(self) -> int | None:
        return self._id("sep_token")

    @classmethod
    def from_hf(cls, tokenizer: Any) -> "ModelTokenizer":
        """From a transformers fast tokenizer (``AutoTokenizer.from_pretrained(...)``)."""
        special = {role: getattr(tokenizer, role) for role in SPECIAL_ROLES if getattr(tokenizer, role, None) is not None}
        return cls(tokenizer.backend_tokenizer, {role: str(token) for role, token in special.items()})

    @classmethod
    def from_dir(cls, path: Path) -> "ModelTokenizer":
        """Read ``tokenizer.json`` and the special tokens of ``tokenizer_config.json`` (if any).

        Unreadable files raise what :mod:`tokenizers` or :mod:`json` raise.
        """
        backend = Tokenizer.from_file(str(path / TOKENIZER_FILE))
        special: dict[str, str] = {}
        config_file = path / TOKENIZER_CONFIG_FILE
        if config_file.is_file():
            settings = json.loads(config_file.read_text(encoding="utf-8"))
            for role in SPECIAL_ROLES:
                token = settings.get(role)
                token = token.get("content") if isinstance(token, dict) else token  # older transformers wrote AddedToken dicts
                if isinstance(token, str):
                    special[role] = token
        return cls(backend, special)

    def save(self, path: Path) -> None:
        self.backend.save(str(path / TOKENIZER_FILE))
        settings = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 1_000_000_000, **self.special}
        (path / TOKENIZER_CONFIG_FILE).write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def build_char_tokenizer(texts: Iterable[str], min_freq: int = 2) -> ModelTokenizer:
    """A character-level fast tokenizer whose vocab holds the NFKC characters of ``texts``
    seen at least ``min_freq`` times, plus digits, ASCII and common units and numerals."""
    normalizer, _ = _char_pipeline()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(normalizer.normalize_str(text))
    chars = {c for c, n in counts.items() if n >= min_freq and not c.isspace()}
    chars.update(normalizer.normalize_str(ALWAYS_IN_VOCAB))
    vocab = {tok: i for i, tok in enumerate(SPECIAL_TOKENS)}
    for char in sorted(chars):
        vocab.setdefault(char, len(vocab))
    backend = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    backend.normalizer, backend.pre_tokenizer = _char_pipeline()
    backend.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])]
    )
    return ModelTokenizer(backend, dict(zip(SPECIAL_ROLES, SPECIAL_TOKENS)))


def encode(tokenizer: ModelTokenizer, text: str, begin: int = 0, stop: int | None = None) -> Encoded:
    """Tokenise ``text[begin:stop]`` (default: all of it; no special tokens, no truncation),
    with offsets into ``text``.

    A lone surrogate (text decoded with ``errors="surrogateescape"``, or cut from a UTF-16
    source) is read as U+FFFD, one code point for one, so offsets still index ``text``.
    """
    stop = len(text) if stop is None else stop
    enc = tokenizer.backend.encode(LONE_SURROGATE.sub("\ufffd", text[begin:stop]), add_special_tokens=False)
    ids = np.array(enc.ids, dtype=np.int64)
    offsets = np.array(enc.offsets, dtype=np.int64).reshape(-1, 2) + begin
    starts, ends = offsets[:, 0], offsets[:, 1]
    origin = begin  # the whitespace before the first token counts
    while origin > 0 and text[origin - 1].isspace():
        origin -= 1
    view = text[origin:stop]
    codes = np.frombuffer(view.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    space = _IS_SPACE[np.minimum(codes, len(_IS_SPACE) - 1)]
    # byte-level BPE tokenizers may fold a leading space into the token
    for i in np.flatnonzero((starts < ends) & space[np.minimum(starts, stop - 1) - origin] if len(view) else starts < 0):
        while starts[i] < ends[i] and text[starts[i]].isspace():
            starts[i] += 1
    kept = starts < ends
    ids, starts, ends = ids[kept], starts[kept], ends[kept]
    previous_end = np.maximum.accumulate(np.r_[origin, ends[:-1]]) if len(ends) else ends
    newlines = np.r_[0, np.cumsum(codes == 10)]
    between = newlines[starts - origin] - newlines[np.minimum(previous_end, starts) - origin]
    gaps = np.where(between >= 2, GAP_PARAGRAPH, np.where(between == 1, GAP_NEWLINE,
                    np.where(starts > previous_end, GAP_SPACE, GAP_NONE))).astype(np.int64)
    return Encoded(ids, starts, ends, gaps)


_IS_SPACE = np.array([chr(c).isspace() for c in range(0x3001)] + [False])  # U+3000 is the last space character
