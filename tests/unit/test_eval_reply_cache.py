"""Greedy replies are generated once per prompt and kept on disk."""

from oci_desktop.engine.cancel import CancelToken
from oci_desktop.engine.llm.backend import Sampling
from oci_desktop.engine.llm.scripted import ScriptedBackend
from oci_desktop.evaluation.reply_cache import CachingBackend

ASK = [{"role": "user", "content": "add two numbers"}]


def _text(backend, messages=ASK, sampling=None, cancel=None):
    return "".join(c.text for c in backend.stream(messages, sampling or Sampling(), cancel))


def test_the_same_greedy_prompt_is_answered_from_disk(tmp_path):
    model = ScriptedBackend(["first reply", "second reply"])
    cache = CachingBackend(model, tmp_path / "replies.jsonl", "m")
    assert _text(cache) == "first reply"
    assert _text(cache) == "first reply" and cache.hits == 1 and len(model.requests) == 1
    again = CachingBackend(ScriptedBackend([]), tmp_path / "replies.jsonl", "m")  # a later run
    assert _text(again) == "first reply"
    other_model = CachingBackend(ScriptedBackend(["theirs"]), tmp_path / "replies.jsonl", "other")
    assert _text(other_model) == "theirs"


def test_sampled_and_cancelled_replies_are_not_kept(tmp_path):
    model = ScriptedBackend(["a", "b", "c" * 100, "d"], chunk_chars=1)
    cache = CachingBackend(model, tmp_path / "replies.jsonl", "m")
    assert _text(cache, sampling=Sampling(temperature=0.7)) == "a"
    assert _text(cache, sampling=Sampling(temperature=0.7)) == "b"
    cancel = CancelToken()
    stream = cache.stream(ASK, Sampling(), cancel)
    next(stream)
    cancel.cancel()
    list(stream)
    assert _text(cache) == "d"


def test_a_line_cut_short_by_a_crash_is_skipped(tmp_path):
    path = tmp_path / "replies.jsonl"
    CachingBackend(ScriptedBackend(["kept"]), path, "m").stream(ASK, Sampling()).__next__()
    cache = CachingBackend(ScriptedBackend(["kept"]), path, "m")
    _text(cache)
    with open(path, "a") as handle:
        handle.write('{"key": "abc", "rep')
    assert _text(CachingBackend(ScriptedBackend([]), path, "m")) == "kept"
