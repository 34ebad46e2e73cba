"""Figures for `oci-desktop bench llm`: our server and client against llama-cpp-python in-process,
time to first token as a conversation grows (the KV cache must be reused), and start-up time."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from ..system import process_status
from .backend import LocalBackend, Sampling
from .server import ServerConfig

PROMPT = [{"role": "user", "content": "Count from 1 to 200, one number per line, with no other text."}]
GEN_TOKENS = 128
# About 300 tokens a round: a block of data to discuss, and a short reply.
ROUND_TEXT = ("Here are more measurements from the sensor log, one per line:\n"
              + "\n".join(f"reading {i}: {i * 37 % 101}.{i % 10} degrees" for i in range(24))
              + "\nWhat is the largest reading so far? Answer in one sentence.")


def _tokens_per_s(chunks: list[float]) -> float:
    """Decoding speed from the arrival times of the chunks after the first one."""
    if len(chunks) < 3:
        return 0.0
    return (len(chunks) - 1) / (chunks[-1] - chunks[0])


def _no_end(backend: LocalBackend) -> dict[str, float]:
    """Forbid the end-of-turn token so that every run decodes exactly GEN_TOKENS tokens."""
    from .cpu_support import import_llama_cpp  # vocabulary only: cheap, the same ids the server uses

    Llama = import_llama_cpp().Llama

    vocab = Llama(str(backend.server.config.model_path), vocab_only=True, verbose=False)
    ids = {vocab.token_eos()} | {vocab.tokenize(s.encode(), add_bos=False, special=True)[0]
                                 for s in backend.format.stop}
    return {str(i): -100.0 for i in ids}


def _app_speed(backend: LocalBackend, bias: dict[str, float]) -> float:
    times = []
    for chunk in backend.stream(PROMPT, Sampling(max_tokens=GEN_TOKENS, stop=[], logit_bias=bias)):
        if chunk.text:
            times.append(time.perf_counter())
    return _tokens_per_s(times)


def _inprocess_speed(llm, prompt: str, bias: dict[str, float]) -> float:
    times = []
    logit_bias = {int(k): v for k, v in bias.items()}
    for part in llm.create_completion(prompt, max_tokens=GEN_TOKENS, temperature=0.0, stream=True,
                                      logit_bias=logit_bias):
        if part["choices"][0]["text"]:
            times.append(time.perf_counter())
    return _tokens_per_s(times)


def _prompt_speed(llm, text: str) -> float:
    """Prompt evaluation speed: tokens/s of reading `text` into an empty cache in one batch."""
    tokens = llm.tokenize(text.encode(), add_bos=True)
    llm.reset()
    began = time.perf_counter()
    llm.eval(tokens)
    return len(tokens) / (time.perf_counter() - began)


def _resident_mib(pid: int | None) -> dict[str, float]:
    """The model process's resident memory now and at its peak, and the part that is its own
    (anonymous: KV cache, buffers, weights repacked for the CPU) rather than pages of the mapped
    file, which the kernel can drop and read again; MiB (Linux; empty elsewhere)."""
    fields = process_status(pid)
    return {key: round(int(fields[name].split()[0]) / 1024, 1)
            for key, name in (("rss_mib", "VmRSS"), ("rss_peak_mib", "VmHWM"), ("rss_anon_mib", "RssAnon"))
            if name in fields}


def _ttft_rounds(backend: LocalBackend, rounds: int = 4) -> tuple[list[float], list[dict]]:
    """Time to first token per round of a growing conversation, and per round the prompt tokens
    that were new (the text added since the last reply, tokenized on its own) against those the
    model process evaluated (it reports them; equal when the KV cache is fully reused)."""
    messages: list[dict] = [{"role": "system", "content": "You are a helpful assistant."}]
    firsts, tokens, seen, unevaluated = [], [], "", 0
    bos = backend.client.count_tokens("") or 0
    for _ in range(rounds):
        messages.append({"role": "user", "content": ROUND_TEXT})
        prompt = backend.prompt(messages)
        new = (backend.client.count_tokens(prompt[len(seen):]) or 0) - (bos if seen else 0) + unevaluated
        began, first, reply, usage, finish = time.perf_counter(), None, "", None, None
        for chunk in backend.stream(messages, Sampling(max_tokens=40)):
            if chunk.text and first is None:
                first = time.perf_counter() - began
            reply += chunk.text
            usage, finish = chunk.usage or usage, chunk.finish_reason or finish
        # A reply cut at max_tokens ends on a token that was sampled but never run through the
        # model: it is new to the cache next round.
        unevaluated = 1 if finish == "length" else 0
        firsts.append(first if first is not None else float("nan"))
        tokens.append({"prompt": usage.prompt_tokens if usage else None, "new": new,
                       "evaluated": usage.evaluated_tokens if usage else None})
        messages.append({"role": "assistant", "content": reply})
        seen = prompt + reply
    return firsts, tokens


def run_benchmark(model: Path, n_ctx: int = 4096, repeats: int = 5, gpu_layers: int = 0) -> dict:
    """Both ways of decoding run with the model loaded side by side and take turns, so that
    drift in the machine's speed (a shared VM, thermal limits) affects both alike."""
    from .cpu_support import import_llama_cpp  # only the benchmark loads llama.cpp into this process

    Llama = import_llama_cpp().Llama

    config = ServerConfig(model, n_ctx=n_ctx, n_gpu_layers=gpu_layers)
    backend = LocalBackend(config)
    try:
        ready = backend.start()
        bias = _no_end(backend)
        prompt = backend.prompt(PROMPT)
        llm = Llama(str(model), n_ctx=n_ctx, n_threads=config.threads(), n_threads_batch=config.threads(),
                    n_gpu_layers=gpu_layers, verbose=False)
        _app_speed(backend, bias), _inprocess_speed(llm, prompt, bias)  # warm-up
        app, inprocess = [], []
        for _ in range(repeats):
            app.append(_app_speed(backend, bias))
            inprocess.append(_inprocess_speed(llm, prompt, bias))
        prompt_speed = _prompt_speed(llm, ROUND_TEXT)
        del llm
        rounds, round_tokens = _ttft_rounds(backend)
        memory = _resident_mib(backend.server.pid)
    finally:
        backend.close()
    app_speed, inprocess_speed = statistics.median(app), statistics.median(inprocess)
    return {
        "model": model.name,
        "threads": config.threads(),
        "ready_s": round(ready, 3),
        "app_tokens_per_s": round(app_speed, 1),
        "inprocess_tokens_per_s": round(inprocess_speed, 1),
        "speed_ratio": round(app_speed / inprocess_speed, 3) if inprocess_speed else None,
        "prompt_tokens_per_s": round(prompt_speed, 1),
        "ttft_round1_s": round(rounds[0], 3),
        "ttft_round4_s": round(rounds[3], 3),
        "ttft_ratio": round(rounds[3] / rounds[0], 2),
        "ttft_rounds_s": [round(r, 3) for r in rounds],
        "round_tokens": round_tokens,
        "no_token_twice": all(t["evaluated"] == t["new"] for t in round_tokens[1:]),
        "repeats": repeats,
        "gpu_layers": gpu_layers,
        "model_file_gb": round(model.stat().st_size / 1e9, 2),
        **memory,
    }


def format_table(f: dict) -> str:
    """The figures as a text table beside their floors, and whether all floors were met."""
    rows = [
        ("model process start to ready (s)", f["ready_s"], ""),
        ("tokens/s, our server and client", f["app_tokens_per_s"], ""),
        ("tokens/s, llama-cpp-python in-process", f["inprocess_tokens_per_s"], ""),
        ("ratio", f["speed_ratio"], ">= 0.95"),
        ("prompt evaluation, tokens/s (in-process)", f["prompt_tokens_per_s"], ""),
        ("time to first token, round 1 (s)", f["ttft_round1_s"], ""),
        ("time to first token, round 4 (s)", f["ttft_round4_s"], ""),
        ("round 4 / round 1", f["ttft_ratio"], "<= 1.5"),
        ("model process resident memory (MiB)", f.get("rss_mib", "?"), ""),
        ("  of which its own, not the file's (MiB)", f.get("rss_anon_mib", "?"), ""),
    ]
    lines = [f"{f['model']}, {f['threads']} threads"]
    lines += [f"{name:42}{value!s:>10}{floor:>10}" for name, value, floor in rows]
    lines.append("prompt tokens per round: " + "; ".join(
        f"round {i}: {t['prompt']} in all, {t['new']} new, {t['evaluated']} evaluated"
        for i, t in enumerate(f["round_tokens"], 1)))
    lines.append("no token computed twice (evaluated == new after round 1): "
                 + ("yes" if f["no_token_twice"] else "NO"))
    ok = (f["speed_ratio"] or 0) >= 0.95 and f["ttft_ratio"] <= 1.5 and f["no_token_twice"]
    lines.append("all floors met" if ok else "floors missed")
    return "\n".join(lines)
