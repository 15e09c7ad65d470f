"""A catalog case whose one real forward pass fails is never a plain ``match``.

Each representative case below once reported ``match`` with "eager call failed" in its detail.
Run in-process on the installed Keras (both lines: plain Keras 3, and ``TF_USE_LEGACY_KERAS=1``
for Keras 2), it must now either match with a successful eager pass, or be a ``known_issue``
with the expected id (a TensorFlow CPU kernel limitation, a Keras bug, or a call Keras can never
make), or be what the table says for that line (skipped, refused by both).
"""

import pytest

from verify.cases import builtin_paths, load_cases
from verify.compare import Status
from verify.runner import run_case

pytestmark = pytest.mark.keras

MATCH = "match"  # built as the formula says, and the eager pass ran and agreed

#: case id -> (outcome on Keras 3.15, outcome on tf-keras 2.21): MATCH, a known-issue id, or a status
EXPECTED = {
    # the harness's own input did not fit: the case gives ``eager_input_shape``
    "merging-add-unknown-vs-known": (MATCH, MATCH),
    "merging-dot-batch-one-vs-none": (MATCH, MATCH),
    "reshape-none-input-fixed": (MATCH, MATCH),
    "crop1d-none-length": (MATCH, MATCH),
    # TensorFlow on CPU runs NHWC convolutions and pooling only, and no dilated transposed convolution
    "conv2d-channels-first": ("tf-cpu-conv2d-nchw-conv1d-conv2d", "tf-cpu-conv2d-nchw-conv1d-conv2d"),
    "conv1dt-dilation": ("tf-cpu-dilated-conv-transpose", "tf-cpu-dilated-conv-transpose"),
    "sepconv2d-channels-first": (MATCH, "tf-cpu-depthwise-nchw"),
    "pool-max2d-channels-first": (MATCH, "tf-cpu-pooling2d-nchw"),
    # Keras builds what its call refuses
    "preprocessing-discretization-num-bins": ("keras3-discretization-call-needs-adapt", MATCH),
    "dense-lora-float8": ("keras3-float8-lora-call-not-implemented", Status.SKIPPED),
    "einsum-rank-too-high": ("keras3-einsumdense-input-rank-unchecked", Status.BOTH_INVALID),
    "attention-dim-mismatch-k3": ("keras3-attention-query-key-dim-unchecked", Status.SKIPPED),
    # fixed in Keras 3.15: the forward pass now runs
    "attention-rank4": (MATCH, MATCH),
    "augmentation-randomgrayscale-one-channel": (MATCH, Status.SKIPPED),
}

_CATALOG = {case.id: case for case in load_cases(builtin_paths())[0]}


def test_every_listed_case_is_in_the_catalog():
    assert set(EXPECTED) <= set(_CATALOG)


@pytest.mark.parametrize("case_id", sorted(EXPECTED))
def test_a_failed_eager_call_is_explained_or_gone(case_id, keras_env):
    if keras_env.backend != "tensorflow" or keras_env.version not in ("3.15.1", "2.21.0"):
        pytest.skip(
            f"the table is for Keras 3.15.1 and tf-keras 2.21.0 on TensorFlow, not {keras_env.version} ({keras_env.backend})"
        )
    expected = EXPECTED[case_id][0 if keras_env.is_keras3 else 1]
    result = run_case(_CATALOG[case_id], keras_env)
    assert result.status is not Status.EAGER_FAILED, result.detail
    eager_ran = (
        result.observed is not None and result.observed.eager_error is None and result.observed.eager_output_shape is not None
    )
    if result.status is Status.MATCH:
        # a case listed as a TensorFlow CPU limitation may run where the kernel exists (a GPU)
        assert eager_ran, f"match without a successful eager pass: {result.detail}"
        assert expected == MATCH or str(expected).startswith("tf-cpu-"), f"expected {expected}, got a match: {result.detail}"
    elif result.status is Status.KNOWN_ISSUE:
        assert not isinstance(expected, Status) and expected != MATCH, result.detail
        assert result.detail.startswith(f"known issue {expected} ("), result.detail
    else:
        assert result.status is expected, f"{result.status}: {result.detail}"
