r"""Small-sample inference for linear trend and break regressions on annual series.

Where to start
--------------
:func:`linear_inference` fits ``y = X b + e`` by OLS for one series or for a whole batch of
series at once (rows of a 2-D ``y``) and returns estimates, standard errors, t statistics,
p-values, confidence intervals and an optional joint Wald/F test. It is the engine behind
:func:`coopstats.trends.log_linear_trend` and :func:`coopstats.trends.break_test`; being
vectorised, it also runs the size and coverage simulations of the test suite in a second.

Why not HAC with normal critical values
---------------------------------------
Trade series are annual and short (8–30 points). Newey–West (HAC) standard errors with
normal or t critical values are badly over-sized there: on 10-point null series the
previous default rejected "no level change" 32 % and "no slope change" 49 % of the time at
a nominal 5 % (Kiefer & Vogelsang 2005 explain why: with a bandwidth that is a sizeable
fraction of the sample the HAC estimator is random and its t statistic is not normal).

Methods (``method=``)
---------------------
``"ols"`` (default)
    Classical OLS covariance :math:`s^2 (X'X)^{-1}`, :math:`s^2 = e'e/(n-k)`, and Student
    *t* (coefficients, contrasts) or *F* (joint tests) with :math:`n-k` degrees of freedom.
    Exact for independent Gaussian errors at any *n*; the joint test of a level and a slope
    change is then the Chow (1960) test. Measured on 2,000 ten-point null series per case
    (``tests/test_inference.py``, seed 20261201), rejection at a nominal 5 %: iid errors
    4.3–4.9 %; AR(1) errors :math:`\rho = 0.1`: 6.3–7.0 %; :math:`\rho = 0.2`: 6.6 % level
    change, 8.6 % slope change, 9.6 % trend slope; :math:`\rho = 0.3`: 8.9–12 %.
    No method fixes strong autocorrelation in ten points; ``"hac_fixed_b"`` is less
    sensitive to it at a large cost in power.
``"hac_fixed_b"``
    Bartlett-kernel HAC covariance with bandwidth :math:`M = b\,n` (``fixed_b``, default
    0.5; no degrees-of-freedom correction) and **fixed-b** critical values (Kiefer &
    Vogelsang 2005): the null distribution of each t statistic and of the joint Wald
    statistic is simulated for the actual regressors with Gaussian iid errors (20,000
    draws, fixed seed, cached per design). This is exact under iid Gaussian errors and
    approximates the fixed-b limit of the design, trend regressors included (Bunzel &
    Vogelsang 2005). Measured (same simulation): iid 4.0–5.1 %; :math:`\rho = 0.2`: 5.7–7.6 %;
    :math:`\rho = 0.3`: 7.0–8.5 %; the 5 % critical value of a ten-point trend t is about
    4.9 instead of 2.3, so intervals are about twice as wide.

Refusals
--------
Fewer than ``k + MIN_RESID_DF`` observations (fewer than 3 residual degrees of freedom)
raise :class:`~coopstats.errors.InvalidParameterError`.

References
----------
Chow, G. C. (1960). *Econometrica* 28(3), 591–605. Kiefer, N. M., & Vogelsang, T. J. (2005).
A new asymptotic theory for heteroskedasticity-autocorrelation robust tests. *Econometric
Theory* 21(6), 1130–1164. Bunzel, H., & Vogelsang, T. J. (2005). Powerful trend function
tests that are robust to strong serial correlation. *J. Business & Economic Statistics*
23(4), 381–394. Lazarus, E., Lewis, D. J., Stock, J. H., & Watson, M. W. (2018). HAR
inference: recommendations for practice. *JBES* 36(4), 541–559.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .errors import InvalidParameterError

__all__ = [
    "INFERENCE_METHODS",
    "MIN_RESID_DF",
    "LinearInference",
    "linear_inference",
    "method_description",
]

#: Inference methods and what they are, in words (shown on pages).
INFERENCE_METHODS = {
    "ols": {
        "en": "OLS with classical standard errors and Student t / F critical values "
        "({df} residual degrees of freedom; exact for independent Gaussian errors)",
        "ru": "МНК с классическими стандартными ошибками и критическими значениями t / F "
        "Стьюдента и Фишера ({df} степеней свободы остатков; точны при независимых "
        "нормальных ошибках)",
    },
    "hac_fixed_b": {
        "en": "OLS with Bartlett HAC standard errors (bandwidth {bandwidth:g} years) and "
        "fixed-b critical values simulated for this design (Kiefer & Vogelsang 2005)",
        "ru": "МНК с HAC-ошибками Бартлетта (ширина окна {bandwidth:g} лет) и "
        "критическими значениями fixed-b, смоделированными для этой спецификации "
        "(Kiefer & Vogelsang 2005)",
    },
}

#: Minimum residual degrees of freedom below which no inference is attempted.
MIN_RESID_DF = 3

_N_SIM = 20_000
_SIM_SEED = 20_050_601


@dataclass(frozen=True)
class LinearInference:
    """Estimates and tests of :func:`linear_inference` (arrays have one row per series).

    Attributes
    ----------
    estimate, std_error, statistic, p_value, ci_low, ci_high : numpy.ndarray
        Shape ``(n_series, n_terms)``: the coefficients followed by the requested contrasts.
    joint_statistic, joint_p_value : numpy.ndarray or None
        Shape ``(n_series,)``: Wald statistic divided by the number of restrictions
        (an F statistic for ``"ols"``) and its p-value; ``None`` without ``joint``.
    residuals : numpy.ndarray
        Shape ``(n_series, n_obs)``.
    df_resid : int
        :math:`n - k`.
    method : str
        ``"ols"`` or ``"hac_fixed_b"``.
    bandwidth : float or None
        Bartlett bandwidth :math:`M` in observations (``"hac_fixed_b"`` only).
    critical_value : numpy.ndarray
        Two-sided critical value of each term's t statistic at ``alpha``.
    """

    estimate: np.ndarray
    std_error: np.ndarray
    statistic: np.ndarray
    p_value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    joint_statistic: np.ndarray | None
    joint_p_value: np.ndarray | None
    residuals: np.ndarray
    df_resid: int
    method: str
    bandwidth: float | None
    critical_value: np.ndarray

    def describe(self, language: str = "en") -> str:
        """Describe the method in words, e.g. for a page (``language`` ``"en"`` or ``"ru"``)."""
        return method_description(
            self.method, df=self.df_resid, bandwidth=self.bandwidth, language=language
        )


def method_description(
    method: str, *, df: int, bandwidth: float | None = None, language: str = "en"
) -> str:
    """Describe an inference method in English or Russian.

    Parameters
    ----------
    method
        A key of :data:`INFERENCE_METHODS`.
    df
        Residual degrees of freedom.
    bandwidth
        Bartlett bandwidth (``"hac_fixed_b"``).
    language
        ``"en"`` or ``"ru"``.

    Returns
    -------
    str
        One sentence fragment naming the standard errors and the critical values.
    """
    if method not in INFERENCE_METHODS:
        raise InvalidParameterError("method", method, list(INFERENCE_METHODS))
    if language not in ("en", "ru"):
        raise InvalidParameterError("language", language, ["en", "ru"])
    return INFERENCE_METHODS[method][language].format(df=df, bandwidth=bandwidth or 0.0)


def _bartlett(n: int, bandwidth: float) -> np.ndarray:
    lag = np.abs(np.arange(n)[:, None] - np.arange(n)[None, :])
    return np.clip(1.0 - lag / bandwidth, 0.0, None)


def _fit(y: np.ndarray, x: np.ndarray, xtx_inv: np.ndarray, method: str, weights):
    """OLS for every row of ``y``; returns beta (R, k), residuals (R, n), covariance (R, k, k)."""
    n, k = x.shape
    beta = y @ x @ xtx_inv.T
    resid = y - beta @ x.T
    if method == "ols":
        s2 = (resid**2).sum(axis=1) / (n - k)
        cov = s2[:, None, None] * xtx_inv[None, :, :]
    else:
        a = xtx_inv @ x.T  # (k, n): beta = a @ y
        z = resid[:, None, :] * a[None, :, :]  # (R, k, n)
        cov = np.einsum("rit,ts,rjs->rij", z, weights, z)
    return beta, resid, cov


def _stats(beta, cov, contrasts, joint):
    est = beta @ contrasts.T
    var = np.einsum("li,rij,lj->rl", contrasts, cov, contrasts)
    se = np.sqrt(np.clip(var, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = est / se
    wald = None
    if joint is not None:
        jb = beta @ joint.T  # (R, q)
        jv = np.einsum("qi,rij,pj->rqp", joint, cov, joint)
        with np.errstate(divide="ignore", invalid="ignore"):
            sol = np.linalg.solve(jv, jb[:, :, None])[:, :, 0]
        wald = (jb * sol).sum(axis=1) / joint.shape[0]
    return est, se, t, wald


@functools.lru_cache(maxsize=64)
def _fixed_b_null(key: bytes, shape: tuple, cshape: tuple, jshape: tuple | None, bw: float):
    """Simulate |t| and Wald statistics under H0 with iid N(0, 1) errors (sorted)."""
    arr = np.frombuffer(key, dtype=float)
    nx = shape[0] * shape[1]
    nc = cshape[0] * cshape[1]
    x = arr[:nx].reshape(shape)
    contrasts = arr[nx : nx + nc].reshape(cshape)
    joint = arr[nx + nc :].reshape(jshape) if jshape else None
    xtx_inv = np.linalg.inv(x.T @ x)
    w = _bartlett(shape[0], bw)
    rng = np.random.default_rng(_SIM_SEED)
    tabs, walds = [], []
    for _ in range(4):  # in chunks to bound memory
        e = rng.standard_normal((_N_SIM // 4, shape[0]))
        beta, _, cov = _fit(e, x, xtx_inv, "hac_fixed_b", w)
        _, _, t, wald = _stats(beta, cov, contrasts, joint)
        tabs.append(np.abs(t))
        if wald is not None:
            walds.append(wald)
    tsim = np.sort(np.concatenate(tabs), axis=0)
    wsim = np.sort(np.concatenate(walds)) if walds else None
    return tsim, wsim


def _sim_pvalue(sorted_null: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """(1 + #{null >= observed}) / (1 + S) for a sorted 1-D null sample."""
    s = len(sorted_null)
    ge = s - np.searchsorted(sorted_null, observed, side="left")
    p = (1.0 + ge) / (1.0 + s)
    return np.where(np.isnan(observed), np.nan, p)


def linear_inference(
    y: np.ndarray,
    x: np.ndarray,
    *,
    method: str = "ols",
    alpha: float = 0.05,
    contrasts: np.ndarray | None = None,
    joint: np.ndarray | None = None,
    fixed_b: float = 0.5,
) -> LinearInference:
    r"""OLS estimates with small-sample-valid standard errors, tests and intervals.

    .. math::

        \hat b = (X'X)^{-1} X'y, \quad
        t_l = \frac{c_l'\hat b}{\sqrt{c_l' \hat V c_l}}, \quad
        W = \frac{(J\hat b)'(J \hat V J')^{-1}(J\hat b)}{q}

    with :math:`\hat V = s^2 (X'X)^{-1}` (``"ols"``; :math:`t_l \sim t_{n-k}`,
    :math:`W \sim F_{q, n-k}`) or the Bartlett HAC
    :math:`\hat V = (X'X)^{-1} \big(\sum_{t,s} w_{|t-s|} x_t e_t e_s x_s'\big) (X'X)^{-1}`,
    :math:`w_j = \max(0, 1 - j/M)`, :math:`M = b\,n` (``"hac_fixed_b"``; critical values
    and p-values from the simulated fixed-b null distribution for this :math:`X`).
    Intervals are :math:`c_l'\hat b \pm q_{1-\alpha}\,\mathrm{se}_l`.

    Parameters
    ----------
    y
        Response, shape ``(n,)`` for one series or ``(n_series, n)`` for a batch.
    x
        Design matrix ``(n, k)`` of full column rank, shared by every series.
    method
        ``"ols"`` (default) or ``"hac_fixed_b"``; see the module docstring.
    alpha
        Level of the tests; intervals have coverage :math:`1 - \alpha`.
    contrasts
        Extra linear combinations ``(m, k)`` reported after the coefficients (e.g. the
        post-break slope ``[0, 1, 0, 1]``).
    joint
        Restriction matrix ``(q, k)`` of a joint test :math:`J b = 0`.
    fixed_b
        Bandwidth as a fraction of *n* for ``"hac_fixed_b"`` (``0 < b <= 1``).

    Returns
    -------
    LinearInference
        Arrays of shape ``(n_series, k + m)``; 1-D input gives ``n_series = 1``.

    Raises
    ------
    InvalidParameterError
        Unknown method, bad ``alpha``/``fixed_b``, non-finite values, a rank-deficient
        design, or fewer than :data:`MIN_RESID_DF` residual degrees of freedom.

    References
    ----------
    Kiefer & Vogelsang (2005), *Econometric Theory* 21, 1130–1164; Chow (1960).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.column_stack([np.ones(6), np.arange(6.0)])
    >>> r = linear_inference(np.array([1.0, 2.1, 2.9, 4.2, 4.8, 6.1]), x)
    >>> round(float(r.estimate[0, 1]), 4), r.df_resid
    (0.9971, 4)
    """
    from scipy import stats

    if method not in INFERENCE_METHODS:
        raise InvalidParameterError("inference", method, list(INFERENCE_METHODS))
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise InvalidParameterError("alpha", alpha, "0 < alpha < 1")
    x = np.asarray(x, dtype=float)
    y2 = np.atleast_2d(np.asarray(y, dtype=float))
    n, k = x.shape
    if y2.shape[1] != n:
        raise InvalidParameterError("y", f"{y2.shape[1]} observations", f"{n} (rows of x)")
    if not (np.isfinite(x).all() and np.isfinite(y2).all()):
        raise InvalidParameterError("y", "non-finite values", "finite numbers")
    df = n - k
    if df < MIN_RESID_DF:
        raise InvalidParameterError(
            "y",
            f"{n} observations for {k} parameters",
            f"at least {k + MIN_RESID_DF} observations",
            why=f"fewer than {MIN_RESID_DF} residual degrees of freedom leave no usable "
            "estimate of the error variance; use a longer window",
        )
    if np.linalg.matrix_rank(x) < k:
        raise InvalidParameterError("x", "a rank-deficient design", "full column rank")
    c = np.eye(k) if contrasts is None else np.vstack([np.eye(k), np.atleast_2d(contrasts)])
    j = None if joint is None else np.atleast_2d(np.asarray(joint, dtype=float))
    xtx_inv = np.linalg.inv(x.T @ x)
    bandwidth = None
    weights = None
    if method == "hac_fixed_b":
        if not (isinstance(fixed_b, (int, float)) and 0 < fixed_b <= 1):
            raise InvalidParameterError("fixed_b", fixed_b, "a fraction 0 < b <= 1")
        bandwidth = float(fixed_b) * n
        weights = _bartlett(n, bandwidth)
    beta, resid, cov = _fit(y2, x, xtx_inv, method, weights)
    est, se, t, wald = _stats(beta, cov, c, j)
    jp = None
    if method == "ols":
        crit = np.full(c.shape[0], stats.t.ppf(1 - alpha / 2, df))
        p = 2.0 * stats.t.sf(np.abs(t), df)
        if wald is not None:
            jp = stats.f.sf(wald, j.shape[0], df)
    else:
        key = np.concatenate([x.ravel(), c.ravel(), j.ravel() if j is not None else []])
        tsim, wsim = _fixed_b_null(
            key.tobytes(), x.shape, c.shape, None if j is None else j.shape, bandwidth
        )
        crit = np.quantile(tsim, 1 - alpha, axis=0)
        p = np.column_stack([_sim_pvalue(tsim[:, i], np.abs(t[:, i])) for i in range(c.shape[0])])
        if wald is not None:
            jp = _sim_pvalue(wsim, wald)
    return LinearInference(
        estimate=est,
        std_error=se,
        statistic=t,
        p_value=p,
        ci_low=est - crit * se,
        ci_high=est + crit * se,
        joint_statistic=wald,
        joint_p_value=jp,
        residuals=resid,
        df_resid=int(df),
        method=method,
        bandwidth=bandwidth,
        critical_value=crit,
    )
