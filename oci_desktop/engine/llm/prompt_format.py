"""Turn chat messages into the prompt text a model was trained on.

The template comes from the GGUF's own metadata (tokenizer.chat_template, Jinja, rendered the
way Hugging Face and llama.cpp render it). OpenCodeInterpreter DS files often have none: they
get DeepSeek-Coder-instruct's format (REFERENCE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .gguf_info import GGUFInfo, is_deepseek

DEEPSEEK_DEFAULT_SYSTEM = (
    "You are an AI programming assistant, utilizing the DeepSeek Coder model, developed by DeepSeek "
    "Company, and you only answer questions related to computer science. For politically sensitive "
    "questions, security and privacy issues, and other non-computer science questions, you will refuse "
    "to answer.")
DEEPSEEK_EOT = "<|EOT|>"


@dataclass(frozen=True)
class PromptFormat:
    """How messages become a prompt: a Jinja chat template, or DeepSeek-Coder's format when it is None."""

    name: str
    template: str | None
    bos_token: str = ""
    eos_token: str = ""

    @property
    def stop(self) -> list[str]:
        """The strings that end a reply: the EOS token, and <|EOT|> for DeepSeek-Coder."""
        stops = [s for s in (self.eos_token,) if s]
        if self.name == "deepseek-coder":
            stops.append(DEEPSEEK_EOT)
        return sorted(set(stops))

    def render(self, messages: list[dict]) -> str:
        """The prompt text for these messages, ending where the assistant's reply begins."""
        if self.template is None:
            return render_deepseek(messages)
        try:
            return _compiled(self.template).render(
                messages=messages, bos_token=self.bos_token, eos_token=self.eos_token,
                add_generation_prompt=True)
        except TemplateError as exc:
            raise ValueError(f"The model's chat template failed: {exc}") from exc


@lru_cache(maxsize=8)
def _compiled(template: str):
    """The template compiled once: every request renders the prompt again (a template that does not
    compile raises TemplateError here, and is tried again next time)."""
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env.from_string(template)


def _raise(message: str):
    raise TemplateError(message)


def render_deepseek(messages: list[dict]) -> str:
    """DeepSeek-Coder-instruct: system text, then ### Instruction / ### Response turns."""
    system = next((m["content"] for m in messages if m["role"] == "system"), DEEPSEEK_DEFAULT_SYSTEM)
    parts = [system + "\n"]
    for message in messages:
        if message["role"] == "user":
            parts.append(f"### Instruction:\n{message['content']}\n")
        elif message["role"] == "assistant":
            parts.append(f"### Response:\n{message['content']}\n{DEEPSEEK_EOT}\n")
    parts.append("### Response:\n")
    return "".join(parts)


def format_for(info: GGUFInfo, family: str = "") -> PromptFormat:
    """The GGUF's own chat template, else DeepSeek-Coder's format for DeepSeek models (or for a file
    whose family the person named: OpenCodeInterpreter's DS files and DeepSeek-Coder); ValueError otherwise."""
    if info.chat_template:
        return PromptFormat("gguf-template", info.chat_template, info.bos_token or "", info.eos_token or "")
    if is_deepseek(info) or family in ("opencodeinterpreter", "deepseek-coder"):
        return PromptFormat("deepseek-coder", None, info.bos_token or "", DEEPSEEK_EOT)
    raise ValueError(f"{info.name} has no chat template and is not a model OCI Desktop knows how to "
                     "prompt; use an instruct model with a chat template, or choose its family under "
                     "Settings > Prompt style.")
