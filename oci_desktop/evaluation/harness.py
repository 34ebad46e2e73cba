"""Code installed once in a sandboxed kernel that runs a program's function over a task's inputs.

It lives in the kernel as plain functions so that each task costs one small cell. Inputs come
from a JSON file the host wrote into the workspace; every call gets a fresh deep copy, and a
per-input time limit (SIGALRM) stops a slow call. A call stuck in C code ignores the alarm: the
cell's own time limit then kills and restarts the kernel, and the host reinstalls this code.
"""

HARNESS = r'''
import copy as _oci_copy, json as _oci_json, math as _oci_math, signal as _oci_signal, time as _oci_time

class _OciTimeout(Exception):
    pass

def _oci_alarm(signum, frame):
    raise _OciTimeout()

_oci_signal.signal(_oci_signal.SIGALRM, _oci_alarm)
_oci_expected = {}

def _oci_load(program, entry):
    space = {"__name__": "__oci_eval__"}
    exec(compile(program, "<solution>", "exec"), space)
    return space.get(entry)

def _oci_call(fn, args, limit):
    _oci_signal.setitimer(_oci_signal.ITIMER_REAL, limit)
    began = _oci_time.perf_counter()
    try:
        return "ok", fn(*_oci_copy.deepcopy(args)), _oci_time.perf_counter() - began
    except _OciTimeout:
        return "timeout", None, limit
    except BaseException as exc:
        return "exception", f"{type(exc).__name__}: {exc}", _oci_time.perf_counter() - began
    finally:
        _oci_signal.setitimer(_oci_signal.ITIMER_REAL, 0)

def _oci_floats(value):
    if isinstance(value, float):
        return True
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(v, float) for v in value)

def _oci_same(got, want, atol):
    import re as _oci_re
    if isinstance(want, _oci_re.Match) or isinstance(got, _oci_re.Match):
        return (got is None) == (want is None)  # match objects never compare equal: found or not
    if _oci_floats(want) and _oci_floats(got):
        atol = atol or 1e-6
        pairs = zip(got, want) if isinstance(want, (list, tuple)) else [(got, want)]
        if isinstance(want, (list, tuple)) and len(got) != len(want):
            return False
        return all(_oci_math.isclose(g, w, rel_tol=1e-7, abs_tol=atol) for g, w in pairs)
    return got == want

def _oci_is_root(coefficients, x):
    """Any root will do. HumanEval's own bound (|poly(x)| < 1e-4) fails for roots of steep
    polynomials at float precision, so a sign change within a relative 1e-9 counts too."""
    if not isinstance(x, (int, float)) or isinstance(x, bool) or not _oci_math.isfinite(x):
        return False
    poly = lambda v: sum(c * v ** i for i, c in enumerate(coefficients))
    step = 1e-9 * max(1.0, abs(x))
    return abs(poly(x)) < 1e-4 or poly(x - step) * poly(x + step) <= 0

def _oci_tuples(value, depth):
    """Lists to tuples, down to `depth` levels (-1: all the way)."""
    if isinstance(value, list):
        inner = [_oci_tuples(v, depth - 1) for v in value] if depth != 1 else value
        return tuple(inner)
    return value

def _oci_complex(value):
    if isinstance(value, str):
        try:
            return complex(value.replace(" ", ""))
        except ValueError:
            return value
    return value

_OCI_CONVERSIONS = {
    "": lambda args: args,
    "inner-tuples": lambda args: [[_oci_tuples(v, 1) for v in a] if isinstance(a, list) else a for a in args],
    "arg-tuples": lambda args: [_oci_tuples(a, 1) for a in args],
    "last-arg-tuple": lambda args: args[:-1] + [_oci_tuples(args[-1], 1)] if args else args,
    "first-arg-tuple": lambda args: [_oci_tuples(args[0], 1)] + args[1:] if args else args,
    "all-tuples": lambda args: [_oci_tuples(a, -1) for a in args],
    "complex": lambda args: [_oci_complex(a) for a in args],
    "all-tuples-complex": lambda args: [_oci_complex(_oci_tuples(a, -1)) for a in args],
}
_oci_conversion = {}

def _oci_inputs(task_id, inputs_file):
    return [_OCI_CONVERSIONS[_oci_conversion.get(task_id, "")](args) for args in _oci_json.load(open(inputs_file))]

def _oci_expect(task_id, program, entry, inputs_file, conversion=""):
    _oci_conversion[task_id] = conversion
    fn = _oci_load(program, entry)
    inputs = _oci_inputs(task_id, inputs_file)
    outs, times, failed = [], [], 0
    for args in inputs:
        status, out, spent = _oci_call(fn, args, 60.0)
        outs.append(out if status == "ok" else None)
        times.append(spent)
        failed += status != "ok"
    _oci_expected[task_id] = (outs, times)
    print(_oci_json.dumps({"inputs": len(inputs), "failed": failed}))

def _oci_check(task_id, program, entry, inputs_file, n_base, atol, oracle, factor, min_limit):
    result = {"base": True, "plus": True, "failure": None}
    try:
        fn = _oci_load(program, entry)
    except BaseException as exc:
        result.update(base=False, plus=False, failure={"kind": "exception", "detail": f"{type(exc).__name__}: {exc}"})
        print(_oci_json.dumps(result)); return
    if not callable(fn):
        result.update(base=False, plus=False, failure={"kind": "missing_function", "detail": entry})
        print(_oci_json.dumps(result)); return
    inputs = _oci_inputs(task_id, inputs_file)
    outs, times = _oci_expected[task_id]
    for index, args in enumerate(inputs):
        limit = max(min_limit, factor * times[index])
        status, got, _ = _oci_call(fn, args, limit)
        if status == "ok":
            if oracle == "find_zero":
                ok = _oci_is_root(args[0], got)
            else:
                ok = _oci_same(got, outs[index], atol)
        else:
            ok = False
        if not ok:
            result["plus"] = False
            if index < n_base:
                result["base"] = False
            if result["failure"] is None:
                result["failure"] = {"kind": "wrong_answer" if status == "ok" else status, "input": repr(args)[:300],
                                     "expected": repr(outs[index])[:300], "got": repr(got)[:300], "base": index < n_base}
            if index < n_base:
                break
    print(_oci_json.dumps(result))
'''
