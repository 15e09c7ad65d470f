"""``paramproof lesson``: the seed's question and its answers, each checked live against Keras.

The question (a well-known Q&A about ``model.summary()``) asked where 7,850 comes from for a
Flatten + Dense(10) on 28×28 images; five answers followed, four right and one wrong.  For each
answer this module builds the layers it talks about in the installed Keras (worker processes),
derives the same numbers with the formula engine, and, for answers that state a general formula,
tests the formula with ``paramproof claim``'s sampler.  Every verdict in ``LESSON.md`` is computed
here, from what Keras returns: none is written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from formulas._arith import evaluate

from .cases import Case, parse_case
from .claim import prepare, render, run_claim


@dataclass(frozen=True)
class Build:
    """One layer the answer talks about, built in Keras."""

    label: str
    class_name: str
    config: dict[str, Any]
    input_shape: tuple[int | None, ...]

    def case(self, index: int) -> Case:
        layer = {"class_name": self.class_name, "config": self.config}
        return parse_case({"id": f"lesson-{index}", "layer": layer, "input_shape": list(self.input_shape)}, "lesson")


@dataclass(frozen=True)
class Answer:
    """An answer as the thread gave it: its words, the arithmetic it states for a layer (checked
    against Keras's count), and the general formula it states, if any (checked with claim)."""

    title: str
    says: str
    builds: tuple[Build, ...]
    arithmetic: str | None = None  # evaluated with the claim interpreter, compared with the last build's count
    shape_matters: bool = False
    formula: tuple[str, str] | None = None  # (class, claim expression)
    samples: int = 16
    notes: tuple[str, ...] = field(default=())


QUESTION = (
    "A model of `Flatten()` then `Dense(10)` on 28×28 MNIST images prints `7,850` parameters in "
    "`model.summary()`. Where does that number come from, and how are the parameters of other layers counted?"
)

ANSWERS: tuple[Answer, ...] = (
    Answer(
        "Flatten + Dense(10) on 28×28 images",
        "Flatten has no weights and turns 28×28 into 784 inputs; Dense(10) has a 784×10 kernel and 10 biases: "
        "10 × (784 + 1) = 7,850.",
        (
            Build("Flatten on (None, 28, 28)", "Flatten", {}, (None, 28, 28)),
            Build("Dense(10) on (None, 784)", "Dense", {"units": 10}, (None, 784)),
        ),
        arithmetic="10 * (784 + 1)",
        formula=("Dense", "params == units * (inputs + 1)"),
    ),
    Answer(
        "Dense(514) on 514 inputs",
        "The same rule for a square layer: 514 × (514 + 1) = 264,710.",
        (Build("Dense(514) on (None, 514)", "Dense", {"units": 514}, (None, 514)),),
        arithmetic="514 * (514 + 1)",
    ),
    Answer(
        "Conv2D(32, 3×3) on RGB images",
        "Each of the 32 filters has a 3×3 kernel over 3 channels and one bias: 32 × (3·9 + 1) = 896. "
        "The image size does not matter.",
        (
            Build("Conv2D(32, 3) on (None, 224, 224, 3)", "Conv2D", {"filters": 32, "kernel_size": 3}, (None, 224, 224, 3)),
            Build("Conv2D(32, 3) on (None, 32, 32, 3)", "Conv2D", {"filters": 32, "kernel_size": 3}, (None, 32, 32, 3)),
        ),
        arithmetic="32 * (3 * 9 + 1)",
        formula=("Conv2D", "params == filters * (in_channels * prod(kernel_size) + 1)"),
    ),
    Answer(
        "Dense(10) on a (218, 218, 128) tensor",
        "Dense acts on the last axis only: 10 × (128 + 1) = 1,290, and the output keeps the other axes, (None, 218, 218, 10).",
        (Build("Dense(10) on (None, 218, 218, 128)", "Dense", {"units": 10}, (None, 218, 218, 128)),),
        arithmetic="10 * (128 + 1)",
        shape_matters=True,
    ),
    Answer(
        "neurons = params / (units × 4)",
        "The wrong answer: it divides the parameter count by 4, as if counting bytes, to get the number of inputs.",
        (Build("Dense(10) on (None, 784)", "Dense", {"units": 10}, (None, 784)),),
        arithmetic=None,
        formula=("Dense", "inputs == params / (units * 4)"),
        notes=("4 is the size of a float32 weight in bytes; the count itself is of weights, not bytes.",),
    ),
)


@dataclass
class Checked:
    answer: Answer
    results: list[Any]
    stated: Any = None
    verdict: str = ""
    claim_lines: list[str] = field(default_factory=list)
    claim_verdict: str = ""


def check(pool: Any) -> tuple[list[Checked], dict[str, str]]:
    """Build every layer the answers mention and test their formulas; returns the checks and
    the Keras version/backend."""
    cases: list[Case] = []
    for answer in ANSWERS:
        cases += [b.case(len(cases) + i) for i, b in enumerate(answer.builds)]
    by_id = {r.case.id: r for r in pool.run(cases)}
    out: list[Checked] = []
    position = 0
    for answer in ANSWERS:
        results = [by_id[f"lesson-{position + i}"] for i in range(len(answer.builds))]
        position += len(answer.builds)
        checked = Checked(answer, results)
        last = results[-1]
        observed = last.observed
        if answer.arithmetic is not None:
            checked.stated = evaluate(answer.arithmetic)
            if observed is None or observed.refused:
                checked.verdict = f"Keras refused the layer: {last.detail}"
            elif observed.count_params == checked.stated:
                checked.verdict = "holds: Keras counts exactly the stated number"
            else:
                checked.verdict = f"does not hold: Keras counts {observed.count_params:,}, the answer says {checked.stated:,}"
        if answer.formula is not None:
            class_name, text = answer.formula
            report = run_claim(prepare(class_name, text, samples=answer.samples, seed=0), pool)
            checked.claim_lines = render(report)
            checked.claim_verdict = str(report.verdict)
        out.append(checked)
    info = getattr(pool, "info", {}) or {}
    return out, {"keras": str(info.get("keras", "?")), "backend": str(info.get("backend", "?"))}


def _fmt(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def render_markdown(checks: list[Checked], env: dict[str, str]) -> str:
    where = f"Keras {env['keras']} ({env['backend']})"
    lines = [
        "# The lesson: where 7,850 comes from",
        "",
        f"Generated by `paramproof lesson` on {where}. Every verdict below is computed from what that Keras",
        "built, and every formula from the engine (`formulas/`); none is written by hand.",
        "",
        "## The question",
        "",
        QUESTION,
    ]
    for n, c in enumerate(checks, start=1):
        a = c.answer
        lines += ["", f"## Answer {n}: {a.title}", "", f"> {a.says}", "", f"**What {where} says:**", ""]
        for build, result in zip(a.builds, c.results):
            o = result.observed
            if o is None or o.refused:
                lines.append(f"- {build.label}: refused ({result.detail})")
                continue
            lines.append(
                f"- {build.label}: {o.count_params:,} parameters "
                f"({o.trainable:,} trainable, {o.non_trainable:,} non-trainable), output {_shape(o.output_shape)}; "
                f"the formula engine agrees: {result.status}"
            )
        if c.verdict:
            lines += ["", f"**Verdict on the stated arithmetic** `{a.arithmetic}` = {_fmt(c.stated)}: {c.verdict}."]
        if a.shape_matters and c.results[-1].observed is not None and not c.results[-1].observed.refused:
            lines.append(f"The output shape Keras returns is {_shape(c.results[-1].observed.output_shape)}.")
        if c.claim_lines:
            lines += [
                "",
                f"**The general formula, tested with `paramproof claim` ({c.claim_verdict}):**",
                "",
                "```text",
                *c.claim_lines,
                "```",
            ]
        last = c.results[-1]
        if last.expected is not None:
            lines += ["", "**Why** (the engine's derivation for the last layer):", "", "```text", last.expected.explain(), "```"]
        lines += [f"Note: {note}" for note in a.notes]
    return "\n".join(lines) + "\n"


def _shape(shape: Any) -> str:
    from formulas import format_output_shape

    return format_output_shape(shape)
