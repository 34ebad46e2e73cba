"""Running untrusted, model-written Python in a sandboxed Jupyter kernel.

Public api: KernelSession (one sandboxed kernel and its workspace), Executor (run a cell,
get an ExecutionResult), SandboxLimits, check_sandbox / SandboxUnavailable.
"""

from .executor import Executor
from .kernel import KernelDied, KernelSession
from .limits import SandboxLimits
from .probe import SandboxUnavailable, check_sandbox
from .result import ErrorInfo, ExecutionResult, RichOutput

__all__ = ["Executor", "KernelDied", "KernelSession", "SandboxLimits", "SandboxUnavailable",
           "check_sandbox", "ErrorInfo", "ExecutionResult", "RichOutput"]
