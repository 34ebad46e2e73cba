"""Runs cells in one sandboxed kernel and prints their results as JSON.

The sandbox tests start this as root and as an unprivileged user, so that both ways the
sandbox is built are tested through the same cells. Input on stdin:
{"workspace": path, "limits": {...}, "cells": [code, ...]}
"""

import json
import os
import sys
from pathlib import Path

from oci_desktop.engine.sandbox import Executor, KernelSession, SandboxLimits


def main() -> None:
    request = json.load(sys.stdin)
    limits = SandboxLimits(**request.get("limits", {}))
    session = KernelSession(Path(request["workspace"]), limits)
    session.start()
    executor = Executor(session)
    results = []
    enforcement = session.enforcement
    try:
        for code in request["cells"]:
            code = code.replace("{DRIVER_PID}", str(os.getpid()))
            result = executor.run(code).to_json()
            result["kernel_alive_after"] = session.is_alive()
            results.append(result)
    finally:
        session.shutdown()
    json.dump({"driver_pid": os.getpid(), "enforcement": enforcement, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
