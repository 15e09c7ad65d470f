"""``paramproof claim``: test a formula someone states against real Keras.

    paramproof claim Dense "params == units * (inputs + 1)"
    paramproof claim Conv2D "params == filters * (in_channels * prod(kernel_size) + 1)" --vary all
    paramproof claim --examples

The claim (see :mod:`verify.claim_expr` for the language) is checked on seeded samples drawn from
the class's sweep space (``verify/spaces``).  ``--vary mentioned`` (the default) keeps only the
config keys the claim or ``--where`` names (plus those the constructor cannot do without, such as
Dense's ``units``), so every other option is at Keras's default, and varies the input shape only
when the claim names ``inputs`` or ``in_channels`` (otherwise every sample has the input shape of
the first draw).  ``--vary all`` keeps the whole draw (quantization included where the space
draws it) and adds one dimension the spaces do not draw: the layer's ``dtype`` (float16,
bfloat16, float64 or the mixed_float16 policy, in about a third of the samples).

Each sample is built in a worker process (:class:`verify.pool.WorkerPool`).  The names' values are
Keras's own: the config values come from ``layer.get_config()`` of the constructed layer (so
defaults and normalisation, ``kernel_size=3`` → ``(3, 3)``, are as Keras has them; an option
``get_config()`` leaves out takes the constructor's default), ``params`` from ``count_params()``,
``trainable``/``non_trainable`` from the layer's weights and ``bytes`` from the weights' dtypes
(``Observation.weight_bytes``).  A sample Keras refuses, one ``--where`` excludes, one the claim
cannot be evaluated on (a name without a numeric value, a division by zero) and one whose worker
crashed or timed out are not evidence; each is counted.  A refuted claim's smallest failing sample
is shrunk with :func:`verify.sweep.shrink`.

Exit codes: 0 confirmed, 1 refuted, 2 a bad claim, an unknown name or class, or nothing testable.
"""

from __future__ import annotations

import argparse
import difflib
import inspect
import json
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .argtypes import positive_int, worker_options
from .cases import Case, CaseError, parse_case
from .claim_expr import INPUT_NAMES, OBSERVED, ClaimSyntaxError, EvalError, Expr, check_names, format_value, parse
from .spaces import Space, all_spaces
from .sweep import shrink, to_json

EXIT_CONFIRMED, EXIT_REFUTED, EXIT_USAGE = 0, 1, 2
DEFAULT_SAMPLES = 32
#: Draws allowed per wanted sample before giving up (refusals and --where exclusions use them up).
MAX_DRAWS_PER_SAMPLE = 10
SHRINK_BUDGET = 80
#: The dtype dimension ``--vary all`` adds (no sweep space draws a layer dtype).
EXTRA_DTYPES = ("float16", "bfloat16", "float64", "mixed_float16")
EXTRA_DTYPE_SHARE = 0.3
RESERVED = frozenset(OBSERVED) | frozenset(INPUT_NAMES)


class Vary(StrEnum):
    MENTIONED = "mentioned"
    ALL = "all"


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    REFUTED = "refuted"
    UNTESTED = "untested"


class Outcome(StrEnum):
    BUILT = "built"  # from the worker: built, not judged yet
    HOLDS = "holds"
    FAILS = "fails"
    REFUSED = "refused"  # Keras refused the config or input shape
    EXCLUDED = "excluded"  # --where is false (or undefined) on it
    UNDEFINED = "undefined"  # the claim cannot be evaluated on it
    LOST = "lost"  # the worker crashed or timed out

    @property
    def evidence(self) -> bool:
        return self in (Outcome.HOLDS, Outcome.FAILS)


class ClaimError(ValueError):
    """A claim that cannot be run (unknown class, no sweep space): exit 2."""


# -- values -----------------------------------------------------------------------------------


def numeric(value: Any) -> Any:
    """A config value as the claim language sees it: bools as 0/1, numbers, tuples of numbers;
    None stays None (no value in this config); anything else is :data:`NOT_NUMERIC`."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (int, float)) for v in value):
        return tuple(int(v) if isinstance(v, bool) else v for v in value)
    return NOT_NUMERIC


NOT_NUMERIC = object()


def _signature_defaults(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    """The constructor's parameters with their defaults, and the ones without a default."""
    defaults: dict[str, Any] = {}
    required: set[str] = set()
    try:
        parameters = inspect.signature(cls.__init__).parameters  # type: ignore[misc]
    except (TypeError, ValueError):
        return defaults, frozenset()
    for name, p in parameters.items():
        if name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.default is p.empty:
            required.add(name)
        else:
            defaults[name] = p.default
    return defaults, frozenset(required)


def input_values(shape: Any, data_format: Any) -> dict[str, Any]:
    """``inputs``: the last axis of the (first) input; ``in_channels``: its channel axis, axis 1
    for ``data_format="channels_first"`` and the last axis otherwise."""
    first = shape[0] if shape and isinstance(shape[0], (list, tuple)) else shape
    if not first or len(first) < 2:
        return {"inputs": None, "in_channels": None}
    channels = first[1] if data_format == "channels_first" else first[-1]
    return {"inputs": first[-1], "in_channels": channels}


def _example(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- worker tasks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    """What names a class's config offers, read from Keras in a worker: constructor parameters
    and ``get_config()`` keys, split into those that can hold numbers and the others."""

    class_name: str
    numeric: frozenset[str] = frozenset()
    other: Mapping[str, str] = field(default_factory=dict)  # non-numeric key -> an example value
    required: frozenset[str] = frozenset()
    error: str | None = None
    keras_version: str = ""
    backend: str = ""


@dataclass(frozen=True)
class SchemaTask:
    class_name: str
    configs: tuple[Mapping[str, Any], ...]  # tried in order until Keras constructs one

    @property
    def id(self) -> str:
        return f"schema-{self.class_name}"

    def run(self, env: Any) -> Schema:
        try:
            cls = env.layer_class(self.class_name)
        except LookupError as exc:
            return Schema(self.class_name, error=str(exc), keras_version=env.version, backend=env.backend)
        defaults, required = _signature_defaults(cls)
        values: dict[str, Any] = dict(defaults)
        for config in self.configs:
            try:
                values.update(env.build_layer(self.class_name, config).get_config())
                break
            except Exception:  # noqa: BLE001 - a refused draw: try the next
                continue
        numeric_names = {k for k, v in values.items() if numeric(v) is not NOT_NUMERIC} | set(required)
        other = {k: _example(v) for k, v in values.items() if k not in numeric_names}
        return Schema(
            self.class_name,
            frozenset(numeric_names - RESERVED),
            {k: v for k, v in other.items() if k not in RESERVED},
            required,
            keras_version=env.version,
            backend=env.backend,
        )

    def lost(self, status: Any, detail: str, keras_version: str, backend: str) -> Schema:
        return Schema(self.class_name, error=f"{status}: {detail}", keras_version=keras_version, backend=backend)


@dataclass(frozen=True)
class Sample:
    """One drawn case and what came of it; ``values`` are the names' values (config, inputs,
    and, once built, the observed ones)."""

    index: int
    case: Case
    outcome: Outcome
    values: Mapping[str, Any] = field(default_factory=dict)
    detail: str = ""


@dataclass(frozen=True)
class ClaimTask:
    """Build one sample in a worker: construct the layer (for Keras's config values), apply
    ``--where``, then build it on its input and read its weights."""

    index: int
    case: Case
    where: str | None = None

    @property
    def id(self) -> str:
        return self.case.id

    def run(self, env: Any) -> Sample:
        from .harness import _error_text

        case = self.case
        try:
            layer = env.build_layer(case.class_name, case.config)
            config = layer.get_config()
        except Exception as exc:  # noqa: BLE001 - Keras refusing the config is the observation
            return Sample(self.index, case, Outcome.REFUSED, detail=_error_text(exc))
        try:
            defaults, _ = _signature_defaults(type(layer))
            values: dict[str, Any] = {}
            for source in (defaults, case.config, config):  # later wins: Keras's own config last
                for key, value in source.items():
                    converted = numeric(value)
                    if converted is not NOT_NUMERIC and key not in RESERVED:
                        values[key] = converted
            values.update(input_values(case.input_shape, config.get("data_format")))
            if self.where is not None:
                try:
                    keep = parse(self.where, what="condition").evaluate(values)
                except EvalError as exc:
                    return Sample(self.index, case, Outcome.EXCLUDED, values, f"--where cannot be evaluated: {exc}")
                if not keep:
                    return Sample(self.index, case, Outcome.EXCLUDED, values, "--where is false")
            observed = env.observe_case(case, eager=False)
            if observed.refused:
                return Sample(self.index, case, Outcome.REFUSED, values, observed.error or "")
            values.update(
                params=observed.count_params,
                trainable=observed.trainable,
                non_trainable=observed.non_trainable,
                bytes=observed.weight_bytes,
            )
            return Sample(self.index, case, Outcome.BUILT, values)
        except Exception as exc:  # noqa: BLE001 - a harness failure is a lost sample, not the end
            return Sample(self.index, case, Outcome.LOST, detail=f"harness error: {_error_text(exc)}")

    def lost(self, status: Any, detail: str, keras_version: str, backend: str) -> Sample:
        return Sample(self.index, self.case, Outcome.LOST, detail=f"{status}: {detail}")


# -- the claim ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    class_name: str
    expr: Expr
    vary: Vary = Vary.MENTIONED
    where: Expr | None = None
    samples: int = DEFAULT_SAMPLES
    seed: int = 0

    @property
    def text(self) -> str:
        return self.expr.text

    def names(self) -> set[str]:
        return set(self.expr.names) | (set(self.where.names) if self.where else set())


def prepare(
    class_name: str,
    text: str,
    *,
    vary: Vary | str = Vary.MENTIONED,
    where: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    spaces: Mapping[str, Space] | None = None,
) -> Claim:
    """Parse the claim and ``--where`` (:class:`ClaimSyntaxError`) and check the class has a
    sweep space (:class:`ClaimError`).  Nothing is built and no worker is started."""
    expr = parse(text, what="claim")
    condition = parse(where, what="--where condition") if where is not None else None
    if condition is not None:
        for name in OBSERVED:
            if name in condition.names:
                column, width = condition.names[name]
                raise ClaimSyntaxError(
                    f"--where cannot use {name!r}",
                    condition.text,
                    column,
                    width,
                    f": {name} is observed by building the layer; --where may use config values, inputs and in_channels",
                )
    spaces = all_spaces() if spaces is None else spaces
    if class_name not in spaces:
        close = difflib.get_close_matches(class_name, sorted(spaces), n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(close)}?" if close else "e.g. Dense, Conv2D, LSTM, Embedding"
        raise ClaimError(
            f"unknown class {class_name!r}: claims are tested on the {len(spaces)} classes with a sweep space "
            f"in verify/spaces ({hint})"
        )
    return Claim(class_name, expr, Vary(vary), condition, samples, seed)


def check_claim_names(claim: Claim, schema: Schema) -> None:
    """Every name must be a numeric config value of the class or one of the reserved names."""
    if schema.error:
        raise ClaimError(f"cannot test a claim on {claim.class_name}: {schema.error}")
    known = set(schema.numeric) | set(schema.other) | RESERVED
    for expr, what in ((claim.expr, ""), (claim.where, "--where: ")):
        if expr is None:
            continue
        allowed = known - (set(OBSERVED) if expr is claim.where else set())
        check_names(expr.text, expr.names, allowed, prefix=what)
        for name, (column, width) in sorted(expr.names.items(), key=lambda item: item[1]):
            if name in schema.other:
                raise ClaimSyntaxError(
                    f"{what}{name!r} is not a number",
                    expr.text,
                    column,
                    width,
                    f": {claim.class_name}'s {name} is {schema.other[name]}",
                )


def _concrete(shape: Any, rng: random.Random) -> Any:
    """Unknown dims after the batch axis made concrete, so ``inputs`` and ``in_channels`` have values."""
    if shape and isinstance(shape[0], (list, tuple)):
        return [_concrete(s, rng) for s in shape]
    return [d if i == 0 or d is not None else rng.randint(1, 8) for i, d in enumerate(shape)]


class Sampler:
    """Seeded draws for one claim: sample ``i`` is reproducible from (seed, class, i)."""

    def __init__(self, claim: Claim, space: Space, required: frozenset[str], known: set[str]) -> None:
        self.claim, self.space, self.required = claim, space, required
        names = claim.names()
        self.mentioned = {n for n in names if n in known and n not in RESERVED}
        self.vary_shape = claim.vary is Vary.ALL or bool(names & set(INPUT_NAMES))
        self.seen_keys: set[str] = set()
        self._fixed_shape: Any = None

    def _rng(self, index: int) -> random.Random:
        return random.Random(f"{self.claim.seed}:claim:{self.claim.class_name}:{index}")

    def fixed_shape(self) -> Any:
        if self._fixed_shape is None:
            rng = self._rng(0)
            self._fixed_shape = _concrete(self.space(rng)["input_shape"], rng)
        return self._fixed_shape

    def draw(self, index: int) -> Case | None:
        rng = self._rng(index)
        try:
            drawn = self.space(rng)
        except Exception:  # noqa: BLE001 - a space that cannot draw gives no sample
            return None
        config = dict(drawn["layer"].get("config") or {})
        self.seen_keys |= set(config)
        obj: dict[str, Any] = {"id": f"claim-{self.claim.class_name}-{self.claim.seed}-{index}"}
        if self.claim.vary is Vary.MENTIONED:
            config = {k: v for k, v in config.items() if k in self.mentioned or k in self.required}
            shape = _concrete(drawn["input_shape"], rng) if self.vary_shape else self.fixed_shape()
        else:
            if "dtype" not in config and rng.random() < EXTRA_DTYPE_SHARE:
                config["dtype"] = rng.choice(EXTRA_DTYPES)
            shape = _concrete(drawn["input_shape"], rng)
            if drawn.get("quantize"):
                obj["quantize"] = drawn["quantize"]
        if drawn.get("input_dtype"):
            obj["input_dtype"] = drawn["input_dtype"]
        obj.update(layer={"class_name": drawn["layer"]["class_name"], "config": config}, input_shape=shape)
        try:
            return parse_case(obj, f"claim sample {index}")
        except CaseError:
            return None


def judge(claim: Claim, sample: Sample) -> Sample:
    """A built sample becomes HOLDS, FAILS or UNDEFINED; others stay as they are."""
    if sample.outcome is not Outcome.BUILT:
        return sample
    try:
        holds = claim.expr.evaluate(sample.values)
    except EvalError as exc:
        return replace(sample, outcome=Outcome.UNDEFINED, detail=str(exc))
    return replace(sample, outcome=Outcome.HOLDS if holds else Outcome.FAILS)


def _size(case: Case) -> tuple[int, int]:
    """How big a counterexample is: the sum of the numbers in its config and input shape, then
    the number of options it sets."""

    def total(node: Any) -> int:
        if isinstance(node, bool):
            return int(node)
        if isinstance(node, (int, float)):
            return int(abs(node))
        if isinstance(node, Mapping):
            return sum(total(v) for v in node.values())
        if isinstance(node, (list, tuple)):
            return sum(total(v) for v in node)
        return 0

    return total(case.config) + total(case.input_shape) + (8 if case.quantize else 0), len(case.config)


@dataclass(frozen=True)
class ClaimReport:
    claim: Claim
    verdict: Verdict
    samples: tuple[Sample, ...]  # in draw order, up to the claim.samples-th evaluated one
    keras_version: str
    backend: str
    varied: tuple[str, ...] = ()
    counterexample: Sample | None = None
    shrunk_from: Sample | None = None
    shrink_tries: int = 0
    notes: tuple[str, ...] = ()

    def count(self, outcome: Outcome) -> int:
        return sum(1 for s in self.samples if s.outcome is outcome)

    @property
    def evaluated(self) -> int:
        return sum(1 for s in self.samples if s.outcome.evidence)


def run_claim(claim: Claim, pool: Any, *, shrink_budget: int = SHRINK_BUDGET) -> ClaimReport:
    """Sample, build in ``pool``'s workers, judge and (when refuted) shrink.  Raises
    :class:`ClaimError`/:class:`ClaimSyntaxError` for an unknown class or name, before any sample
    is built."""
    space = all_spaces()[claim.class_name]
    schema_rng = random.Random(f"{claim.seed}:claim-schema:{claim.class_name}")
    draws = tuple(dict(space(schema_rng)["layer"].get("config") or {}) for _ in range(20))
    schema: Schema = next(iter(pool.run([SchemaTask(claim.class_name, draws)])))
    check_claim_names(claim, schema)
    sampler = Sampler(claim, space, schema.required, set(schema.numeric) | set(schema.other))
    where = claim.where.text if claim.where is not None else None

    judged: dict[int, Sample] = {}
    max_draws = claim.samples * MAX_DRAWS_PER_SAMPLE

    def tasks() -> Iterator[ClaimTask]:
        for index in range(max_draws):
            if sum(1 for s in judged.values() if s.outcome.evidence) >= claim.samples:
                return
            case = sampler.draw(index)
            if case is not None:
                yield ClaimTask(index, case, where)

    for sample in pool.run(tasks()):
        judged[sample.index] = judge(claim, sample)

    # The first claim.samples evaluated samples in draw order, whatever order the workers finished in.
    kept: list[Sample] = []
    evidence = 0
    for index in sorted(judged):
        if evidence >= claim.samples:
            break
        kept.append(judged[index])
        evidence += judged[index].outcome.evidence
    failures = [s for s in kept if s.outcome is Outcome.FAILS]
    varied = tuple(sorted(sampler.mentioned)) if claim.vary is Vary.MENTIONED else ("every option of the sweep space", "dtype")
    if claim.vary is Vary.MENTIONED and sampler.vary_shape:
        varied = (*varied, "the input shape")
    notes = [
        f"the sweep space of {claim.class_name} never sets {key}: it stayed at Keras's default"
        for key in sorted(sampler.mentioned - sampler.seen_keys)
    ]
    if evidence < claim.samples and evidence:
        notes.append(f"only {evidence} of {claim.samples} samples could be evaluated within {max_draws} draws")
    common = {"keras_version": schema.keras_version, "backend": schema.backend, "varied": varied}
    if not failures:
        verdict = Verdict.CONFIRMED if evidence else Verdict.UNTESTED
        return ClaimReport(claim, verdict, tuple(kept), notes=tuple(notes), **common)  # type: ignore[arg-type]

    smallest = min(failures, key=lambda s: (_size(s.case), s.index))
    seen: dict[str, Sample] = {to_json(smallest.case): smallest}
    tries = 0

    def failing(case: Case) -> bool:
        nonlocal tries
        tries += 1
        result = judge(claim, next(iter(pool.run([ClaimTask(smallest.index, case, where)]))))
        if result.outcome is Outcome.FAILS:
            seen[to_json(case)] = result
            return True
        return False

    shrunk = shrink(smallest.case, failing, budget=shrink_budget)
    counterexample = seen.get(to_json(shrunk), smallest)
    return ClaimReport(
        claim,
        Verdict.REFUTED,
        tuple(kept),
        counterexample=counterexample,
        shrunk_from=smallest,
        shrink_tries=tries,
        notes=tuple(notes),
        **common,  # type: ignore[arg-type]
    )


# -- presentation -------------------------------------------------------------------------------


def case_line(case: Case) -> str:
    """The counterexample as a case line for a catalog file (``paramproof run --cases``)."""
    obj = json.loads(to_json(case))
    obj["id"] = f"claim-{case.class_name}"
    return json.dumps(obj)


def _not_evidence(report: ClaimReport) -> str:
    parts = []
    for outcome, words in (
        (Outcome.REFUSED, "refused by Keras"),
        (Outcome.EXCLUDED, "excluded by --where"),
        (Outcome.UNDEFINED, "where the claim has no value"),
        (Outcome.LOST, "lost (worker crash or timeout)"),
    ):
        n = report.count(outcome)
        if n:
            example = next(s.detail for s in report.samples if s.outcome is outcome)
            if len(example) > 120:
                example = example[:117] + "..."
            parts.append(f"{n} {words} (e.g. {example})")
    return "; ".join(parts)


def render(report: ClaimReport) -> list[str]:
    claim = report.claim
    where = f"  where {claim.where.text}" if claim.where else ""
    lines = [f"claim on {claim.class_name}: {claim.text}{where}"]
    if claim.vary is Vary.MENTIONED:
        varied = ", ".join(report.varied) or "nothing but the required options"
        lines.append(f"varied: {varied}; every other option at Keras's default (seed {claim.seed})")
    else:
        lines.append(f"varied: every option of {claim.class_name}'s sweep space, plus the layer dtype (seed {claim.seed})")
    on = f"Keras {report.keras_version} ({report.backend})"
    if report.verdict is Verdict.CONFIRMED:
        lines.append(f"confirmed over {report.evaluated} cases on {on}")
    elif report.verdict is Verdict.UNTESTED:
        lines.append(f"untested on {on}: none of the {len(report.samples)} samples drawn could be evaluated")
    else:
        held = report.count(Outcome.HOLDS)
        failed = report.count(Outcome.FAILS)
        lines.append(f"refuted on {on}: it held in {held} and failed in {failed} of {report.evaluated} cases")
        lines.extend(render_counterexample(report))
    not_evidence = _not_evidence(report)
    if not_evidence:
        lines.append(f"not evidence: {not_evidence}")
    lines.extend(f"note: {note}" for note in report.notes)
    return lines


def render_counterexample(report: ClaimReport) -> list[str]:
    sample = report.counterexample
    assert sample is not None and report.shrunk_from is not None
    claim = report.claim
    origin = f"sample {report.shrunk_from.index}"
    if to_json(sample.case) != to_json(report.shrunk_from.case):
        origin += f", shrunk in {report.shrink_tries} builds"
    v = sample.values
    shown = [n for n in claim.expr.names if n not in OBSERVED]
    config_values = ", ".join(f"{n}={format_value(v[n]) if v.get(n) is not None else 'None'}" for n in shown)
    lines = [
        f"smallest counterexample ({origin}):",
        f"  {case_line(sample.case)}",
        f"  Keras: params {v.get('params')} (trainable {v.get('trainable')}, non-trainable {v.get('non_trainable')}), "
        f"bytes {v.get('bytes')}",
    ]
    if config_values:
        lines.append(f"  values: {config_values}")
    lines.append(f"  claim: {claim.expr.substituted(v)}")
    width = max(len(source) for source, _ in claim.expr.sides(v))
    for source, value in claim.expr.sides(v):
        lines.append(f"         {source.ljust(width)} = {value}")
    return lines


# -- built-in examples ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    class_name: str
    text: str
    vary: Vary
    expected: Verdict
    why: str


#: The seed's claims: what five people said about Keras's parameter counts.
EXAMPLES: tuple[Example, ...] = (
    Example("Dense", "params == units * (inputs + 1)", Vary.MENTIONED, Verdict.CONFIRMED, "a kernel and a bias per unit"),
    Example(
        "Conv2D",
        "params == filters * (in_channels * prod(kernel_size) + 1)",
        Vary.MENTIONED,
        Verdict.CONFIRMED,
        "with the defaults: bias on, groups=1",
    ),
    Example(
        "Conv2D",
        "params == filters * (in_channels * prod(kernel_size) + 1)",
        Vary.ALL,
        Verdict.REFUTED,
        "use_bias=False, groups and LoRA change the count",
    ),
    Example(
        "Dense",
        "inputs == params / (units * 4)",
        Vary.MENTIONED,
        Verdict.REFUTED,
        '"neurons = params / (units × 4)" mixes up parameters and bytes',
    ),
    Example("Dense", "bytes == 4 * params", Vary.MENTIONED, Verdict.CONFIRMED, "4 bytes per float32 parameter"),
    Example("Dense", "bytes == 4 * params", Vary.ALL, Verdict.REFUTED, "float16/float64 weights and quantization"),
    Example(
        "GRU",
        "params == 3 * (units * (inputs + units) + units)",
        Vary.MENTIONED,
        Verdict.REFUTED,
        "the old formula: reset_after=True (the default) adds a second bias",
    ),
)


def run_examples(pool: Any, *, samples: int, seed: int, shrink_budget: int = SHRINK_BUDGET) -> list[tuple[Example, ClaimReport]]:
    out = []
    for example in EXAMPLES:
        claim = prepare(example.class_name, example.text, vary=example.vary, samples=samples, seed=seed)
        out.append((example, run_claim(claim, pool, shrink_budget=shrink_budget)))
    return out


def _evidence(report: ClaimReport) -> str:
    """``32 cases``, or the failure count and the counterexample as a constructor call."""
    if report.verdict is Verdict.REFUTED and report.counterexample is not None:
        case = report.counterexample.case
        options = ", ".join(f"{k}={v!r}" for k, v in case.config.items())
        quantize = f", quantize {case.quantize}" if case.quantize else ""
        shape = "(" + ", ".join("None" if d is None else str(d) for d in case.input_shape) + ")"
        v = report.counterexample.values
        return (
            f"{report.count(Outcome.FAILS)} of {report.evaluated} failed, e.g. {case.class_name}({options}) on {shape}"
            f"{quantize}: params {v.get('params')}, bytes {v.get('bytes')}"
        )
    return f"{report.evaluated} cases"


# -- the command ------------------------------------------------------------------------------------


def add_claim_parser(subparsers: Any) -> argparse.ArgumentParser:
    """``paramproof claim``; the caller dispatches ``args.command == "claim"`` to :func:`cmd_claim`."""

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "claim",
        help="test a stated formula (e.g. 'params == units * (inputs + 1)') on sampled layers in Keras",
        description=(
            "Test a claim about a layer class on seeded samples built in Keras. Names: the layer's numeric config "
            "values (units, filters, kernel_size as a tuple, use_bias as 0/1 ...), inputs (last input axis), "
            "in_channels (channel axis per data_format) and the observed params, trainable, non_trainable, bytes. "
            "Functions: prod, min, max, ceil, floor, abs. Exit 0 confirmed, 1 refuted, 2 bad claim."
        ),
    )
    parser.add_argument("class_name", nargs="?", metavar="CLASS", help="a keras.layers class with a sweep space, e.g. Dense")
    parser.add_argument("expr", nargs="?", metavar="EXPR", help='the claim, e.g. "params == units * (inputs + 1)"')
    parser.add_argument(
        "--vary",
        choices=[v.value for v in Vary],
        default=Vary.MENTIONED.value,
        help="mentioned (default): vary only what the claim names; all: every option of the sweep space, plus dtype",
    )
    parser.add_argument(
        "--where", metavar="COND", default=None, help="keep only samples where COND holds (config names, inputs, in_channels)"
    )
    parser.add_argument(
        "--samples",
        type=positive_int,
        default=DEFAULT_SAMPLES,
        metavar="N",
        help=f"cases to evaluate (default {DEFAULT_SAMPLES})",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="sampling seed (default 0)")
    parser.add_argument(
        "--examples", action="store_true", help="run the built-in claims and compare each verdict with the expected one"
    )
    worker_options(parser, unit="sample")
    parser.set_defaults(command="claim")
    return parser


def _usage(error: Exception, stderr: Console) -> int:
    stderr.print(f"paramproof: error: {error}", markup=False, highlight=False)
    if isinstance(error, ClaimSyntaxError) and error.pointer():
        stderr.print(error.pointer(), markup=False, highlight=False)
    return EXIT_USAGE


def cmd_claim(args: argparse.Namespace, console: Console, *, pool_factory: Callable[..., Any] | None = None) -> int:
    """Exit 0 confirmed (or, with --examples, every verdict as expected), 1 refuted (or a verdict
    not as expected), 2 a bad claim, unknown name or class, or nothing testable.  The claim is
    parsed and checked before any worker starts."""
    from .pool import WorkerPool

    stderr = Console(stderr=True, soft_wrap=True)
    factory = pool_factory or WorkerPool
    if args.examples:
        if args.class_name or args.expr or args.where:
            return _usage(ClaimError("--examples takes no CLASS, EXPR or --where"), stderr)
        with factory(args.jobs, eager=False, timeout=args.timeout) as pool:
            results = run_examples(pool, samples=args.samples, seed=args.seed)
        return print_examples(results, console)
    if not args.class_name or args.expr is None:
        return _usage(
            ClaimError('claim needs CLASS and EXPR, e.g. paramproof claim Dense "params == units * (inputs + 1)"'), stderr
        )
    try:
        claim = prepare(args.class_name, args.expr, vary=args.vary, where=args.where, samples=args.samples, seed=args.seed)
    except (ClaimSyntaxError, ClaimError) as exc:
        return _usage(exc, stderr)
    with factory(args.jobs, eager=False, timeout=args.timeout) as pool:
        try:
            report = run_claim(claim, pool)
        except (ClaimSyntaxError, ClaimError) as exc:
            return _usage(exc, stderr)
    for line in render(report):
        style = {"confirmed": "green", "refuted": "bold red", "untested": "yellow"}.get(line.split(" ", 1)[0])
        console.print(line, style=style, markup=False, highlight=False)
    return {Verdict.CONFIRMED: EXIT_CONFIRMED, Verdict.REFUTED: EXIT_REFUTED, Verdict.UNTESTED: EXIT_USAGE}[report.verdict]


def print_examples(results: Sequence[tuple[Example, ClaimReport]], console: Console) -> int:
    if not results:
        return EXIT_USAGE
    first = results[0][1]
    table = Table(title=f"the seed's claims on Keras {first.keras_version} ({first.backend})")
    for column in ("claim", "vary", "expected", "actual", "evidence"):
        table.add_column(column, overflow="fold")
    wrong = 0
    for example, report in results:
        ok = report.verdict is example.expected
        wrong += not ok
        claim = Text(f"{example.class_name}: {example.text}\n")
        claim.append(example.why, style="dim")
        table.add_row(
            claim,
            example.vary.value,
            example.expected.value,
            Text(str(report.verdict), style="green" if ok else "bold red"),
            Text(_evidence(report)),
        )
    console.print(table)
    if wrong:
        console.print(f"[bold red]{wrong} of {len(results)} verdicts not as expected[/]", highlight=False)
        return EXIT_REFUTED
    console.print(f"all {len(results)} verdicts as expected", highlight=False)
    return EXIT_CONFIRMED


__all__ = [
    "EXAMPLES",
    "Claim",
    "ClaimError",
    "ClaimReport",
    "Outcome",
    "Vary",
    "Verdict",
    "add_claim_parser",
    "cmd_claim",
    "prepare",
    "render",
    "run_claim",
    "run_examples",
]
