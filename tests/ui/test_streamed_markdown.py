"""A reply streamed in batches looks exactly like the same reply rendered at once, and each batch
renders only the reply's open last block, however long the reply has grown."""

import os
import random

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from oci_desktop.ui.chat import markdown_render  # noqa: E402
from oci_desktop.ui.chat.chat_view import ChatView, MessageBubble  # noqa: E402
from oci_desktop.ui.chat.markdown_render import render_markdown  # noqa: E402
from oci_desktop.ui.chat.rich_text import RichText  # noqa: E402

EDGES = ("Intro, then a table first thing after it:\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n| c |\n|---|\n| 3 |\n\n"
         "---\n\n# Heading\nSetext heading\n===\n\n1. one\n2. two\n\n   more of two\n\n- a\n  - nested\n\n"
         "> a quote\n> more\n\n    indented code\n\n    more of it\n\npara\n#hashtag, not a heading\n\n"
         "```\nplain fence\n```\nSee [the docs](https://docs.python.org/3/) and `code`.\n\n")
SECTION = ("## Step {n}\n\nThe model writes code that the sandbox runs, step {n} of the work, and reads "
           "what came back.\n\n```python\n" + "".join(f"total += {i} * step  # term {i}\n" for i in range(12))
           + "print(total)\n```\n\n- item one of {n}\n- item two\n\n| n | square |\n|---|---|\n| {n} | {sq} |\n\n")
OPEN_FENCE = "Last, a block the model never closed:\n\n```python\nfor i in range(3):\n    print(i)\n"


def reply(sections: int) -> str:
    return EDGES + "".join(SECTION.format(n=n, sq=n * n) for n in range(sections)) + OPEN_FENCE


def full_render(qtbot, text: str) -> RichText:
    widget = RichText(render_markdown(text))
    qtbot.addWidget(widget)
    return widget


def batches(text: str, seed: int) -> list[str]:
    """Cut points as the window's batches fall: anywhere, including inside ``` and its language."""
    rng, cuts, pos = random.Random(seed), [], 0
    while pos < len(text):
        pos = min(len(text), pos + rng.randint(1, 40))
        cuts.append(pos)
    fence = text.index("```python")
    cuts += [fence + 2, fence + 5, text.index("```\n", fence + 3) + 1]  # a fence split across batches
    return [text[:cut] for cut in sorted(set(cuts))]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_streamed_reply_is_the_document_a_full_render_gives(qtbot, seed):
    text = reply(3)
    bubble = MessageBubble("Assistant")
    qtbot.addWidget(bubble)
    for step, prefix in enumerate(batches(text, seed)):
        bubble.set_text(prefix)
        if step % 7 == 0 or prefix == text:  # and at every point in between, not only at the end
            want = full_render(qtbot, prefix)
            assert bubble.body.document().toHtml() == want.document().toHtml(), repr(prefix[-60:])
    bubble.finish()
    want = full_render(qtbot, text)
    assert bubble.body.text() == want.text()
    assert bubble.body.document().toHtml() == want.document().toHtml()
    assert bubble.body.height() == want.height()


def test_each_batch_renders_the_open_block_only(qtbot, monkeypatch):
    seen = []

    def counting(name):
        real = getattr(markdown_render, name)

        def count(text, *args):
            seen[-1] += len(text)
            return real(text, *args)
        return count

    for name in ("render_markdown", "open_block_start"):
        monkeypatch.setattr(markdown_render, name, counting(name))
    text = reply(24)  # about 13,000 characters
    bubble = MessageBubble("Assistant")
    qtbot.addWidget(bubble)
    for prefix in batches(text, 3):
        seen.append(0)
        bubble.set_text(prefix)
    assert len(text) > 12_000 and min(seen) > 0  # every batch went through the counted renderer
    # A batch parses and renders its open block (and the blocks that just closed): a few hundred
    # characters here, where a full render took the whole reply.
    assert max(seen) < len(text) / 10
    quarter = len(seen) // 4
    assert sum(seen[-quarter:]) < 1.5 * sum(seen[:quarter])  # the last quarter costs what the first did


def test_a_reference_defined_below_its_link_resolves_when_the_reply_ends(qtbot):
    text = "See [the docs][d] first.\n\n" + SECTION.format(n=1, sq=1) + "[d]: https://docs.python.org/3/\n"
    bubble = MessageBubble("Assistant")
    qtbot.addWidget(bubble)
    for prefix in batches(text, 4):
        bubble.set_text(prefix)
    bubble.finish()
    assert 'href="https://docs.python.org/3/"' in bubble.body.text()
    assert bubble.body.document().toHtml() == full_render(qtbot, text).document().toHtml()


def test_the_chat_view_streams_and_finishes_with_the_reply_it_is_given(qtbot):
    chat = ChatView()
    qtbot.addWidget(chat)
    text = reply(2)
    sent = 0
    for prefix in batches(text, 5)[::10] + [text]:
        chat.append_tokens(prefix[sent:])
        sent = len(prefix)
        qtbot.waitUntil(lambda p=prefix: chat.bubbles()[-1].text == p)  # the view's own batch timer
    bubble = chat.bubbles()[-1]
    assert not bubble.copy.isHidden()
    final = text.replace(OPEN_FENCE, "Done.\n")  # the round's reply can differ from the tokens seen
    chat.finish_reply(final)
    assert bubble.text == final
    assert bubble.body.document().toHtml() == full_render(qtbot, final).document().toHtml()
