"""A streaming client for OpenAI-compatible servers: our local llama.cpp server, llama-server,
Ollama, LM Studio, vLLM. Stopping a stream closes the connection, so the server stops decoding."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

import httpx

from ..cancel import CancelToken
from .errors import BackendError


class LLMError(BackendError):
    """A model request failed; the message says why in plain words."""


@dataclass
class Usage:
    """Token counts of a request (completion_tokens: the text chunks streamed, about one token each)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int | None = None
    """Prompt tokens the server's KV cache already held (when the server says: ours, OpenAI's)."""
    evaluated_tokens: int | None = None
    """Prompt tokens the server computed for this request (ours says)."""


@dataclass
class Chunk:
    """A piece of a streamed reply; the last one carries no text, but finish_reason and usage."""

    text: str
    finish_reason: str | None = None
    usage: Usage | None = None
    """Set on the last chunk of a stream."""


class OpenAIClient:
    """Talks to an OpenAI-compatible server; the base URL gets /v1 added when it lacks it."""

    def __init__(self, base_url: str, api_key: str | None = None, model: str | None = None,
                 connect_timeout_s: float = 10.0, read_timeout_s: float = 300.0) -> None:
        self.base_url = base_url.rstrip("/")
        if not self.base_url.endswith("/v1"):
            self.base_url += "/v1"
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(headers=headers, timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s))

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    # -- requests ------------------------------------------------------------------------

    def models(self) -> list[str]:
        """The ids of the models the server offers."""
        data = self._json("GET", "/models")
        return [m.get("id", "") for m in data.get("data", [])]

    def stream_chat(self, messages: list[dict], **options) -> Iterator[Chunk]:
        """Stream a chat completion of messages (the server applies its chat template)."""
        yield from self._stream("/chat/completions", {"messages": messages}, **options)

    def stream_completion(self, prompt: str, **options) -> Iterator[Chunk]:
        """Stream a plain completion of prompt (already in the model's chat format)."""
        yield from self._stream("/completions", {"prompt": prompt}, **options)

    def count_tokens(self, text: str) -> int | None:
        """Exact count from llama-cpp-python's or llama-server's tokenizer; None when the server has neither."""
        root = self.base_url[: -len("/v1")]
        for url, key in ((f"{root}/extras/tokenize/count", "count"), (f"{root}/tokenize", "tokens")):
            try:
                response = self._http.post(url, json={"input": text, "content": text})
            except httpx.HTTPError:
                return None
            if response.status_code == 200:
                value = response.json().get(key)
                return value if isinstance(value, int) else len(value or [])
        return None

    def _stream(self, path: str, body: dict, *, max_tokens: int = 1024, temperature: float = 0.0,
                stop: list[str] | None = None, cancel: CancelToken | None = None, seed: int | None = None,
                logit_bias: dict[str, float] | None = None, top_p: float | None = None) -> Iterator[Chunk]:
        payload = {**body, "max_tokens": max_tokens, "temperature": temperature, "stream": True,
                   "stop": stop or None}
        if self.model:
            payload["model"] = self.model
        if seed is not None:
            payload["seed"] = seed
        if logit_bias:
            payload["logit_bias"] = logit_bias
        if top_p is not None:
            payload["top_p"] = top_p
        completion_tokens, finish, usage = 0, None, Usage()
        try:
            with self._http.stream("POST", self.base_url + path, json=payload) as response:
                if response.status_code != 200:
                    response.read()
                    raise LLMError(_http_message(response, self.base_url))
                for line in response.iter_lines():
                    if cancel is not None and cancel.cancelled:
                        finish = "cancelled"
                        break  # leaving the with-block closes the connection
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    event = _parse(data)
                    if event.get("usage"):
                        usage = _usage(event["usage"])
                    choice = (event.get("choices") or [{}])[0]
                    text = choice.get("text")
                    if text is None:
                        text = (choice.get("delta") or {}).get("content") or ""
                    finish = choice.get("finish_reason") or finish
                    if text:
                        completion_tokens += 1
                        yield Chunk(text)
        except httpx.ConnectError as exc:
            raise LLMError(f"Could not connect to the model server at {self.base_url}: is it running? ({exc})") from exc
        except httpx.TimeoutException as exc:
            raise LLMError(f"The model server at {self.base_url} did not answer in time.") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"The connection to the model server broke: {exc}") from exc
        usage.completion_tokens = completion_tokens
        yield Chunk("", finish_reason=finish or "stop", usage=usage)

    def _json(self, method: str, path: str) -> dict:
        try:
            response = self._http.request(method, self.base_url + path)
        except httpx.ConnectError as exc:
            raise LLMError(f"Could not connect to the model server at {self.base_url}: is it running?") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"The model server at {self.base_url} failed: {exc}") from exc
        if response.status_code != 200:
            raise LLMError(_http_message(response, self.base_url))
        return response.json()


def _usage(data: dict) -> Usage:
    details = data.get("prompt_tokens_details") or {}
    return Usage(prompt_tokens=int(data.get("prompt_tokens") or 0), cached_tokens=details.get("cached_tokens"),
                 evaluated_tokens=details.get("evaluated_tokens"))


def _parse(data: str) -> dict:
    try:
        event = json.loads(data)
    except json.JSONDecodeError as exc:
        raise LLMError(f"The model server sent something that is not JSON: {data[:200]!r}") from exc
    if "error" in event:
        raise LLMError(f"The model server reported an error: {event['error']}")
    return event


def _http_message(response: httpx.Response, base_url: str) -> str:
    detail = response.text[:300].strip()
    code = response.status_code
    if code in (401, 403):
        return f"The model server at {base_url} refused the API key (HTTP {code})."
    if code == 404:
        return f"Not found at {base_url} (HTTP 404): check the base URL and the model name. {detail}"
    if code == 400 and "context" in detail.lower():
        return f"The conversation is longer than the model's context window: {detail}"
    return f"The model server at {base_url} answered HTTP {code}: {detail}"
