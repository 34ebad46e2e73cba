"""Every run in an output folder summed up: results.json, a Markdown table in the paper's layout
beside the paper's published numbers, and a chart of single-turn vs feedback pass@1."""

from __future__ import annotations

import json
from pathlib import Path

from .code_version import versions
from .datasets import DATASETS
from .run import read_records

MODE_NAMES = {"single": "single turn, the paper's prompt", "feedback-oracle": "execution feedback, oracle (paper's protocol)",
              "feedback-honest": "execution feedback, honest (refine loop)",
              "feedback-reviewer": "reviewer feedback (paper's synth. human feedback protocol)",
              "feedback-reviewer-oracle": "reviewer feedback, oracle: it also sees the canonical solution",
              "feedback-reviewer-honest": "reviewer feedback, honest (refine loop with the reviewer)"}
BASELINES = {"feedback-reviewer": "feedback-oracle", "feedback-reviewer-oracle": "feedback-oracle",
             "feedback-reviewer-honest": "feedback-honest"}
"""Each reviewer mode against the same run with execution feedback alone."""
# pass@1 in percent from the paper (arXiv 2402.14658): HumanEval, HumanEval+, MBPP, MBPP+.
# Single turn is published only as the average of the two datasets (base, plus).
PUBLISHED = [
    ("OpenCodeInterpreter-DS-1.3B", "single turn", None, 64.3, 56.7),
    ("OpenCodeInterpreter-DS-1.3B", "execution feedback", (65.2, 62.2, 65.2, 55.6), None, None),
    ("OpenCodeInterpreter-DS-6.7B", "single turn", None, 75.1, 67.9),
    ("OpenCodeInterpreter-DS-6.7B", "execution feedback", (81.1, 78.7, 82.7, 72.4), None, None),
    ("OpenCodeInterpreter-DS-6.7B", "+ synth. human feedback (GPT-4)", (87.2, 86.6, 86.2, 74.2), None, None),
    ("OpenCodeInterpreter-DS-6.7B", "+ synth. human feedback (GPT-4), oracle: it also sees the canonical solution",
     (89.7, 86.6, 87.2, 75.2), None, None),
    ("OpenCodeInterpreter-DS-33B", "single turn", None, 79.0, 70.4),
    ("OpenCodeInterpreter-DS-33B", "execution feedback", (82.9, 80.5, 83.5, 72.2), None, None),
    ("OpenCodeInterpreter-DS-33B", "+ synth. human feedback (GPT-4)", (88.4, 86.0, 87.5, 75.9), None, None),
    ("OpenCodeInterpreter-DS-33B", "+ synth. human feedback (GPT-4), oracle: it also sees the canonical solution",
     (92.7, 89.7, 90.5, 79.5), None, None),
    # Qwen2.5-Coder tech report (arXiv 2409.12186), instruct models, bf16 on vLLM, Qwen's own prompt.
    ("Qwen2.5-Coder-0.5B-Instruct", "single turn, Qwen's own prompt (bf16, Qwen's report)",
     (61.6, 57.3, 52.4, 43.7), None, None),
    ("Qwen2.5-Coder-1.5B-Instruct", "single turn, Qwen's own prompt (bf16, Qwen's report)",
     (70.7, 66.5, 69.2, 59.4), None, None),
]
SUFFIXES = {"": "", "-native": ", the model family's own prompt (native)", "-plus": ", feedback from plus tests",
            "-base": ", feedback from base tests"}


def summarize(out: Path) -> list[dict]:
    runs = []
    for meta_path in sorted(out.glob("*.meta.json")):
        meta = json.loads(meta_path.read_text())
        if meta["dataset"] not in DATASETS:  # DABench has a table of its own (dabench_run.markdown)
            continue
        records = list(read_records(meta_path.with_name(meta_path.name.replace(".meta.json", ".jsonl"))).values())
        total = DATASETS[meta["dataset"]].tasks
        n = len(records)
        if not n:  # started and stopped before its first task ended: nothing to report
            continue
        run = {**meta, "run": meta_path.name.replace(".meta.json", ""), "tasks": n, "dataset_tasks": total,
               "complete": n == total, "base_passed": sum(r["base"] for r in records),
               "plus_passed": sum(r["plus"] for r in records),
               "first_base_passed": sum(r["first_base"] for r in records),
               "first_plus_passed": sum(r["first_plus"] for r in records),
               "seconds": round(sum(r["seconds"] for r in records), 1), "code_versions": versions(records)}
        for part in ("base", "plus"):  # the same tasks before and after feedback
            run[f"fixed_{part}"] = sum(r[part] and not r[f"first_{part}"] for r in records)
            run[f"broken_{part}"] = sum(r[f"first_{part}"] and not r[part] for r in records)
        for key in ("base", "plus", "first_base", "first_plus"):
            run[f"{key}_pass_at_1"] = round(100 * run[f"{key}_passed"] / n, 1)
        runs.append(run)
    for run in runs:
        if run["mode"] in BASELINES:
            run["against_execution"] = _against_execution(out, run)
    return runs


def _against_execution(out: Path, run: dict) -> dict | None:
    """Task by task, the reviewer run against the same run with execution feedback alone (same
    dataset, model, tests, reply length, and round limit for the refine loop), over the tasks both have finished; None when
    there is no such run."""
    baseline = run["run"].replace(run["mode"], BASELINES[run["mode"]], 1)
    meta_path = out / f"{baseline}.meta.json"
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    same = ("model", "max_tokens") + (("rounds",) if run["mode"].endswith("-honest") else ())  # the oracle's: 2 attempts
    if any(meta.get(key) != run.get(key) for key in same):
        return None
    with_reviewer = read_records(out / f"{run['run']}.jsonl")
    alone = read_records(out / f"{baseline}.jsonl")
    common = sorted(set(with_reviewer) & set(alone))
    if not common:
        return None
    result: dict = {"run": baseline, "tasks": len(common)}
    for part in ("base", "plus"):
        result[f"fixed_{part}"] = [t for t in common if with_reviewer[t][part] and not alone[t][part]]
        result[f"broken_{part}"] = [t for t in common if alone[t][part] and not with_reviewer[t][part]]
        result[f"reviewer_{part}"] = sum(with_reviewer[t][part] for t in common)
        result[f"alone_{part}"] = sum(alone[t][part] for t in common)
    return result


def _cell(run: dict | None) -> str:
    if run is None:
        return "-"
    partial = "" if run["complete"] else f" [{run['tasks']}/{run['dataset_tasks']} tasks]"
    if run.get("code_versions", 1) > 1:  # resumed across a change of the loop, prompts or scoring
        partial += f" [mixed: {run['code_versions']} versions of the code]"
    return f"{run['base_pass_at_1']:.1f} ({run['plus_pass_at_1']:.1f}){partial}"


def _average(a: dict | None, b: dict | None) -> str:
    if not a or not b or not (a["complete"] and b["complete"]):
        return "-"
    return (f"{(a['base_pass_at_1'] + b['base_pass_at_1']) / 2:.1f} "
            f"({(a['plus_pass_at_1'] + b['plus_pass_at_1']) / 2:.1f})")


def markdown(runs: list[dict]) -> str:
    lines = ["| model | mode | HumanEval (+) | MBPP (+) | average (+) |", "|---|---|---|---|---|"]
    models = sorted({r["model"] for r in runs})
    for model in models:
        for mode in MODE_NAMES:
            for suffix, words in SUFFIXES.items():
                he = next((r for r in runs if r["model"] == model and r["run"] == f"humaneval-{mode}{suffix}"), None)
                mb = next((r for r in runs if r["model"] == model and r["run"] == f"mbpp-{mode}{suffix}"), None)
                if he or mb:
                    label = (MODE_NAMES[mode] if suffix != "-native" or mode != "single" else "single turn") + words
                    reviewer = (he or mb).get("reviewer")
                    label += f", reviewer {reviewer}" if reviewer else ""
                    lines.append(f"| {model} (this run) | {label} | {_cell(he)} | {_cell(mb)} | {_average(he, mb)} |")
    for model, mode, per_dataset, avg, avg_plus in PUBLISHED:
        if per_dataset:
            he, hep, mb, mbp = per_dataset
            lines.append(f"| {model} (paper) | {mode} | {he} ({hep}) | {mb} ({mbp}) | "
                         f"{(he + mb) / 2:.1f} ({(hep + mbp) / 2:.1f}) |")
        else:
            lines.append(f"| {model} (paper) | {mode} | - | - | {avg} ({avg_plus}) |")
    lines.append("")
    lines.append("pass@1 in percent, greedy decoding; the number in brackets is the plus score (base and "
                 "EvalPlus's extra inputs). The paper's feedback rows use its oracle protocol. \"The paper's "
                 "prompt\" is OpenCodeInterpreter's evaluation instruction; \"native\" is the family's own "
                 "(Qwen's for Qwen2.5-Coder: its system line, the task in a python block, the answer pre-filled "
                 "with a python fence and stopped where it closes).")
    return "\n".join(lines + _feedback_table(runs) + _reviewer_table(runs)) + "\n"


def _feedback_table(runs: list[dict]) -> list[str]:
    """Each feedback run's own first attempts against its final programs: the effect of feedback
    on exactly the same tasks, counted task by task."""
    rows = [r for r in runs if r["mode"] != "single"]
    if not rows:
        return []
    lines = ["", "| run | model | tasks | first attempt (+) | after feedback (+) | fixed (+) | broken (+) |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['run']} | {r['model']} | {r['tasks']} | {r['first_base_pass_at_1']:.1f} "
                     f"({r['first_plus_pass_at_1']:.1f}) | {r['base_pass_at_1']:.1f} ({r['plus_pass_at_1']:.1f}) | "
                     f"{r['fixed_base']} ({r['fixed_plus']}) | {r['broken_base']} ({r['broken_plus']}) |")
    lines += ["", "Fixed: tasks whose first program failed and whose final program passes; broken: the "
                  "other way round. The first attempt is the single-turn answer to the same prompt."]
    return lines


def _reviewer_table(runs: list[dict]) -> list[str]:
    """What the reviewer changed against execution feedback alone, task by task."""
    rows = [r for r in runs if r.get("against_execution")]
    if not rows:
        return []
    lines = ["", "| reviewer run | against | tasks in both | with the reviewer (+) | execution feedback alone (+) | "
                 "fixed (+) | broken (+) |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        a = r["against_execution"]
        lines.append(f"| {r['run']} ({r.get('reviewer')}) | {a['run']} | {a['tasks']} | {a['reviewer_base']} "
                     f"({a['reviewer_plus']}) | {a['alone_base']} ({a['alone_plus']}) | {len(a['fixed_base'])} "
                     f"({len(a['fixed_plus'])}) | {len(a['broken_base'])} ({len(a['broken_plus'])}) |")
    lines += ["", "Tasks passed out of those both runs finished. Fixed: the task passes with the reviewer and fails "
                  "with execution feedback alone; broken: the other way round (the task ids are in results.json)."]
    return lines


LEGEND = {"single": "single turn", "feedback-oracle-plus": "feedback, oracle (paper), plus tests",
          "feedback-oracle-base": "feedback, oracle (paper), base tests", "feedback-honest": "feedback, honest",
          "feedback-reviewer-plus": "reviewer (paper), plus tests", "feedback-reviewer-base": "reviewer (paper), base tests",
          "feedback-reviewer-oracle-plus": "reviewer seeing the solution, plus tests",
          "feedback-reviewer-oracle-base": "reviewer seeing the solution, base tests",
          "feedback-reviewer-honest": "reviewer, honest"}


def chart(runs: list[dict], path: Path) -> None:
    """Grouped bars: one group per benchmark, one bar per mode; a run that is not complete says
    how many tasks its bar stands on, and a missing run has no bar."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [("humaneval", "base", "HumanEval"), ("humaneval", "plus", "HumanEval+"),
              ("mbpp", "base", "MBPP"), ("mbpp", "plus", "MBPP+")]
    names = [n for n in LEGEND if any(r["run"].split("-", 1)[1] == n for r in runs)]
    fig, ax = plt.subplots(figsize=(8.5, 4.4), dpi=110)
    width, top = 0.8 / max(1, len(names)), 0.0
    for i, name in enumerate(names):
        for g, (dataset, part, _) in enumerate(groups):
            run = next((r for r in runs if r["run"] == f"{dataset}-{name}"), None)
            if run is None:
                continue
            value = run[f"{part}_pass_at_1"]
            top = max(top, value)
            bar = ax.bar(g + i * width, value, width, color=f"C{i}", label=LEGEND[name] if g == 0 or not i else None)
            note = "" if run["complete"] else f"\n{run['tasks']}/{run['dataset_tasks']}"
            ax.bar_label(bar, labels=[f"{value:.1f}{note}"], fontsize=7)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys(), fontsize=8, loc="upper right")
    ax.set_xticks([g + width * (len(names) - 1) / 2 for g in range(len(groups))], [g[2] for g in groups])
    ax.set_ylim(0, max(5.0, top * 1.35))
    ax.set_ylabel("pass@1 (%)")
    ax.set_title(f"Single turn vs execution feedback: {', '.join(sorted({r['model'] for r in runs}))}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_report(out: Path) -> list[Path]:
    from .dabench_run import markdown as dabench_markdown

    runs = summarize(out)
    data_analysis = dabench_markdown(out)
    if not runs and not data_analysis:
        return []
    (out / "results.json").write_text(json.dumps({"runs": runs}, indent=1))
    (out / "results.md").write_text((markdown(runs) if runs else "") + "\n".join(data_analysis) + "\n")
    if not runs:
        return [out / "results.json", out / "results.md"]
    chart(runs, out / "results.png")
    return [out / "results.json", out / "results.md", out / "results.png"]
