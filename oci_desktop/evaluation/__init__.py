"""HumanEval(+)/MBPP(+) evaluation over the engine (no Qt): the paper's protocol in three modes,
scored in the sandbox, resumable runs and reports."""
