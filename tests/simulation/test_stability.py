"""A scenario that cannot be stable runs, warns, and shows the queue growing."""

from simulation import kpis, render, simulate

from .helpers import stationary


def test_overload_without_abandonment_warns_and_the_queue_grows():
    scenario, _ = stationary(agents=10, load=12.0, hours=6, warmup=0)
    result = simulate(scenario, seed=1)
    assert result.warnings and result.warnings[0]["code"] == "unstable"
    text = render("warnings", "unstable", result.warnings[0]["params"])
    assert "10 agents" in text["en"] and "10" in text["zh"]
    waiting = kpis(result)["queue"]["mean_waiting"][:, 0]
    assert waiting[-1] > waiting[2] > 5
    assert result.open_at_end > 100


def test_impatient_callers_keep_an_overloaded_queue_stable():
    scenario, _ = stationary(agents=10, load=12.0, patience=60.0, hours=6, warmup=0)
    result = simulate(scenario, seed=1)
    assert result.warnings == []
    waiting = kpis(result)["queue"]["mean_waiting"][:, 0]
    assert waiting[4:].max() < 15
