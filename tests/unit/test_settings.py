"""Settings: checked, saved atomically, and a bad file never stops the app."""

import json

import pytest

from oci_desktop.engine.settings import Settings, SettingsError, load_settings, save_settings


def test_round_trip(tmp_path):
    path = tmp_path / "settings.json"
    save_settings(Settings(max_rounds=5, theme="dark", network=True), path)
    loaded, problem = load_settings(path)
    assert problem is None and loaded.max_rounds == 5 and loaded.theme == "dark" and loaded.network
    assert loaded.sandbox_limits().network is True
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize("bad, name", [({"max_rounds": 0}, "max_rounds"), ({"theme": "pink"}, "theme"),
                                       ({"n_ctx": 100}, "n_ctx"), ({"temperature": 5.0}, "temperature")])
def test_a_wrong_value_gets_a_clear_message_and_nothing_is_written(tmp_path, bad, name):
    path = tmp_path / "settings.json"
    save_settings(Settings(), path)
    before = path.read_text()
    with pytest.raises(SettingsError, match=name):
        save_settings(Settings(**bad), path)
    assert path.read_text() == before


def test_a_damaged_file_falls_back_to_defaults_with_a_message(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    settings, problem = load_settings(path)
    assert settings == Settings() and "could not be used" in problem
    path.write_text(json.dumps({"max_rounds": 99}))
    settings, problem = load_settings(path)
    assert settings.max_rounds == 3 and "max_rounds" in problem
