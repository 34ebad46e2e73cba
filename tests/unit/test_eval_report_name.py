"""The name an evaluation's files and report give a model: the app's own, not the GGUF's."""

from pathlib import Path
from types import SimpleNamespace

from oci_desktop.commands.evaluate import report_name
from oci_desktop.engine.llm.bundled import bundled_model_path


def _local(path: Path, quant: str = "Q4_K_M", gguf_name: str = "Qwen2.5 Coder 0.5B Instruct AWQ"):
    return SimpleNamespace(model_path=path, info=SimpleNamespace(quantization=quant),
                           description=f"{gguf_name} ({quant}, local)")


def test_the_bundled_model_is_named_as_the_app_names_it_not_by_its_files_own_misleading_name():
    assert report_name(_local(bundled_model_path())) == "Qwen2.5-Coder-0.5B-Instruct Q4_K_M (bundled)"


def test_a_catalog_file_gets_the_catalogs_name_and_its_quantization_once(tmp_path):
    path = tmp_path / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    assert report_name(_local(path)) == "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"


def test_any_other_file_gets_its_file_name_and_quantization(tmp_path):
    assert report_name(_local(tmp_path / "my-model.gguf", "Q8_0")) == "my-model Q8_0"


def test_an_endpoint_keeps_its_address():
    endpoint = SimpleNamespace(description="qwen at http://127.0.0.1:8000/v1")
    assert report_name(endpoint) == "qwen at http://127.0.0.1:8000/v1"
