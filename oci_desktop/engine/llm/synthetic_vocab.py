"""A byte-level BPE vocabulary for synthetic models, laid out like DeepSeek-Coder's.

The real vocabulary cannot be shipped or fetched, but prompt speed and time to first token
depend on how many tokens a prompt becomes, so a byte-per-token vocabulary would overstate
them about fourfold. This one is learned from Python's own standard library (code and English
docstrings, as in the prompts the app sends): the frequent words become single tokens, as they
do in DeepSeek-Coder's vocabulary. Ids 32000 and up copy DeepSeek-Coder's special tokens.
"""

from __future__ import annotations

import heapq
import re
import sysconfig
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

# llama.cpp's token types (llama_token_type): normal, control, user-defined.
NORMAL, CONTROL, USER_DEFINED = 1, 3, 4
BOS, EOS, EOT = "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<|EOT|>"
# DeepSeek-Coder's ids 32000-32021 (from its tokenizer; its 32000-32012 are byte symbols that
# this vocabulary already has among its first 256); the rest up to the vocabulary size are pads.
_SPECIALS = [f"[RESERVED{32000 + i}]" for i in range(13)] + [BOS, EOS, "<｜fim▁hole｜>",
             "<｜fim▁begin｜>", "<｜fim▁end｜>", "<pad>", "<|User|>", "<|Assistant|>", EOT]
# llama-cpp-python reads a token's text into a 32-byte buffer: longer tokens would come out empty.
_LONGEST = 16
# The pieces llama.cpp's deepseek-coder pre-tokenizer cuts text into (its \p{L} and \p{P} read as ASCII).
_PIECES = re.compile(r"[\r\n]|\s?[A-Za-z]+|\s?[!-#%-*,-/:;?@\[-\]_{}]+|\d|[^\r\nA-Za-z0-9!-#%-*,-/:;?@\[-\]_{}]+")


def _byte_symbols() -> tuple[list[str], list[int]]:
    """GPT-2's printable stand-in for each byte, and the bytes, in GPT-2's order (as DeepSeek's)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    others = [b for b in range(256) if b not in printable]
    order = printable + others
    return [chr(b if b in printable else 256 + others.index(b)) for b in order], order


def _encode(text: str, table: dict[int, str]) -> str:
    return "".join(table[b] for b in text.encode())


@dataclass(frozen=True)
class Vocabulary:
    """Tokens, their types and BPE merges; eos is <|EOT|> as in OpenCodeInterpreter's DS models."""

    tokens: list[str]
    types: list[int]
    merges: list[str]
    bos_id: int
    eos_id: int
    silent_ids: list[int]
    """Tokens that show no text on their own (control tokens, lone bytes of a multi-byte
    character): a random model must not pick them, or a benchmark would count no text."""


def _corpus_text() -> str:
    """The standard library's top-level modules, ASCII only (a frozen build may have none)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    parts = []
    for path in sorted(stdlib.glob("*.py")):
        try:
            parts.append(path.read_text(encoding="utf-8", errors="ignore"))
        except OSError:
            continue
    return "".join(ch for ch in "\n".join(parts) if ord(ch) < 128)


def _learn_merges(words: Counter, room: int) -> list[tuple[str, str]]:
    """Byte-pair encoding's training: merge the most frequent adjacent pair, `room` times at most.

    Pair counts are updated only in the words that hold the merged pair (a heap with stale
    entries skipped), so 30,000 merges take seconds, not hours.
    """
    seqs = [list(w) for w in words]
    freq = list(words.values())
    pairs: Counter = Counter()
    where: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, seq in enumerate(seqs):
        for pair in zip(seq, seq[1:]):
            pairs[pair] += freq[i]
            where[pair].add(i)
    heap = [(-n, pair) for pair, n in pairs.items()]
    heapq.heapify(heap)
    merges = []
    while heap and len(merges) < room:
        n, pair = heapq.heappop(heap)
        if -n != pairs.get(pair, 0) or -n < 2 or len(pair[0]) + len(pair[1]) > _LONGEST:
            continue  # stale entry, a pair seen once (not worth a token), or too long a token
        merges.append(pair)
        joined = pair[0] + pair[1]
        for i in where.pop(pair, ()):
            seq, f = seqs[i], freq[i]
            for old in zip(seq, seq[1:]):
                pairs[old] -= f
            out, k = [], 0
            while k < len(seq):
                if k + 1 < len(seq) and (seq[k], seq[k + 1]) == pair:
                    out.append(joined)
                    k += 2
                else:
                    out.append(seq[k])
                    k += 1
            seqs[i] = out
            for new in zip(out, out[1:]):
                pairs[new] += f
                where[new].add(i)
                heapq.heappush(heap, (-pairs[new], new))
        pairs.pop(pair, None)
    return merges


def build_vocabulary(size: int) -> Vocabulary:
    """A vocabulary of exactly `size` tokens: bytes, learned tokens, then DeepSeek's specials.

    Below 32022 tokens the specials shrink to BOS, EOS and <|EOT|> (tiny test shapes).
    """
    symbols, order = _byte_symbols()
    table = dict(zip(order, symbols))
    specials = _SPECIALS if size >= 32000 + len(_SPECIALS) else [BOS, EOS, EOT]
    learned_room = (32000 if size >= 32000 + len(_SPECIALS) else size - len(specials)) - 256
    if learned_room < 0:
        raise ValueError(f"A vocabulary needs at least {256 + len(specials)} tokens, not {size}.")
    words = Counter(_encode(piece, table) for piece in _PIECES.findall(_corpus_text()))
    merges = _learn_merges(words, learned_room)
    tokens = list(symbols) + [a + b for a, b in merges]
    while len(tokens) < 256 + learned_room:  # a corpus too small for the room: pad with unused words
        tokens.append(f"[UNUSED{len(tokens)}]")
    first_special = len(tokens)
    tokens += specials
    tokens += [f"[PAD{i}]" for i in range(len(tokens), size)]
    types = [NORMAL] * first_special + [USER_DEFINED] * (size - first_special)
    bos, eos_of_sequence, eot = (tokens.index(s) for s in (BOS, EOS, EOT))
    types[bos] = types[eos_of_sequence] = CONTROL
    silent = [i for i, b in enumerate(order) if b >= 0x80] + [bos, eos_of_sequence, eot]
    return Vocabulary(tokens, types, [f"{a} {b}" for a, b in merges], bos, eot, silent)
