"""The prompt of round N as tokens, keeping the model's own reply of round N-1 exactly as it was
generated, so that llama.cpp's KV cache holds every token of the new prompt but the new ones.

Tokenizing the reply's text again can split it differently from the tokens the model sampled
("hello" sampled as "hel"+"lo" comes back as "hello"), and the cache is thrown away from the first
difference on: the whole reply and everything after it evaluated again, round after round.
"""

from __future__ import annotations

from typing import Callable

Tokenize = Callable[[bytes, bool], list[int]]
"""(text, add_bos) -> token ids, special tokens parsed."""
Detokenize = Callable[[int], bytes]
"""token id -> its bytes, special tokens written out."""


class TokenReuse:
    """Remembers the last prompt's tokens; builds the next prompt on them and on the reply that followed."""

    def __init__(self, tokenize: Tokenize, detokenize: Detokenize) -> None:
        self._tokenize, self._detokenize = tokenize, detokenize
        self._text: bytes | None = None
        self._tokens: list[int] = []

    def tokens_for(self, prompt: str, cached: list[int]) -> list[int]:
        """The tokens for prompt. cached: what the KV cache holds now (the last prompt as
        tokenized here, then the reply the model generated after it)."""
        data = prompt.encode("utf-8")
        kept, text = self._reusable(data, cached)
        if kept:
            rest = data[len(text):]
            tokens = kept + (self._tokenize(rest, False) if rest else [])
        else:
            tokens = self._tokenize(data, True)
        self._text, self._tokens = data, tokens
        return tokens

    def _reusable(self, data: bytes, cached: list[int]) -> tuple[list[int], bytes]:
        """The longest run of cached tokens whose text begins the new prompt, and that text."""
        if self._text is None or not data.startswith(self._text) or cached[:len(self._tokens)] != self._tokens:
            return [], b""
        kept, text = list(self._tokens), self._text
        for token in cached[len(self._tokens):]:
            piece = self._detokenize(token)
            if not data.startswith(piece, len(text)):
                break
            kept.append(token)
            text += piece
        return kept, text
