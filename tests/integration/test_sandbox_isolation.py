"""What code in the sandbox can see and touch: only its workspace; nothing on the host changes."""

import http.server
import os
import socket
import threading
import uuid

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def host_secret(tmp_path_factory):
    """A world-readable file outside the workspace: only the sandbox can keep code from it."""
    folder = tmp_path_factory.mktemp("secret")
    os.chmod(folder, 0o755)
    secret = folder / "id_rsa"
    secret.write_text("PRIVATE KEY")
    os.chmod(secret, 0o644)
    return secret


def test_runs_unprivileged_without_capabilities(run_cells, identity):
    r = run_cells(["import os\nstatus = open('/proc/self/status').read()\n"
                   "print(os.getuid(), status.split('CapEff:')[1].split()[0])"])
    uid, caps = r[0]["stdout"].split()
    assert uid != "0" and caps == "0000000000000000"


def test_host_files_are_not_visible(run_cells, host_secret):
    code = ("import os\n"
            f"for path in [{str(host_secret)!r}, '/etc/shadow', '/etc/passwd', '/root/.ssh', '/home',"
            " os.path.expanduser('~/.ssh/id_rsa'), '/var/lib', '/run/user']:\n"
            "    print(path, os.path.exists(path))")
    r = run_cells([code])
    lines = r[0]["stdout"].splitlines()
    assert all(line.endswith("False") for line in lines), lines


def test_writes_outside_the_workspace_fail_and_change_nothing(run_cells, host_secret):
    marker = f"oci-escape-{uuid.uuid4().hex}"
    targets = ["/etc", "/usr/lib", "/root", "/opt", "/var/tmp", str(host_secret.parent)]
    code = ("import os\nfor folder in %r:\n"
            "    try:\n"
            "        open(os.path.join(folder, %r), 'w').write('x'); print(folder, 'WROTE')\n"
            "    except OSError as exc:\n"
            "        print(folder, 'refused', exc.errno)\n" % (targets, marker))
    r = run_cells([code])
    assert "WROTE" not in r[0]["stdout"]
    for folder in targets:
        assert not os.path.exists(os.path.join(folder, marker))


def test_python_and_system_paths_are_read_only(run_cells):
    import sys
    code = f"open({sys.prefix + '/oci-test-write'!r}, 'w')"
    r = run_cells([code, "open('/usr/oci-test-write', 'w')"])
    assert r[0]["error"]["ename"] in ("OSError", "PermissionError", "FileNotFoundError")
    assert r[1]["error"]["ename"] in ("OSError", "PermissionError")


def test_workspace_is_the_writable_working_directory(run_cells, workspace):
    r = run_cells(["import os; open('result.txt', 'w').write('hello'); print(os.getcwd())"])
    assert r[0]["stdout"] == "/workspace\n"
    assert (workspace / "result.txt").read_text() == "hello"


def test_environment_is_clean(run_cells):
    r = run_cells(["import os; print(sorted(os.environ))"],
                  env={"OCI_TEST_SECRET": "hunter2", "AWS_SECRET_ACCESS_KEY": "abc", "JPY_PARENT_PID": "1"})
    names = r[0]["stdout"]
    for secret in ("OCI_TEST_SECRET", "AWS_SECRET_ACCESS_KEY", "JPY_PARENT_PID", "SSH_AUTH_SOCK"):
        assert secret not in names


@pytest.fixture
def host_http_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


NET_CODE = ("import socket\n"
            "try:\n"
            "    socket.create_connection(('127.0.0.1', {port}), timeout=2).close(); print('connected')\n"
            "except OSError as exc:\n"
            "    print('refused', type(exc).__name__)\n"
            "try:\n"
            "    socket.getaddrinfo('example.com', 80); print('resolved')\n"
            "except OSError as exc:\n"
            "    print('no dns', type(exc).__name__)\n")


def test_no_network_by_default(run_cells, host_http_server):
    r = run_cells([NET_CODE.format(port=host_http_server)])
    assert "refused" in r[0]["stdout"] and "no dns" in r[0]["stdout"]


def test_network_setting_turns_it_on(run_cells, host_http_server):
    r = run_cells([NET_CODE.format(port=host_http_server)], network=True)
    assert "connected" in r[0]["stdout"]


def test_host_unix_sockets_are_unreachable(run_cells, tmp_path):
    path = tmp_path / "host.sock"
    named = socket.socket(socket.AF_UNIX)
    named.bind(str(path))
    named.listen()
    os.chmod(path, 0o777)
    abstract = socket.socket(socket.AF_UNIX)
    abstract.bind("\0oci-test-abstract")
    abstract.listen()
    try:
        code = ("import socket\n"
                f"for address in [{str(path)!r}, '\\0oci-test-abstract']:\n"
                "    s = socket.socket(socket.AF_UNIX)\n"
                "    try:\n"
                "        s.connect(address); print('CONNECTED')\n"
                "    except OSError as exc:\n"
                "        print('refused', exc.errno)\n")
        r = run_cells([code])
        assert "CONNECTED" not in r[0]["stdout"] and r[0]["stdout"].count("refused") == 2
    finally:
        named.close()
        abstract.close()


def test_cannot_kill_the_app_or_host_processes(run_cells):
    code = ("import os, signal\n"
            "for pid in [{DRIVER_PID}, os.getppid(), 1]:\n"
            "    try:\n"
            "        os.kill(pid, signal.SIGKILL); print(pid, 'signalled')\n"
            "    except OSError as exc:\n"
            "        print(pid, 'refused', exc.errno)\n"
            "print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))")
    r = run_cells([code, "print('after')"])
    # The app (the driver) lives on to report; the host pid means nothing inside the sandbox.
    assert r[1]["stdout"] == "after\n"
    assert str(run_cells.driver_pid) not in r[0]["stdout"].splitlines()[-1].split(", ")


def test_killing_the_whole_sandbox_group_is_a_crash_not_a_hang(run_cells):
    r = run_cells(["import os, signal; os.killpg(0, signal.SIGKILL)", "print('ok')"])
    assert r[0]["status"] == "crashed"
    assert r[1]["stdout"] == "ok\n"


def test_planted_symlinks_and_fifos(run_cells, workspace, host_secret):
    code = ("import os, shutil\n"
            f"os.symlink({str(host_secret)!r}, 'key')\n"
            "os.symlink('/', 'root_link')\n"
            "os.mkfifo('pipe')\n"
            "os.mkdir('loop'); os.symlink('..', 'loop/up')\n"
            "try:\n"
            "    print(open('key').read())\n"
            "except OSError as exc:\n"
            "    print('key unreadable', exc.errno)\n")
    plant_outputs = (f"import shutil, os\nshutil.rmtree('outputs', ignore_errors=True)\n"
                     f"os.symlink({str(host_secret.parent)!r}, 'outputs')\n"
                     "import matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()")
    before = sorted(os.listdir(host_secret.parent))
    r = run_cells([code, plant_outputs, "print('fine')"])
    assert "key unreadable" in r[0]["stdout"]
    assert r[1]["outputs"] == [] and any("could not be saved" in n for n in r[1]["notes"])
    assert sorted(os.listdir(host_secret.parent)) == before
    assert host_secret.read_text() == "PRIVATE KEY"
    assert r[2]["stdout"] == "fine\n"


def test_changed_directory_is_reset(run_cells):
    r = run_cells(["import os; os.chdir('/tmp')", "import os; print(os.getcwd())"])
    assert any("working directory" in n for n in r[0]["notes"])
    assert r[1]["stdout"] == "/workspace\n"


def test_thread_output_is_never_attributed_to_the_next_cell(run_cells):
    start = ("import threading, time\n"
             "def chatter():\n"
             "    for i in range(40):\n"
             "        print('LATE', i); time.sleep(0.05)\n"
             "threading.Thread(target=chatter, daemon=True).start()\n"
             "print('started')")
    r = run_cells([start, "import time; time.sleep(1); print('second')", "print('third')"])
    assert any("thread" in n for n in r[0]["notes"])
    assert "LATE" not in r[1]["stdout"] and r[1]["stdout"] == "second\n"
    assert r[2]["stdout"] == "third\n"
