"""Tokens with exact character offsets, plus the layout feature of each token.

Any Hugging Face fast tokenizer works (``return_offsets_mapping``). The from-scratch
default uses a character tokenizer built here: NFKC-normalised (full-width digits and
punctuation fold onto ASCII, offsets still point into the original text), one token
per character, unknown characters become ``[UNK]``. Whitespace is never a token; the
whitespace *before* each token is passed to the network as a layout id
(:data:`GAP_NONE` ... :data:`GAP_PARAGRAPH`), so one-cell-per-line tables and hard
line breaks inside numbers stay visible without shifting offsets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
from tokenizers.models import WordLevel
from transformers import PreTrainedTokenizerBase, PreTrainedTokenizerFast

GAP_NONE, GAP_SPACE, GAP_NEWLINE, GAP_PARAGRAPH = 0, 1, 2, 3
NUM_GAPS = 4

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
ALWAYS_IN_VOCAB = (
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "〇零一二三四五六七八九十百千万亿两余多近约"
    "元角分次件人个项名条篇家场期份宗批所户座套台辆天率"
    "≥≤。、《》“”‘’…—·"
)


@dataclass
class Encoded:
    """One text as tokens: ``ids``, ``offsets`` and ``gaps`` all have one item per token.

    ``offsets[i] = (start, end)`` indexes the original text; ``gaps[i]`` is the layout id
    of the whitespace between token ``i - 1`` and token ``i``.
    """

    ids: list[int]
    offsets: list[tuple[int, int]]
    gaps: list[int]

    def __len__(self) -> int:
        return len(self.ids)


def gap_id(whitespace: str) -> int:
    """Layout id of the (whitespace) text between two tokens."""
    newlines = whitespace.count("\n")
    if newlines >= 2:
        return GAP_PARAGRAPH
    if newlines == 1:
        return GAP_NEWLINE
    return GAP_SPACE if whitespace else GAP_NONE


def _char_pipeline() -> tuple[normalizers.Normalizer, pre_tokenizers.PreTokenizer]:
    pre = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r"\s+"), behavior="removed"),
            pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated"),
        ]
    )
    return normalizers.NFKC(), pre


def build_char_tokenizer(texts: Iterable[str], min_freq: int = 2) -> PreTrainedTokenizerFast:
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
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=1_000_000_000,
    )


def encode(tokenizer: PreTrainedTokenizerBase, text: str) -> Encoded:
    """Tokenise the whole of ``text`` (no special tokens, no truncation)."""
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False)
    ids: list[int] = []
    offsets: list[tuple[int, int]] = []
    gaps: list[int] = []
    previous_end = 0
    for token_id, (start, end) in zip(enc["input_ids"], enc["offset_mapping"]):
        # byte-level BPE tokenizers may fold a leading space into the token
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            continue
        ids.append(token_id)
        offsets.append((start, end))
        gaps.append(gap_id(text[previous_end:start]) if start > previous_end else GAP_NONE)
        previous_end = max(previous_end, end)
    return Encoded(ids, offsets, gaps)
