"""When a worker clears Keras's global state: creep clears, one large case does not."""

from verify.memory import FALLBACK_EVERY, ClearPolicy

MIB = 1024


def feed(policy: ClearPolicy, readings: list[int]) -> list[bool]:
    answers = []
    for rss in readings:
        clear = policy.after_case(rss)
        answers.append(clear)
        if clear:
            policy.cleared(rss // 2)
    return answers


def test_gradual_growth_past_the_factor_clears_once_and_rebases() -> None:
    policy = ClearPolicy(growth=1.25, warm_up=3)
    readings = [800 * MIB] * 3 + [800 * MIB + i * 10 * MIB for i in range(1, 30)]
    answers = feed(policy, readings)
    first = answers.index(True)
    assert readings[first] > 800 * MIB * 1.25
    assert all(not a for a in answers[:first])
    assert policy.clears >= 1


def test_after_a_clear_the_baseline_is_the_memory_then() -> None:
    policy = ClearPolicy(growth=1.25, warm_up=3)
    for rss in [800 * MIB] * 3 + [900 * MIB, 960 * MIB]:
        assert not policy.after_case(rss)
    assert policy.after_case(1010 * MIB)
    policy.cleared(850 * MIB)
    assert policy.baseline == 850 * MIB
    assert not any(policy.after_case(r * MIB) for r in (900, 950, 1000, 1050))
    assert policy.after_case(1070 * MIB)  # 850 × 1.25 = 1062.5


def test_one_large_case_moves_the_baseline_instead_of_clearing() -> None:
    policy = ClearPolicy(growth=1.25, warm_up=3)
    readings = [800 * MIB] * 3 + [2000 * MIB] + [2000 * MIB + i * MIB for i in range(100)]
    assert not any(feed(policy, readings))
    assert policy.baseline is not None and policy.baseline >= 2000 * MIB


def test_nothing_clears_during_warm_up() -> None:
    policy = ClearPolicy(growth=1.25, warm_up=50)
    assert not any(feed(policy, [100 * MIB * (i + 1) for i in range(49)]))


def test_without_proc_it_clears_on_a_fixed_rare_schedule() -> None:
    policy = ClearPolicy()
    answers = [policy.after_case(None) for _ in range(2 * FALLBACK_EVERY)]
    assert [i + 1 for i, a in enumerate(answers) if a] == [FALLBACK_EVERY, 2 * FALLBACK_EVERY]
