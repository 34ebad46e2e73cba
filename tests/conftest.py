"""Every test uses its own data folder: the user's models and history are never touched."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def isolated_data_dir(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("OCI_DESKTOP_DATA", str(tmp_path_factory.mktemp("oci-data")))
    yield
    mp.undo()
