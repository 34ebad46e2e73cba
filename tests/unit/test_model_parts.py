"""GGUF inspection, prompt formats, memory fit, catalog and library, on small files."""

import pytest

from oci_desktop.engine.llm import library
from oci_desktop.engine.llm.bundled import bundled_model_path
from oci_desktop.engine.llm.catalog import CATALOG, Machine, fit, recommend
from oci_desktop.engine.llm.gguf_info import GGUFError, inspect_gguf
from oci_desktop.engine.llm.memory import ModelTooLarge, check_fits
from oci_desktop.engine.llm.prompt_format import DEEPSEEK_EOT, PromptFormat, _compiled, format_for, render_deepseek
from tests.support.gguf_files import write_gguf
from tests.support.models import tiny_model_path

GIB = 2**30


def test_bundled_model_is_found_and_described():
    info = inspect_gguf(bundled_model_path())
    assert info.architecture == "qwen2" and info.quantization == "Q4_K_M" and info.size_bytes == 491_400_064
    assert info.has_chat_template and info.eos_token == "<|im_end|>" and info.warnings == []
    assert 0.4e9 < info.parameters < 0.7e9 and info.context_length == 32768
    assert library.display_name(bundled_model_path()) == "Qwen2.5-Coder-0.5B-Instruct (bundled)"


@pytest.mark.parametrize("content, words", [(b"not a model at all", "is not a GGUF model file"),
                                             (b"", "is not a GGUF model file")])
def test_non_gguf_files_are_refused(tmp_path, content, words):
    path = tmp_path / "x.gguf"
    path.write_bytes(content)
    with pytest.raises(GGUFError, match=words):
        inspect_gguf(path)


def test_truncated_gguf_is_refused(tmp_path):
    whole = write_gguf(tmp_path / "whole.gguf", tensor_bytes=2**20)
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole.read_bytes()[: 600_000])
    with pytest.raises(GGUFError, match="incomplete"):
        inspect_gguf(cut)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(GGUFError, match="Cannot read"):
        inspect_gguf(tmp_path / "nothing.gguf")


def test_deepseek_without_template_gets_deepseek_format_and_a_tokenizer_warning(tmp_path):
    info = inspect_gguf(write_gguf(tmp_path / "ds.gguf"))
    assert not info.has_chat_template and any("pre-tokenizer" in w for w in info.warnings)
    fmt = format_for(info)
    assert fmt.name == "deepseek-coder" and DEEPSEEK_EOT in fmt.stop
    prompt = fmt.render([{"role": "system", "content": "SYS"}, {"role": "user", "content": "hi"},
                         {"role": "assistant", "content": "yo"}, {"role": "user", "content": "again"}])
    assert prompt == ("SYS\n### Instruction:\nhi\n### Response:\nyo\n<|EOT|>\n"
                      "### Instruction:\nagain\n### Response:\n")


def test_fixed_deepseek_pre_tokenizer_gives_no_warning(tmp_path):
    assert inspect_gguf(write_gguf(tmp_path / "ds.gguf", pre="deepseek-coder")).warnings == []


def test_deepseek_default_system_prompt():
    assert render_deepseek([{"role": "user", "content": "x"}]).startswith("You are an AI programming assistant")


def test_template_from_metadata_is_used(tmp_path):
    template = "{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}"
    info = inspect_gguf(write_gguf(tmp_path / "t.gguf", name="Other", template=template))
    assert format_for(info).render([{"role": "user", "content": "hi"}]) == "[user]hi[assistant]"


def test_templates_are_compiled_once_each_and_a_broken_one_says_so_every_time():
    upper = PromptFormat("a", "{{ messages[0].content | upper }}")
    lower = PromptFormat("b", "{{ messages[0].content | lower }}")
    hits = _compiled.cache_info().hits
    for _ in range(2):  # the second render comes from the compiled template and must not mix them
        assert upper.render([{"role": "user", "content": "Hi"}]) == "HI"
        assert lower.render([{"role": "user", "content": "Hi"}]) == "hi"
    assert _compiled.cache_info().hits == hits + 2
    broken = PromptFormat("c", "{% for m in messages %}")
    for _ in range(2):
        with pytest.raises(ValueError, match="chat template failed"):
            broken.render([{"role": "user", "content": "x"}])
    refusing = PromptFormat("d", "{{ raise_exception('only user turns') }}")
    with pytest.raises(ValueError, match="only user turns"):
        refusing.render([{"role": "user", "content": "x"}])


def test_unknown_model_without_template_is_refused(tmp_path):
    info = inspect_gguf(write_gguf(tmp_path / "x.gguf", name="Mystery"))
    with pytest.raises(ValueError, match="no chat template"):
        format_for(info)


def test_a_model_too_big_for_memory_is_refused_before_loading():
    info = inspect_gguf(bundled_model_path())
    check_fits(info, 4096, available=GIB)
    with pytest.raises(ModelTooLarge, match="smaller quantization"):
        check_fits(info, 4096, available=200 * 2**20)


def test_catalog_fit_and_recommendation():
    small = Machine(ram_bytes=4 * GIB, cores=2)
    assert recommend(small).entry.model == "OpenCodeInterpreter-DS-1.3B"
    workstation = Machine(ram_bytes=32 * GIB, cores=8)
    assert recommend(workstation).entry.quantization == "IQ4_XS"
    gpu = Machine(ram_bytes=32 * GIB, vram_bytes=24 * GIB, gpu_build=True, cores=8)
    best = recommend(gpu)
    assert best.entry.model == "OpenCodeInterpreter-DS-33B" and best.gpu_layers == -1
    assert recommend(Machine(ram_bytes=GIB // 2, cores=2)) is None
    assert fit(CATALOG[-1], small).label == "too big"


def test_library_import_list_resolve_remove(tmp_path, monkeypatch):
    monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path / "data"))
    (tmp_path / "usb").mkdir()
    source = write_gguf(tmp_path / "usb" / "my-model.gguf")
    entry, info = library.import_model(source)
    assert entry.path.parent == tmp_path / "data" / "models" and entry.path.read_bytes() == source.read_bytes()
    names = [m.name for m in library.list_models()]
    assert "my-model" in names and any("bundled" in n for n in names)
    assert library.default_model().name == "my-model"
    assert library.resolve_model("my-model") == entry.path
    with pytest.raises(FileExistsError):
        library.import_model(source)
    with pytest.raises(PermissionError):
        library.remove_model(library.BUNDLED_NAME)
    library.remove_model("my-model")
    assert library.default_model().bundled
    with pytest.raises(library.ModelNotFound):
        library.resolve_model("my-model")


def test_a_model_is_found_by_its_name_without_the_quantization_when_only_one_file_has_it(tmp_path, monkeypatch):
    monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path / "data"))
    (tmp_path / "usb").mkdir()
    q4 = library.import_model(write_gguf(tmp_path / "usb" / "OpenCodeInterpreter-DS-1.3B-Q4_K_M.gguf"))[0]
    assert q4.name == "OpenCodeInterpreter-DS-1.3B Q4_K_M"
    assert library.resolve_model("OpenCodeInterpreter-DS-1.3B") == q4.path
    library.import_model(write_gguf(tmp_path / "usb" / "OpenCodeInterpreter-DS-1.3B-Q2_K.gguf"))
    with pytest.raises(library.ModelNotFound, match="Several files.*Q2_K.*Name one"):
        library.resolve_model("OpenCodeInterpreter-DS-1.3B")
    assert library.resolve_model("OpenCodeInterpreter-DS-1.3B Q4_K_M") == q4.path
    with pytest.raises(library.ModelNotFound, match="No model called"):
        library.resolve_model("OpenCodeInterpreter-DS")


def test_a_model_is_removed_by_any_name_it_is_found_by(tmp_path, monkeypatch):
    # `models install Qwen2.5-Coder-1.5B-Instruct` puts a file in; `models remove` with the same
    # words must take it out again, not answer that there is no such model.
    monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path / "data"))
    (tmp_path / "usb").mkdir()
    first = library.import_model(write_gguf(tmp_path / "usb" / "OpenCodeInterpreter-DS-1.3B-Q4_K_M.gguf"))[0]
    assert library.remove_model("opencodeinterpreter-ds-1.3b") == first.path and not first.path.exists()
    second = library.import_model(write_gguf(tmp_path / "usb" / "OpenCodeInterpreter-DS-1.3B-Q4_K_M.gguf"))[0]
    assert library.remove_model(second.path.name) == second.path and not second.path.exists()
    outside = write_gguf(tmp_path / "usb" / "outside.gguf")
    with pytest.raises(library.ModelNotFound, match="No model called"):
        library.remove_model(str(outside))  # a path is not a library model: it stays where it is
    assert outside.exists()


def test_importing_a_damaged_file_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path / "data"))
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 50)
    with pytest.raises(GGUFError):
        library.import_model(bad)
    assert not (tmp_path / "data" / "models").exists() or not any((tmp_path / "data" / "models").iterdir())


def test_fast_header_reader_agrees_with_gguf_reader(tmp_path):
    # The app reads headers itself (gguf's GGUFReader takes seconds on a large vocabulary): both
    # must agree on every field kept, the parameter count and where the tensor data ends.
    from gguf import GGUFReader

    from oci_desktop.engine.llm.gguf_header import read_header

    small = write_gguf(tmp_path / "small.gguf", template="{{ messages }}", tensor_bytes=4096)
    for path in (small, tiny_model_path()):  # the tiny model's vocabulary reads in a third of the time
        ours, theirs = read_header(str(path)), GGUFReader(str(path))
        for name, field in theirs.fields.items():
            if ours.fields.get(name) is not None and not name.startswith("GGUF."):
                assert ours.fields[name] == field.contents(), name
        assert ours.parameters == sum(int(t.n_elements) for t in theirs.tensors)
        assert ours.data_end == max(t.data_offset + int(t.n_bytes) for t in theirs.tensors)
    tokens = GGUFReader(str(tiny_model_path())).fields["tokenizer.ggml.tokens"]
    header = read_header(str(tiny_model_path()))
    assert [header.token(i) for i in (0, 1, 2, 4000)] == [tokens.contents(i) for i in (0, 1, 2, 4000)]


def test_thread_count_comes_from_the_config_then_the_environment_then_the_cores(monkeypatch, tmp_path):
    from oci_desktop.engine.llm.server import THREADS_ENV, ServerConfig
    from oci_desktop.engine.system import usable_cores

    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert ServerConfig(tmp_path / "m.gguf").threads() == usable_cores()
    monkeypatch.setenv(THREADS_ENV, "3")
    assert ServerConfig(tmp_path / "m.gguf").threads() == 3
    assert ServerConfig(tmp_path / "m.gguf", n_threads=5).threads() == 5
    monkeypatch.setenv(THREADS_ENV, "many")
    assert ServerConfig(tmp_path / "m.gguf").threads() == usable_cores()


def test_adding_a_model_says_which_front_ends_will_use_it(tmp_path, monkeypatch):
    import json
    import os

    from oci_desktop.commands.models import _now_used
    monkeypatch.setenv("OCI_DESKTOP_DATA", str(tmp_path))
    folder = tmp_path / "models"
    folder.mkdir()
    older, newer = folder / "a.gguf", folder / "b.gguf"
    older.write_bytes(b"a")
    newer.write_bytes(b"b")
    os.utime(older, (1, 1))  # a file downloaded again is not touched: it does not become the default
    assert "ask` and the window (from its next start) now use it" in _now_used(newer)
    assert _now_used(older).startswith("It is in your models")
    (tmp_path / "settings.json").write_text(json.dumps({"model_path": str(older)}))  # chosen in the window
    told = _now_used(newer)
    assert "`oci-desktop ask` now uses it" in told and "the window keeps a.gguf" in told
