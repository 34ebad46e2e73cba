"""HumanEval(+)/MBPP(+) evaluation over the engine (no Qt). So far: the benchmark data."""
