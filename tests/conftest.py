"""Every test uses its own data folder: the user's models and history are never touched.

OCI_TEST_LLAMA_BACKEND=x86-64-v3 or x86-64-v2 runs the whole suite on that llama.cpp build of the
release (tests/support/llama_builds.py) instead of the developer's own build.
"""

import os
import sys

import pytest


@pytest.fixture(autouse=True, scope="session")
def isolated_data_dir(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("OCI_DESKTOP_DATA", str(tmp_path_factory.mktemp("oci-data")))
    yield
    mp.undo()


@pytest.fixture(autouse=True, scope="session")
def chosen_llama_build():
    backend = os.environ.get("OCI_TEST_LLAMA_BACKEND")
    if not backend:
        yield None
        return
    from tests.support.llama_builds import release_build_env

    mp = pytest.MonkeyPatch()
    changes = release_build_env(backend)
    for name, value in changes.items():
        mp.setenv(name, value)
    mp.syspath_prepend(changes["PYTHONPATH"].split(os.pathsep)[0])  # llama.cpp loaded in the tests' own process too
    assert "llama_cpp" not in sys.modules or backend in sys.modules["llama_cpp"].__file__
    yield backend
    mp.undo()
