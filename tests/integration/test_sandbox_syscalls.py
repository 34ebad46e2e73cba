"""The system call filter and namespaces: blocked calls fail inside, as root and unprivileged,
and what notebooks really use (numpy, pandas, matplotlib, threads, processes) still works."""

import json

import pytest

pytestmark = pytest.mark.slow

# One cell tries every blocked call through libc's syscall() and prints the errno name it got
# ("ok" when the call succeeded). Success of any of them means the filter is not in force; the
# few "ok" rows are calls the filter must let through (a personality query).
PROBE = r'''
import ctypes, errno, json, os, pty, socket, subprocess
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = {"unshare": 272, "setns": 308, "clone": 56, "clone3": 435, "mount": 165, "ptrace": 101,
      "add_key": 248, "keyctl": 250, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
      "kexec_load": 246, "init_module": 175, "personality": 135, "io_uring_setup": 425,
      "process_vm_readv": 310, "open_tree": 428, "settimeofday": 164, "syslog": 103}

def call(name, *args):
    r = libc.syscall(NR[name], *[ctypes.c_long(a) for a in args])
    if r == 0 and name == "clone":
        os._exit(0)  # a child the filter should have refused: leave quietly
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]

out = {}
for flag, name in [(0x10000000, "user"), (0x00020000, "mount"), (0x20000000, "pid"), (0x40000000, "net"),
                   (0x04000000, "uts"), (0x08000000, "ipc"), (0x02000000, "cgroup")]:
    out[f"unshare {name} namespace"] = call("unshare", flag)
    out[f"clone with a new {name} namespace"] = call("clone", flag | 17, 0, 0, 0, 0)
fd = os.open("/proc/self/ns/uts", os.O_RDONLY)
out["setns"] = call("setns", fd, 0)
out["clone3"] = call("clone3", 0, 0)
tool = subprocess.run(["unshare", "--user", "--map-root-user", "true"], capture_output=True)
out["unshare command (util-linux)"] = "ok" if tool.returncode == 0 else "refused"
out["mount"] = call("mount", 0, 0, 0, 0, 0)
out["open_tree (new mount API)"] = call("open_tree", -100, 0, 0)
child = subprocess.Popen(["sleep", "30"])
out["ptrace attach to own child"] = call("ptrace", 16, child.pid, 0, 0)
out["ptrace attach to pid 1"] = call("ptrace", 16, 1, 0, 0)
out["process_vm_readv"] = call("process_vm_readv", child.pid, 0, 0, 0, 0, 0)
child.kill()
out["add_key (keyring)"] = call("add_key", ctypes.cast(ctypes.c_char_p(b"user"), ctypes.c_void_p).value,
                                ctypes.cast(ctypes.c_char_p(b"k"), ctypes.c_void_p).value, 0, 0, -3)
out["keyctl (keyring)"] = call("keyctl", 0, -3, 0)
out["bpf"] = call("bpf", 0, 0, 0)
out["perf_event_open"] = call("perf_event_open", 0, 0, -1, -1, 0)
out["userfaultfd"] = call("userfaultfd", 0)
out["kexec_load"] = call("kexec_load", 0, 0, 0, 0)
out["init_module"] = call("init_module", 0, 0, 0)
out["personality ADDR_NO_RANDOMIZE"] = call("personality", 0x0040000)
out["personality ADDR_NO_RANDOMIZE, high bits set"] = call("personality", 0x1_0004_0000)
out["personality all flags but one"] = call("personality", 0xFFFFFFFE)
out["personality query"] = call("personality", 0xFFFFFFFF)
out["personality query, high bits set"] = call("personality", 0x1_FFFF_FFFF)
out["personality PER_LINUX"] = call("personality", 0)
out["io_uring_setup"] = call("io_uring_setup", 1, 0)
out["settimeofday"] = call("settimeofday", 0, 0)
out["syslog (kernel log)"] = call("syslog", 3, 0, 0)
master, slave = pty.openpty()
try:
    import fcntl, termios
    fcntl.ioctl(slave, termios.TIOCSTI, b"x")
    out["ioctl TIOCSTI"] = "ok"
except OSError as exc:
    out["ioctl TIOCSTI"] = errno.errorcode[exc.errno]
for family, name in [(17, "AF_PACKET"), (40, "AF_VSOCK"), (38, "AF_ALG"), (4, "AF_IPX")]:
    try:
        socket.socket(family, socket.SOCK_RAW if family == 17 else socket.SOCK_SEQPACKET).close()
        out[f"socket {name}"] = "ok"
    except OSError as exc:
        out[f"socket {name}"] = errno.errorcode[exc.errno]
print(json.dumps(out))
'''

EXPECTED = {
    **{f"unshare {ns} namespace": "EPERM" for ns in ("user", "mount", "pid", "net", "uts", "ipc", "cgroup")},
    **{f"clone with a new {ns} namespace": "EPERM" for ns in ("user", "mount", "pid", "net", "uts", "ipc", "cgroup")},
    "setns": "EPERM", "clone3": "ENOSYS", "unshare command (util-linux)": "refused",
    "mount": "EPERM", "open_tree (new mount API)": "ENOSYS",
    "ptrace attach to own child": "EPERM", "ptrace attach to pid 1": "EPERM", "process_vm_readv": "EPERM",
    "add_key (keyring)": "EPERM", "keyctl (keyring)": "EPERM", "bpf": "EPERM", "perf_event_open": "EPERM",
    "userfaultfd": "EPERM", "kexec_load": "EPERM", "init_module": "EPERM",
    "personality ADDR_NO_RANDOMIZE": "EINVAL", "personality ADDR_NO_RANDOMIZE, high bits set": "EINVAL",
    "personality all flags but one": "EINVAL",
    # The kernel reads an unsigned int: a query with high bits set is still a query.
    "personality query": "ok", "personality query, high bits set": "ok", "personality PER_LINUX": "ok",
    "io_uring_setup": "ENOSYS", "settimeofday": "EPERM",
    "syslog (kernel log)": "EPERM", "ioctl TIOCSTI": "EPERM",
    "socket AF_PACKET": "EAFNOSUPPORT", "socket AF_VSOCK": "EAFNOSUPPORT", "socket AF_ALG": "EAFNOSUPPORT",
    "socket AF_IPX": "EAFNOSUPPORT",
}


def test_blocked_system_calls_fail_inside(run_cells):
    r = run_cells([PROBE])
    assert r[0]["status"] == "ok", r[0]
    got = json.loads(r[0]["stdout"])
    wrong = {case: got.get(case) for case, want in EXPECTED.items() if got.get(case) != want}
    assert not wrong, f"calls that did not fail as the filter says: {wrong}"


def test_everyday_libraries_and_processes_still_work(run_cells):
    r = run_cells([
        "import numpy as np, pandas as pd\nprint(int(np.linalg.inv(np.eye(3)).sum()), len(pd.DataFrame({'a': [1, 2]})))",
        "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
        "import threading\nout = []\nts = [threading.Thread(target=out.append, args=(i,)) for i in range(8)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts]\nprint(sorted(out))",
        "from multiprocessing import Pool\nwith Pool(2) as pool:\n    print(pool.map(abs, [-1, -2, 3]))",
        "from concurrent.futures import ProcessPoolExecutor\nwith ProcessPoolExecutor(2) as ex:\n"
        "    print(list(ex.map(abs, [-4, 5])))",
        "import subprocess\nprint(subprocess.run(['echo', 'hello'], capture_output=True, text=True).stdout.strip())",
        "import os\nprint(os.uname().sysname)",
    ])
    assert [c["status"] for c in r] == ["ok"] * 7, [(c["status"], c["error"]) for c in r]
    assert r[0]["stdout"] == "3 2\n"
    assert any(o["mime"] == "image/png" for o in r[1]["outputs"])
    assert r[2]["stdout"] == "[0, 1, 2, 3, 4, 5, 6, 7]\n"
    assert r[3]["stdout"] == "[1, 2, 3]\n" and r[4]["stdout"] == "[4, 5]\n"
    assert r[5]["stdout"] == "hello\n" and r[6]["stdout"] == "Linux\n"


def test_kernel_cgroup_holds_the_kernel_and_is_removed(tmp_path):
    from oci_desktop.engine.sandbox import KernelSession
    from oci_desktop.engine.sandbox.cgroups import detect

    session = KernelSession(tmp_path / "ws")
    session.start()
    try:
        if detect().available:
            folder = next(iter(session.cgroup.folders.values()))
            assert session.kernel_pid in session.cgroup.pids()
            assert session.enforcement["memory"].startswith("cgroup")
        else:
            folder = None
            assert session.cgroup is None and session.enforcement["memory"] == "address-space rlimit"
    finally:
        session.shutdown()
    assert folder is None or not folder.exists()
