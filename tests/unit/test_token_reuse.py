"""The next prompt keeps the model's own reply tokens, even where tokenizing its text again differs."""

from oci_desktop.engine.llm.token_reuse import TokenReuse

VOCAB = {1: b"<s>", 2: b"<end>", 3: b"hel", 4: b"lo", 5: b"hello", 6: b" ", 7: b"next", 8: b"Q:", 9: b"x"}
IDS = {text: token for token, text in VOCAB.items()}


def tokenize(data: bytes, bos: bool) -> list[int]:
    """Greedy longest match: "hello" is one token here, although a model may sample "hel" + "lo"."""
    out, pos = ([1] if bos else []), 0
    while pos < len(data):
        piece = max((t for t in IDS if data.startswith(t, pos)), key=len)
        out.append(IDS[piece])
        pos += len(piece)
    return out


def reuse() -> TokenReuse:
    return TokenReuse(tokenize, lambda token: VOCAB[token])


def test_the_reply_keeps_the_tokens_the_model_sampled():
    r = reuse()
    first = r.tokens_for("Q: x", cached=[])
    assert first == [1, 8, 6, 9]
    sampled = [3, 4]  # "hel" + "lo": the model's own split of "hello"
    tokens = r.tokens_for("Q: xhello<end>next", cached=first + sampled)
    assert tokens == first + sampled + [2, 7]
    assert tokenize(b"Q: xhello<end>next", True) != tokens  # tokenizing it all again would differ


def test_tokens_past_what_the_prompt_says_are_dropped():
    # The reply was cut by a stop string: the cache holds tokens the prompt no longer has.
    r = reuse()
    first = r.tokens_for("Q:", cached=[])
    tokens = r.tokens_for("Q:hel<end>", cached=first + [3, 4, 6])
    assert tokens == first + [3, 2]


def test_an_unrelated_prompt_is_tokenized_afresh():
    r = reuse()
    first = r.tokens_for("Q: x", cached=[])
    assert r.tokens_for("next", cached=first + [5]) == [1, 7]
    assert r.tokens_for("nexthello", cached=[9]) == [1, 7, 5]  # the cache no longer holds the last prompt
