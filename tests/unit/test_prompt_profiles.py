"""Each model family is asked as its makers evaluate it: the profile comes from the GGUF's own
metadata, and Qwen's native prompt, rendered through the bundled file's own chat template with
its pre-fill, is byte for byte the prompt of Qwen's evaluation (qwencoder-eval/instruct/eval_plus)."""

from dataclasses import replace

from oci_desktop.engine.llm.gguf_info import inspect_gguf
from oci_desktop.engine.llm.library import default_model
from oci_desktop.engine.llm.profiles import (DEEPSEEK_CODER, GENERIC, OPENCODEINTERPRETER, QWEN_CODER,
                                             profile_for, profile_named)
from oci_desktop.engine.llm.prompt_format import format_for

TASK = 'def add(a: int, b: int) -> int:\n    """Add two numbers.\n    >>> add(1, 2)\n    3\n    """\n'
QWEN_EVAL_PROMPT = (  # Qwen's own: qwencoder-eval/instruct/eval_plus/model.py, class ChatML
    "<|im_start|>system\nYou are an intelligent programming assistant to produce Python algorithmic "
    "solutions<|im_end|>\n<|im_start|>user\nCan you complete the following Python function?\n```python\n"
    f"{TASK.strip()}\n```\n<|im_end|>\n<|im_start|>assistant\n```python\n")


def bundled():
    return inspect_gguf(default_model().path)


def test_the_family_comes_from_the_gguf_metadata():
    info = bundled()
    assert info.name == "Qwen2.5 Coder 0.5B Instruct AWQ" and profile_for(info) is QWEN_CODER
    assert profile_for(replace(info, name="OpenCodeInterpreter DS 6.7B", architecture="llama")) is OPENCODEINTERPRETER
    assert profile_for(replace(info, name="deepseek-coder-6.7b-instruct", architecture="llama",
                               chat_template=None, pre_tokenizer="deepseek-coder")) is DEEPSEEK_CODER
    assert profile_for(replace(info, name="SmolLM2 135M Instruct", architecture="llama")) is GENERIC
    assert profile_for(None, "qwen2.5-coder:1.5b at http://localhost:11434") is QWEN_CODER
    assert profile_named("qwen2.5-coder") is QWEN_CODER


def test_qwens_native_prompt_is_exactly_the_one_qwen_evaluates_with():
    profile = profile_for(bundled())
    rendered = format_for(bundled()).render(profile.eval_messages(TASK)) + profile.eval_prefill
    assert rendered == QWEN_EVAL_PROMPT
    assert "\n```" in profile.eval_stops


def test_the_paper_family_is_asked_with_the_papers_instruction_alone():
    assert OPENCODEINTERPRETER.native_is_paper and OPENCODEINTERPRETER.eval_messages("x") == [
        {"role": "user", "content": "x"}]


def test_a_file_without_a_template_is_asked_in_the_family_the_person_names():
    import pytest

    bare = replace(bundled(), name="my-finetune", architecture="llama", chat_template=None, pre_tokenizer=None)
    with pytest.raises(ValueError, match="Settings > Prompt style"):
        format_for(bare)
    prompt = format_for(bare, "opencodeinterpreter").render([{"role": "user", "content": "hi"}])
    assert prompt.endswith("### Instruction:\nhi\n### Response:\n")


def test_the_settings_name_a_family_and_every_model_load_uses_it(tmp_path):
    import pytest

    from oci_desktop.engine.settings import Settings, SettingsError
    from tests.support.engines import ScriptedModels, scripted_session

    with pytest.raises(SettingsError, match="prompt_profile must be auto or one of"):
        Settings(prompt_profile="llama3").check()
    models = ScriptedModels("Hi.")
    session = scripted_session(tmp_path / "data", models)
    try:
        session.apply(replace(session.settings, prompt_profile="deepseek-coder"))
        session.open_model(session.default_source())
        assert models.sources[-1].profile == "deepseek-coder"
        session.apply(replace(session.settings, prompt_profile="auto"))
        session.open_model(session.default_source())
        assert models.sources[-1].profile == "auto"
    finally:
        session.close()
