"""The user's settings: one JSON file, checked on load and on save, written atomically."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .agent.prompts import SYSTEM_PROMPT
from .llm.profiles import PROFILES
from .sandbox.limits import SandboxLimits, default_memory_bytes
from .system import write_atomically


class SettingsError(ValueError):
    """A setting has a wrong value; the message names it and says what is allowed."""


@dataclass
class Settings:
    """Everything the user can set in the Settings dialog; check() names what is out of range."""

    # the loop
    max_rounds: int = 3
    auto_run: bool = True
    system_prompt: str = SYSTEM_PROMPT
    temperature: float = 0.0
    max_tokens: int = 1024
    # the model
    model_path: str = ""
    n_ctx: int = 4096
    gpu_layers: int = -1
    """-1: all layers on the GPU when the model fits there (else as many as fit; none without a
    GPU build of llama.cpp); 0: CPU only; a number: that many layers."""
    prompt_profile: str = "auto"
    """How the model is asked (llm/profiles.py): "auto" finds its family from the model file; or
    a family's key, for a file whose metadata does not say (a renamed fine-tune, a file without
    a chat template)."""
    # the reviewer (agent/reviewer.py): a second model's guidance after a failed run; off by default
    reviewer: str = ""
    """"": off. "same": the coder reviews its own work. A .gguf path or an installed model's name:
    loaded in a model process of its own, beside the coder's. An http(s) address: an
    OpenAI-compatible endpoint (its API key, if any, from OCI_DESKTOP_REVIEWER_API_KEY)."""
    reviewer_model_name: str = ""
    """The model to ask a reviewer endpoint for ("": its default)."""
    reviewer_n_ctx: int = 4096
    reviewer_gpu_layers: int = -1
    reviewer_time_limit_s: float = 120.0
    """A review that takes longer is dropped: the turn goes on with execution feedback alone."""
    # the sandbox
    cell_timeout_s: float = 60.0
    memory_mib: int = field(default_factory=lambda: default_memory_bytes() // 2**20)
    workspace_mib: int = 2048
    network: bool = False
    # the look
    theme: str = "system"
    font_size: int = 11

    def check(self) -> "Settings":
        """Raise SettingsError naming every value out of range; returns self when all are fine."""
        rules = [
            ("max_rounds", 1 <= self.max_rounds <= 20, "a whole number from 1 to 20"),
            ("temperature", 0.0 <= self.temperature <= 2.0, "a number from 0 to 2"),
            ("max_tokens", 16 <= self.max_tokens <= 32768, "from 16 to 32768"),
            ("n_ctx", 512 <= self.n_ctx <= 262144, "from 512 to 262144 tokens"),
            ("gpu_layers", self.gpu_layers >= -1, "-1 (all), 0 (none) or a number of layers"),
            ("prompt_profile", self.prompt_profile in ("auto", *PROFILES), "auto or one of " + ", ".join(PROFILES)),
            ("reviewer_n_ctx", 512 <= self.reviewer_n_ctx <= 262144, "from 512 to 262144 tokens"),
            ("reviewer_gpu_layers", self.reviewer_gpu_layers >= -1, "-1 (all), 0 (none) or a number of layers"),
            ("reviewer_time_limit_s", 5 <= self.reviewer_time_limit_s <= 3600, "from 5 to 3600 seconds"),
            ("cell_timeout_s", 1 <= self.cell_timeout_s <= 3600, "from 1 to 3600 seconds"),
            ("memory_mib", 256 <= self.memory_mib <= 1 << 20, "at least 256 MiB"),
            ("workspace_mib", 16 <= self.workspace_mib, "at least 16 MiB"),
            ("theme", self.theme in ("system", "light", "dark"), "system, light or dark"),
            ("font_size", 6 <= self.font_size <= 40, "from 6 to 40 points"),
        ]
        wrong = [f"{name} must be {rule}" for name, ok, rule in rules if not ok]
        if wrong:
            raise SettingsError("Invalid settings: " + "; ".join(wrong) + ".")
        return self

    def sandbox_limits(self) -> SandboxLimits:
        """The sandbox limits these settings ask for; the others keep their defaults."""
        return SandboxLimits(cell_timeout_s=self.cell_timeout_s, memory_bytes=self.memory_mib * 2**20,
                             workspace_bytes=self.workspace_mib * 2**20, network=self.network)


def load_settings(path: Path) -> tuple[Settings, str | None]:
    """The saved settings, or the defaults with a message when the file is unreadable or wrong."""
    if not path.exists():
        return Settings(), None
    try:
        data = json.loads(path.read_text())
        known = {f.name: f.type for f in fields(Settings)}
        values = {}
        for key, value in data.items():
            if key in known:
                default = getattr(Settings(), key)
                values[key] = type(default)(value) if not isinstance(default, bool) else bool(value)
        return Settings(**values).check(), None
    except (OSError, ValueError, TypeError) as exc:
        return Settings(), f"The settings in {path} could not be used ({exc}); the defaults apply until you save."


def save_settings(settings: Settings, path: Path) -> None:
    """Check, then write to a temporary file and rename it over the old one: never half a file.

    Raises SettingsError for a wrong value, OSError (with the folder named) when it cannot write.
    """
    settings.check()
    try:
        write_atomically(json.dumps(asdict(settings), indent=2), path)
    except OSError as exc:
        raise OSError(f"The settings could not be saved in {path.parent}: {exc.strerror or exc}.") from exc
