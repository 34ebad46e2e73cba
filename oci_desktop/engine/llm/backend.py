"""What the rest of the engine asks of a model: stream a chat reply, cancel it, count tokens.

LocalBackend drives our own llama.cpp server and renders the GGUF's chat template itself
(so OpenCodeInterpreter files without a template still get the right format); RemoteBackend
talks to any OpenAI-compatible endpoint, which applies its own template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Protocol

from ..cancel import CancelToken
from .client import Chunk, LLMError, OpenAIClient
from .gguf_info import inspect_gguf
from .profiles import PromptProfile, profile_for, profile_named
from .prompt_format import PromptFormat, format_for
from .server import LocalModelServer, ModelProcessError, Progress, ServerConfig


@dataclass
class Sampling:
    """How to sample a reply: temperature, length limit, stop strings, seed, token biases."""

    temperature: float = 0.0
    top_p: float | None = None
    """Nucleus sampling's cut (with a temperature above 0); None: the server's default."""
    max_tokens: int = 1024
    stop: list[str] = field(default_factory=list)
    seed: int | None = None
    logit_bias: dict[str, float] | None = None
    """Token id (as text) to bias; the benchmark uses it to keep a reply from ending early."""
    prefill: str = ""
    """The start of the reply, written for the model, which continues from it (a family's
    evaluation prompt begins the answer with a python fence). Only a backend that renders the
    prompt itself can do this (honours_prefill); the stream holds only what the model added."""


class ChatBackend(Protocol):
    """What the engine needs of a model; LocalBackend, RemoteBackend and ScriptedBackend fit."""

    description: str
    n_ctx: int

    def stream(self, messages: list[dict], sampling: Sampling,
               cancel: CancelToken | None = None) -> Iterator[Chunk]:
        """Stream the reply to messages in chunks; cancel stops it."""
        ...

    def count_tokens(self, messages: list[dict]) -> int:
        """How many tokens the messages take as a prompt (an estimate when no tokenizer answers)."""
        ...

    def is_alive(self) -> bool:
        """False once the model can no longer answer (its process died)."""
        ...

    def close(self) -> None:
        """Let go of the model: its connection, and its process when it is ours."""
        ...


class LocalBackend:
    """A GGUF served by our own model process."""

    honours_prefill = True

    def __init__(self, config: ServerConfig, log_dir=None, profile: str = "auto") -> None:
        self.info = inspect_gguf(config.model_path)
        self.model_path = config.model_path
        self.profile: PromptProfile = profile_for(self.info) if profile == "auto" else profile_named(profile)
        """How this model's family is asked (the Settings may name it when the file does not say)."""
        self.format: PromptFormat = format_for(self.info, self.profile.key)
        self.server = LocalModelServer(config, log_dir)
        self.n_ctx = config.n_ctx
        self.description = f"{self.info.name} ({self.info.quantization}, local)"
        self.client: OpenAIClient | None = None

    def start(self, progress: Progress | None = None, cancel: CancelToken | None = None) -> float:
        """Start the model process and connect to it; returns the seconds it took."""
        seconds = self.server.start(progress, cancel)
        self.client = OpenAIClient(self.server.base_url, self.server.api_key)
        return seconds

    def restart(self, progress: Progress | None = None, cancel: CancelToken | None = None) -> float:
        """After the model process died: a fresh process (new port, new key) and a client for it."""
        if self.client is not None:
            self.client.close()
            self.client = None
        self.server.stop()
        return self.start(progress, cancel)

    @property
    def cpu_threads(self) -> int:
        """The threads decoding this model when it runs on the CPU alone; 0 when layers are on a GPU."""
        config = self.server.config
        return 0 if config.n_gpu_layers else config.threads()

    def prompt(self, messages: list[dict]) -> str:
        """The prompt text for these messages, in the model's chat format."""
        return self.format.render(messages)

    def stream(self, messages: list[dict], sampling: Sampling,
               cancel: CancelToken | None = None) -> Iterator[Chunk]:
        """Stream the reply to messages; when the model process has died, the error says why."""
        if self.client is None:
            raise ModelProcessError("The model is not loaded yet.")
        self.server.check_alive()
        try:
            yield from self.client.stream_completion(
                self.prompt(messages) + sampling.prefill, max_tokens=sampling.max_tokens, temperature=sampling.temperature,
                stop=sorted(set(self.format.stop + sampling.stop)), cancel=cancel, seed=sampling.seed,
                logit_bias=sampling.logit_bias, top_p=sampling.top_p)
        except LLMError:
            self.server.check_alive()  # a dead process explains the failure better than the socket
            raise

    def count_tokens(self, messages: list[dict]) -> int:
        """The prompt's token count from the server; a third of its characters when it cannot count."""
        prompt = self.prompt(messages)
        count = self.client.count_tokens(prompt) if self.client else None
        return count if count is not None else len(prompt) // 3

    def is_alive(self) -> bool:
        """False once the model process has died (a crash, the out-of-memory killer)."""
        return self.client is not None and self.server.is_alive()

    def close(self) -> None:
        """Close the client and stop the model process."""
        if self.client is not None:
            self.client.close()
        self.server.stop()


class RemoteBackend:
    """Any OpenAI-compatible endpoint the user names (a GPU server, a cluster, Ollama...)."""

    honours_prefill = False
    """A chat endpoint applies its own template: nothing can be written after its assistant tag."""
    cpu_threads = 0
    """An endpoint decodes on its own hardware: its speed says nothing about this computer's CPU."""

    def __init__(self, base_url: str, api_key: str | None = None, model: str | None = None,
                 n_ctx: int = 8192, profile: str = "auto") -> None:
        self.client = OpenAIClient(base_url, api_key, model)
        self.profile: PromptProfile = profile_for(None, model or "") if profile == "auto" else profile_named(profile)
        self.n_ctx = n_ctx
        self.description = f"{model or 'default model'} at {self.client.base_url}"

    def stream(self, messages: list[dict], sampling: Sampling,
               cancel: CancelToken | None = None) -> Iterator[Chunk]:
        """Stream the endpoint's chat reply to messages; cancel closes the connection."""
        yield from self.client.stream_chat(messages, max_tokens=sampling.max_tokens,
                                           temperature=sampling.temperature, stop=sampling.stop,
                                           cancel=cancel, seed=sampling.seed, logit_bias=sampling.logit_bias,
                                           top_p=sampling.top_p)

    def count_tokens(self, messages: list[dict]) -> int:
        """Tokens in the messages as "role: content" lines, counted by the endpoint or estimated."""
        text = "\n".join(f"{m['role']}: {m['content']}" for m in messages)
        count = self.client.count_tokens(text)
        return count if count is not None else len(text) // 3  # a cautious estimate

    def is_alive(self) -> bool:
        """An endpoint has no process of ours to die; its failures come as request errors."""
        return True

    def close(self) -> None:
        """Close the connection to the endpoint."""
        self.client.close()
