"""How each model family is asked: a prompt profile per family, chosen from the GGUF's metadata.

A model answers best when asked the way it was trained and evaluated. Asking Qwen2.5-Coder with
OpenCodeInterpreter's evaluation instruction costs it 13 to 18 points on HumanEval: it copies the
instruction's placeholder fence ("# Your codes here") back as its answer. So each family has:

- the app's system prompt for it (the window and `ask`), and the strings that end a reply;
- its makers' own evaluation prompt ("native"), which the harness uses with `--prompt native`:
  system line, user message around the task, the pre-filled start of the answer, stop strings.

Sources: OpenCodeInterpreter's evaluation/ folder (the paper's instruction, no pre-fill);
Qwen2.5-Coder's qwencoder-eval/instruct/eval_plus (ChatML, the answer pre-filled with a python
fence, stop on its close); DeepSeek-Coder's instruct evaluation via EvalPlus's codegen prompt.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gguf_info import GGUFInfo, is_deepseek

FENCE = "```"


@dataclass(frozen=True)
class PromptProfile:
    """How the app and the harness ask one family of models."""

    key: str
    """"opencodeinterpreter", "qwen2.5-coder", "deepseek-coder" or "generic"."""
    label: str
    """The family as a person reads it in the Models dialog."""
    summary: str
    """One line for the Models dialog: how the app asks this family."""
    eval_system: str | None
    """The native evaluation's system message (None: the chat template's own default)."""
    eval_user: str
    """The native evaluation's user message; {task} is replaced by the task's prompt."""
    eval_prefill: str = ""
    """The start of the answer, written for the model (it continues from there)."""
    eval_stops: tuple[str, ...] = ()
    """Strings that end an answer in the native evaluation."""
    native_is_paper: bool = False
    """True for the family the paper's instruction was made for: native and paper are one."""

    def eval_messages(self, task_prompt: str) -> list[dict]:
        """The native evaluation's messages for one task."""
        user = self.eval_user.replace("{task}", task_prompt.strip())
        return ([{"role": "system", "content": self.eval_system}] if self.eval_system else []) + [
            {"role": "user", "content": user}]


OPENCODEINTERPRETER = PromptProfile(
    key="opencodeinterpreter", label="OpenCodeInterpreter",
    summary="Asked in DeepSeek-Coder's (DS) or CodeLlama's (CL) chat format, as the paper's demo and "
            "evaluation do: the demo's code-interpreter system prompt; the paper's instruction in evaluations.",
    eval_system=None, eval_user="{task}", native_is_paper=True)

QWEN_CODER = PromptProfile(
    key="qwen2.5-coder", label="Qwen2.5-Coder",
    summary="Asked in ChatML as Qwen evaluates it: its own system line, the task in a python block, "
            "the answer begun with a python block and ended where that block closes.",
    eval_system="You are an intelligent programming assistant to produce Python algorithmic solutions",
    eval_user=f"Can you complete the following Python function?\n{FENCE}python\n{{task}}\n{FENCE}\n",
    eval_prefill=f"{FENCE}python\n",
    eval_stops=(f"\n{FENCE}", "\nif __name__", "\ndef main(", "\nprint("))

DEEPSEEK_CODER = PromptProfile(
    key="deepseek-coder", label="DeepSeek-Coder",
    summary="Asked in DeepSeek-Coder-instruct's format (### Instruction / ### Response); evaluations use "
            "EvalPlus's prompt for instruct models, the answer begun with a python block.",
    eval_system=None,
    eval_user=("Please provide a self-contained Python script that solves the following problem in a "
               f"markdown code block:\n{FENCE}\n{{task}}\n{FENCE}\n"),
    eval_prefill=("Below is a Python script with a self-contained function that solves the problem and "
                  f"passes corresponding tests:\n{FENCE}python\n"),
    eval_stops=(f"\n{FENCE}",))

GENERIC = PromptProfile(
    key="generic", label="Other chat models",
    summary="Asked in the model's own chat template with the app's system prompt; evaluations use "
            "EvalPlus's prompt for chat models, the answer begun with a python block.",
    eval_system=None,
    eval_user=DEEPSEEK_CODER.eval_user, eval_prefill=DEEPSEEK_CODER.eval_prefill,
    eval_stops=(f"\n{FENCE}",))

PROFILES = {p.key: p for p in (OPENCODEINTERPRETER, QWEN_CODER, DEEPSEEK_CODER, GENERIC)}


def profile_for(info: GGUFInfo | None, name_hint: str = "") -> PromptProfile:
    """The family's profile, from the GGUF's general.name, architecture and chat template (or,
    for an endpoint without a file, from the model name it answers to)."""
    name = ((info.name if info else "") + " " + name_hint).lower()
    template = (info.chat_template or "") if info else ""
    if "opencodeinterpreter" in name or "opencode-interpreter" in name:
        return OPENCODEINTERPRETER
    if "qwen" in name and "coder" in name:
        return QWEN_CODER
    if info is not None and info.architecture.startswith("qwen2") and "<|im_start|>" in template and "coder" in name:
        return QWEN_CODER
    if (info is not None and is_deepseek(info)) or "deepseek" in name:
        return DEEPSEEK_CODER
    return GENERIC


def profile_for_file(path, name: str = "") -> PromptProfile:
    """The profile of a model file; from its name alone while the file cannot be read (the bundled
    model before its first load joins its parts)."""
    from .gguf_info import GGUFError, inspect_gguf

    try:
        return profile_for(inspect_gguf(path), name)
    except (GGUFError, OSError):
        return profile_for(None, name)


def profile_named(key: str) -> PromptProfile:
    """The profile with this key; ValueError naming the known ones otherwise."""
    try:
        return PROFILES[key]
    except KeyError:
        raise ValueError(f"No prompt profile {key!r}; known: {', '.join(PROFILES)}.") from None
