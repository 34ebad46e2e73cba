"""`oci-desktop doctor`: the diagnosis as text or JSON; exit code 1 when code cannot run here."""

from __future__ import annotations

import argparse
import json


def doctor(args: argparse.Namespace) -> int:
    from oci_desktop.engine.diagnosis import diagnose

    report = diagnose()
    print(json.dumps(report.to_json(), indent=1) if args.json else report.text(), end="" if not args.json else "\n")
    return 0 if report.can_run_code else 1
