from datetime import timedelta

from tests.unit.deployments.deployment_factories import T0, days

from relos.deployments.timeline import Period, Step, StepFunction


def test_period_ending_at_t_does_not_meet_one_starting_at_t() -> None:
    assert not days(0, 5).overlaps(days(5, 9))
    assert days(0, 5).overlaps(days(4, 9))


def test_element_counts_from_its_start_and_not_at_its_end() -> None:
    use = StepFunction([(days(0, 5), 2)])
    assert use.value_at(T0 - timedelta(seconds=1)) == 0
    assert use.value_at(T0) == 2
    assert use.value_at(T0 + timedelta(days=5) - timedelta(seconds=1)) == 2
    assert use.value_at(T0 + timedelta(days=5)) == 0


def test_touching_periods_never_add_up() -> None:
    use = StepFunction([(days(0, 5), 3), (days(5, 9), 3)])
    assert use.peak(days(0, 9)) == (3, T0)


def test_peak_gives_the_earliest_binding_instant_inside_the_window() -> None:
    use = StepFunction([(days(0, 10), 1), (days(2, 4), 2), (days(6, 8), 2)])
    assert use.peak(days(0, 10)) == (3, T0 + timedelta(days=2))
    assert use.peak(days(5, 10)) == (3, T0 + timedelta(days=6))
    assert use.peak(days(4, 6)) == (1, T0 + timedelta(days=4))
    assert use.peak(days(20, 30)) == (0, T0 + timedelta(days=20))


def test_steps_cover_the_window_exactly() -> None:
    use = StepFunction([(days(1, 3), 1)])
    assert use.steps(days(0, 4)) == [
        Step(T0, T0 + timedelta(days=1), 0),
        Step(T0 + timedelta(days=1), T0 + timedelta(days=3), 1),
        Step(T0 + timedelta(days=3), T0 + timedelta(days=4), 0),
    ]


def test_ill_formed_periods() -> None:
    assert not days(3, 3).is_well_formed()
    assert not days(3, 2).is_well_formed()
    naive = Period(T0.replace(tzinfo=None), T0.replace(tzinfo=None) + timedelta(days=1))
    assert not naive.is_well_formed()


def test_clipped() -> None:
    assert days(0, 5).clipped(T0 + timedelta(days=2)) == days(0, 2)
    assert days(0, 5).clipped(T0) is None
    assert days(0, 5).clipped(T0 + timedelta(days=9)) == days(0, 5)
