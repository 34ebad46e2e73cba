"""The system calls code in the sandbox may not make: a seccomp blocklist given to bubblewrap.

Modelled on Flatpak's filter (flatpak-run.c, setup_seccomp) and Docker's default profile
(moby/profiles/seccomp/default.json): every call stays allowed except those that reach kernel
features a notebook never needs and most container escapes and kernel exploits start from. The
same filter holds in both ways the sandbox is built: as root (no user namespace, where it is what
stops code from creating namespaces of its own) and unprivileged.

Calls from another ABI (32-bit int 0x80 on x86_64) do not match the native filter and kill the
process (libseccomp's default for a foreign architecture), so the table cannot be bypassed that way.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

# Namespace flags of clone(2); clone3 passes its flags in memory seccomp cannot read, so clone3
# answers ENOSYS and the C library falls back to clone, whose flags are checked.
_CLONE_NEW = {"CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
              "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
              "CLONE_NEWNET": 0x40000000}
# ioctls that push input into the controlling terminal or the console (CVE-2017-5226).
_TIOCSTI, _TIOCLINUX = 0x5412, 0x541C
# Socket families a notebook uses (Flatpak's list): local, IPv4, IPv6 (only loopback while the
# network is off) and netlink (interface listing). Exotic families are where socket exploits live.
_ALLOWED_FAMILIES = (1, 2, 10, 16)  # AF_UNIX, AF_INET, AF_INET6, AF_NETLINK


@dataclass(frozen=True)
class Block:
    """One blocked call: which, the error it returns instead, and why it is blocked."""

    call: str
    error: int
    why: str


def _block(why: str, error: int, *calls: str) -> list[Block]:
    return [Block(call, error, why) for call in calls]


BLOCKED: list[Block] = [
    *_block("namespaces: a new user, mount, pid or network namespace is the first step of most "
            "sandbox escapes", errno.EPERM, "unshare", "setns"),
    *_block("namespaces (flags cannot be inspected: the C library falls back to clone)", errno.ENOSYS, "clone3"),
    *_block("mounts: the sandbox's file system is fixed", errno.EPERM,
            "mount", "umount2", "pivot_root", "chroot"),
    *_block("mounts, the new API", errno.ENOSYS,
            "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr"),
    *_block("inspecting or changing other processes", errno.EPERM,
            "ptrace", "process_vm_readv", "process_vm_writev", "kcmp"),
    *_block("the kernel keyring is not namespaced", errno.EPERM, "add_key", "keyctl", "request_key"),
    *_block("kernel attack surface with a long record of exploits", errno.EPERM,
            "bpf", "perf_event_open", "userfaultfd", "lookup_dcookie", "open_by_handle_at", "fanotify_init"),
    *_block("io_uring bypasses this filter for the calls it performs", errno.ENOSYS,
            "io_uring_setup", "io_uring_enter", "io_uring_register"),
    *_block("the running kernel, its modules and the machine", errno.EPERM,
            "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
            "swapon", "swapoff", "syslog", "acct", "quotactl", "quotactl_fd", "uselib", "vhangup",
            "iopl", "ioperm", "nfsservctl"),
    *_block("the system clock", errno.EPERM, "settimeofday", "clock_settime", "clock_adjtime", "adjtimex"),
    *_block("memory placement across NUMA nodes", errno.EPERM,
            "mbind", "set_mempolicy", "migrate_pages", "move_pages"),
]
"""Calls blocked whatever their arguments."""

BLOCKED_WITH_ARGUMENTS = (
    "clone with namespace flags, ioctl TIOCSTI/TIOCLINUX, personality changes (queries are allowed), "
    "sockets other than local, IP and netlink")
"""Calls blocked only for some arguments, in words (the rules are in build_filter)."""


class FilterUnavailable(RuntimeError):
    """The filter cannot be built here (libseccomp is missing)."""


def _library():
    """libseccomp's own Python bindings when the system has them, else the ctypes port of the same API."""
    try:
        import seccomp  # type: ignore[import-not-found]  # noqa: PLC0415 (distribution packages only)
        return seccomp
    except ImportError:
        pass
    try:
        import pyseccomp  # noqa: PLC0415
    except (ImportError, OSError, RuntimeError) as exc:  # the module loads libseccomp.so.2 on import
        raise FilterUnavailable(f"libseccomp could not be loaded ({exc})") from exc
    return pyseccomp


def build_filter():
    """The filter as a libseccomp SyscallFilter (allow by default, the blocklist above)."""
    seccomp = _library()
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for block in BLOCKED:
        rules.add_rule(seccomp.ERRNO(block.error), block.call)
    for flag in _CLONE_NEW.values():
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    for request in (_TIOCSTI, _TIOCLINUX):
        # Only the low 32 bits are the request: compare those, or high bits would slip past.
        rules.add_rule(seccomp.ERRNO(errno.EPERM), "ioctl",
                       seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, request))
    for bit in range(32):
        # personality(0xffffffff) only asks (glibc, setarch and runtimes do), personality(0) is
        # Linux's own: allowed. Every other value changes something (ADDR_NO_RANDOMIZE turns off
        # address randomization for what runs next): refused. The kernel reads the argument as an
        # unsigned int, and a 32-bit value is neither all zeros nor all ones exactly when some bit
        # is set and the next one (bit 31's next is bit 0) is clear, so the 32 rules below say
        # that, on the low 32 bits only. (One rule cannot: libseccomp refuses two comparisons of
        # the same argument in a rule.)
        after = (bit + 1) % 32
        rules.add_rule(seccomp.ERRNO(errno.EINVAL), "personality",
                       seccomp.Arg(0, seccomp.MASKED_EQ, (1 << bit) | (1 << after), 1 << bit))
    previous = -1
    for family in _ALLOWED_FAMILIES:
        for refused in range(previous + 1, family):
            rules.add_rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.EQ, refused))
        previous = family
    rules.add_rule(seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.GE, previous + 1))
    return rules


def filter_fd() -> int:
    """A file descriptor holding the compiled filter, for bwrap's --seccomp; the caller closes it.

    Raises FilterUnavailable when libseccomp is missing: the sandbox does not start without it.
    """
    try:
        rules = build_filter()
    except FilterUnavailable:
        raise
    except (OSError, ValueError, RuntimeError) as exc:
        raise FilterUnavailable(f"the system call filter could not be built ({exc})") from exc
    fd = os.memfd_create("oci-seccomp", 0)  # in memory only; not inherited unless passed
    with open(fd, "wb", closefd=False) as out:
        rules.export_bpf(out)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
