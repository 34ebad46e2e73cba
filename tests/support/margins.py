"""The time limit of every test that runs a real model process: a guard against a hang, not a
speed test. On a machine whose cores are busy with other work, or on the x86-64-v2 build, a
model turn takes many times what it takes on a quiet machine (ggml's threads wait for each other
at every step, and one of them is often descheduled), so the suite's default of 300 s, right for
everything else, is far too short here. Speed is measured by the benchmarks."""

import pytest

REAL_MODEL = pytest.mark.timeout(1800)
