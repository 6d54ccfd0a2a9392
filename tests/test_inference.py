"""Size and coverage of the default trend/break inference on short annual series.

Seeded simulations (numpy, vectorised through :func:`coopstats.inference.linear_inference`,
the engine behind ``trends.log_linear_trend`` and ``trends.break_test``): 2,000 null series
of 10 annual points, iid Gaussian errors and modest AR(1) errors (rho = 0.1). The rejection
rate of a true null at 5 % must stay within 3-8 % and the 95 % interval must cover the true
slope 90-97 % of the time. Measured rates are printed (``pytest -s``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coopstats.errors import InvalidParameterError
from coopstats.inference import linear_inference, method_description
from coopstats.trends import break_test, log_linear_trend

N_SERIES = 2_000
N_YEARS = 10
SEED = 20_261_201
TRUE_SLOPE = 0.05
BREAK_AT = 6  # index of the first post-break year: 6 before, 4 from the break


def _ar1(rho: float, rng: np.random.Generator) -> np.ndarray:
    """(N_SERIES, N_YEARS) stationary AR(1) noise with unit innovations."""
    e = rng.standard_normal((N_SERIES, N_YEARS))
    u = np.empty_like(e)
    u[:, 0] = e[:, 0] / np.sqrt(1.0 - rho**2)
    for t in range(1, N_YEARS):
        u[:, t] = rho * u[:, t - 1] + e[:, t]
    return 0.1 * u  # 10 % noise on a log scale


def _designs():
    t = np.arange(N_YEARS) - (N_YEARS - 1) / 2
    tc = np.arange(N_YEARS, dtype=float) - BREAK_AT
    d = (tc >= 0).astype(float)
    return (
        np.column_stack([np.ones(N_YEARS), t]),
        np.column_stack([np.ones(N_YEARS), tc, d, d * tc]),
    )


def _rates(method: str, rho: float) -> dict[str, float]:
    rng = np.random.default_rng([SEED, int(rho * 100)])
    xt, xb = _designs()
    u = _ar1(rho, rng)
    trend = linear_inference(u + TRUE_SLOPE * xt[:, 1], xt, method=method)
    null_trend = linear_inference(u, xt, method=method)
    brk = linear_inference(
        u + TRUE_SLOPE * xb[:, 1], xb, method=method, joint=np.array([[0, 0, 1.0, 0], [0, 0, 0, 1]])
    )
    cover = (trend.ci_low[:, 1] <= TRUE_SLOPE) & (TRUE_SLOPE <= trend.ci_high[:, 1])
    return {
        "trend_slope": float((null_trend.p_value[:, 1] < 0.05).mean()),
        "level_change": float((brk.p_value[:, 2] < 0.05).mean()),
        "slope_change": float((brk.p_value[:, 3] < 0.05).mean()),
        "joint": float((brk.joint_p_value < 0.05).mean()),
        "coverage": float(cover.mean()),
    }


@pytest.mark.parametrize(
    ("method", "rho"),
    [("ols", 0.0), ("ols", 0.1), ("hac_fixed_b", 0.0), ("hac_fixed_b", 0.1), ("hac_fixed_b", 0.2)],
)
def test_size_and_coverage_on_ten_point_null_series(method, rho):
    r = _rates(method, rho)
    print(f"\n{method} rho={rho} n_series={N_SERIES} seed={SEED}: {r}")
    for name in ("trend_slope", "level_change", "slope_change", "joint"):
        assert 0.03 <= r[name] <= 0.08, (name, r)
    assert 0.90 <= r["coverage"] <= 0.97, r


def test_default_of_growth_functions_is_the_checked_method():
    # the simulated engine is what the public functions use by default
    rng = np.random.default_rng(SEED)
    years = np.arange(2015, 2025)
    v = np.exp(4 + 0.03 * (years - 2015) + 0.1 * rng.standard_normal(10))
    f = pd.DataFrame({"year": years, "value_usd": v})
    tr = log_linear_trend(f)
    xt, _ = _designs()
    ref = linear_inference(np.log(v), xt)
    assert tr["inference"].iloc[0] == "ols"
    assert tr["p_value"].iloc[0] == pytest.approx(ref.p_value[0, 1])
    br = break_test(f, break_year=2021)
    assert br.params["inference"] == "ols" and br.params["df_resid"] == 6
    # with classical errors the joint test of both changes is the Chow test
    t = br.tests.set_index("test")
    assert t.loc["joint_ols", "p_value"] == pytest.approx(t.loc["chow", "p_value"], rel=1e-9)
    assert "Student t" in br.params["method_en"]


def test_matches_statsmodels_on_a_few_series():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(7)
    _, xb = _designs()
    for _ in range(3):
        y = rng.standard_normal(N_YEARS) + 0.2 * xb[:, 1]
        ours = linear_inference(y, xb, contrasts=np.array([[0, 1.0, 0, 1]]))
        fit = sm.OLS(y, xb).fit()
        assert ours.estimate[0, :4] == pytest.approx(fit.params, rel=1e-10)
        assert ours.std_error[0, :4] == pytest.approx(fit.bse, rel=1e-10)
        assert ours.p_value[0, :4] == pytest.approx(fit.pvalues, rel=1e-8)
        ci = fit.conf_int(0.05)
        assert ours.ci_low[0, :4] == pytest.approx(ci[:, 0], rel=1e-10)
        tt = fit.t_test(np.array([[0, 1.0, 0, 1]]))
        assert ours.p_value[0, 4] == pytest.approx(float(tt.pvalue), rel=1e-8)
        # Bartlett HAC with bandwidth M = b n equals statsmodels' maxlags = M - 1
        hac = linear_inference(y, xb, method="hac_fixed_b", fixed_b=0.5)
        sfit = sm.OLS(y, xb).fit(cov_type="HAC", cov_kwds={"maxlags": 4, "use_correction": False})
        assert hac.std_error[0, :4] == pytest.approx(sfit.bse, rel=1e-10)


def test_fixed_b_critical_values_are_wider_than_normal_and_deterministic():
    xt, _ = _designs()
    y = np.linspace(0, 1, N_YEARS) + np.sin(np.arange(N_YEARS))
    a = linear_inference(y, xt, method="hac_fixed_b")
    b = linear_inference(y, xt, method="hac_fixed_b")
    assert a.critical_value[1] > 3.0  # normal would be 1.96
    assert a.p_value[0, 1] == b.p_value[0, 1]
    assert "fixed-b" in method_description("hac_fixed_b", df=8, bandwidth=5.0)
    assert "fixed-b" in a.describe("en") and "МНК" in a.describe("ru")


def test_too_few_points_are_refused_with_a_reason():
    f = pd.DataFrame({"year": [2020, 2021, 2022, 2023], "value_usd": [1.0, 2.0, 3.0, 5.0]})
    with pytest.raises(InvalidParameterError, match="widen the window.*at least 5 years"):
        log_linear_trend(f)
    g = pd.DataFrame({"year": range(2018, 2024), "value_usd": [1.0, 2, 3, 5, 6, 7]})
    with pytest.raises(InvalidParameterError, match="7 years in all"):
        break_test(g, break_year=2021)
    with pytest.raises(InvalidParameterError, match="residual degrees of freedom"):
        linear_inference(np.arange(4.0), np.column_stack([np.ones(4), np.arange(4.0)]))
    with pytest.raises(InvalidParameterError, match="inference"):
        linear_inference(
            np.arange(6.0), np.column_stack([np.ones(6), np.arange(6.0)]), method="hac"
        )
