"""The few numerical kernels the identifier needs, in numpy and the standard library alone.

Importing ``scipy.special``, ``scipy.optimize`` and ``scipy.ndimage`` costs 0.5-0.6 s of CPU
(1.3-2.6 s wall on a loaded 2-core machine: about 240 modules) on every cold
``tripline radiation identify``, most of it array-API shims the identifier never uses. These
are the functions it uses, each a textbook algorithm:

- :func:`ndtr`: the standard normal CDF, from ``math.erfc`` (exact to a few ulp) on the
  arguments where it is neither 0 nor 1 in double precision;
- :func:`gaussian_filter1d`: a Gaussian kernel truncated at 4 sigma (the convention of
  ``scipy.ndimage``), with zero (``constant``) or edge (``nearest``) padding;
- :func:`nnls`: non-negative least squares, the active-set algorithm of Lawson and Hanson,
  *Solving Least Squares Problems* (SIAM 1995), ch. 23;
- :func:`bvls`: least squares with lower and upper bounds, the same active-set scheme with two
  bounds per variable (Stark and Parker, Comput. Stat. 10 (1995) 129);
- :func:`nelder_mead`: the downhill simplex of Nelder and Mead with the standard coefficients
  (reflection 1, expansion 2, contraction 1/2, shrink 1/2) and the initial simplex and stopping
  rule of ``scipy.optimize.minimize(method="Nelder-Mead")``;
- :func:`chi2_sf`: the chi-square survival function, the regularized upper incomplete gamma
  function Q(k/2, x/2) by its series or continued fraction (Numerical Recipes, 3rd ed., 6.2).

``tests/radiation/test_numerics.py`` checks every one against scipy on random inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tripline.radiation.model import FloatArray

# below -38.5 the normal CDF underflows to 0; above 8.5 it rounds to 1 in double precision
NDTR_LOW = -38.5
NDTR_HIGH = 8.5
SQRT2 = math.sqrt(2.0)


def ndtr(x: FloatArray | float) -> FloatArray:
    """Standard normal cumulative distribution function, element-wise."""
    z = np.asarray(x, dtype=np.float64)
    out = np.where(z >= NDTR_HIGH, 1.0, 0.0)
    inside = np.flatnonzero((z > NDTR_LOW) & (z < NDTR_HIGH))
    if inside.size:
        # math.erfc over a list of floats: a third cheaper than np.frompyfunc and its object array
        args = (-z.ravel()[inside] / SQRT2).tolist()
        out.ravel()[inside] = 0.5 * np.fromiter(map(math.erfc, args), dtype=np.float64, count=inside.size)
    return np.asarray(out, dtype=np.float64)


def normal_cdf(x: float) -> float:
    """Standard normal CDF of one number."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def gaussian_filter1d(y: FloatArray, sigma: float, mode: str = "constant", truncate: float = 4.0) -> FloatArray:
    """``y`` smoothed by a normalised Gaussian of ``sigma`` channels (radius ``truncate`` sigma);
    ``mode`` "constant" pads with zeros, "nearest" with the edge values."""
    if mode not in ("constant", "nearest"):
        raise ValueError(f"mode {mode!r}: 'constant' or 'nearest'")
    data = np.asarray(y, dtype=np.float64)
    radius = int(truncate * float(sigma) + 0.5)
    if radius <= 0 or data.size == 0:
        return data.copy()
    offsets = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    kernel /= kernel.sum()
    # padded by hand: np.pad costs more than the convolution of a 1024-channel spectrum
    padded = np.zeros(data.size + 2 * radius, dtype=np.float64)
    padded[radius : radius + data.size] = data
    if mode == "nearest":
        padded[:radius] = data[0]
        padded[radius + data.size :] = data[-1]
    return np.asarray(np.convolve(padded, kernel, mode="valid"), dtype=np.float64)


def design_matrix(columns: list[FloatArray], sd: FloatArray) -> FloatArray:
    """The weighted design matrix of a least-squares fit, one column per entry of ``columns``, each divided by ``sd``
    element by element: the values and the C-ordered layout of ``np.stack(columns, axis=1) / sd[:, None]`` (the
    same divisions), at about two thirds of its cost for 5-20 columns (``np.stack`` costs more than the division)."""
    return np.ascontiguousarray((np.array(columns, dtype=np.float64) / sd).T)


def shape_amplitude(
    values: FloatArray, var: FloatArray, shape: FloatArray, roi: np.ndarray
) -> tuple[float, float] | None:
    """(amplitude, significance) of ``shape`` alone fitted by least squares to ``values`` over the channels ``roi``,
    errors ``var``: the amplitude in units of ``shape`` and its ratio to its standard error; None when ``shape`` has
    no weight there."""
    g = shape[roi]
    v = var[roi]
    info = float((g * g / v).sum())
    if info <= 0.0:
        return None
    amplitude = float((g * values[roi] / v).sum()) / info
    return amplitude, amplitude * math.sqrt(info)


def _solve(a: FloatArray, b: FloatArray) -> FloatArray:
    """a x = b for a symmetric Gram block: LU, or least squares when it is singular."""
    try:
        x = np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        x = np.linalg.lstsq(a, b, rcond=None)[0]
    else:
        if np.count_nonzero(np.isfinite(x)) != x.size:
            x = np.linalg.lstsq(a, b, rcond=None)[0]
    return np.asarray(x, dtype=np.float64)


def nnls(
    a: FloatArray, b: FloatArray, maxiter: int | None = None, free: np.ndarray | None = None
) -> tuple[FloatArray, float]:
    """(x, ||a x - b||) with x >= 0 minimising the residual (Lawson-Hanson active set).
    ``free``: the variables to start free, the others at 0 (see :func:`bvls`)."""
    n = np.shape(a)[1]
    return _bvls(a, b, np.zeros(n), np.full(n, np.inf), maxiter, free, nonnegative=True)


def bvls(
    a: FloatArray,
    b: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    maxiter: int | None = None,
    free: np.ndarray | None = None,
) -> tuple[FloatArray, float]:
    """(x, ||a x - b||) with lower <= x <= upper minimising the residual (bounds may be
    infinite; a variable with no finite bound is always free).

    Active set: every variable is held at a bound or free. The free variables are solved
    unconstrained; a solution leaving the box is cut back to it (the first variables to reach a
    bound are held there), and the held variable whose gradient most points into the box is
    freed, until no held variable would lower the residual by moving (the KKT conditions).

    ``free`` (a warm start, for a problem close to one already solved: the same columns and one
    more): the variables to start free, the others held at their lower bound (a variable without
    a finite lower bound starts free), instead of starting from the unconstrained solution. The solution
    only depends on the free set the iteration ends with (the unconstrained solution of those
    variables, the others at their bounds), so a start near it saves active-set steps and, the
    optimum being unique, returns the same answer."""
    return _bvls(a, b, lower, upper, maxiter, free, nonnegative=False)


def _bvls(
    a: FloatArray,
    b: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    maxiter: int | None,
    free: np.ndarray | None,
    nonnegative: bool,
) -> tuple[FloatArray, float]:
    """:func:`bvls`; ``nonnegative``: the bounds are 0 and +inf (:func:`nnls`), which need no check and hold a
    warm start's other variables at 0 (the values the general route gives them, without its masks)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    n = a.shape[1]
    if n == 0:
        return np.zeros(0), float(np.linalg.norm(b))
    # the loops below run on a few to a few tens of variables, where a numpy reduction (any, all,
    # max, argmax, flatnonzero) costs 2-4 us of call overhead: they use count_nonzero, nonzero and
    # the array methods instead (the same values, the same arithmetic)
    if not nonnegative and np.count_nonzero(lo > hi):
        raise ValueError("a lower bound above its upper bound")
    # the normal equations: the active-set steps then solve systems of n unknowns, never the
    # tall ones (a 16384-channel HPGe spectrum): multithreaded LAPACK on a tall matrix costs
    # 40-700 ms per call on a loaded 2-core machine, the Gram matrix (one matmul) 0.2 ms
    gram = a.T @ a
    rhs = a.T @ b
    if n == 1:  # one column: the unconstrained solution clipped to the box is the answer
        g = float(gram[0, 0])
        x = np.clip(np.array([rhs[0] / g if g > 0 else 0.0]), lo, hi)
        r = a[:, 0] * x[0] - b
        return x, math.sqrt(float(r @ r))
    if free is not None and nonnegative:
        x = np.zeros(n)  # every variable bounded below, at 0 when held
        free = np.array(free, dtype=bool)
    elif free is not None:
        bounded = np.isfinite(lo)
        x = np.where(bounded, lo, np.minimum(hi, 0.0))  # in the box; every held variable on its bound
        free = np.array(free, dtype=bool) | ~bounded
    else:
        # start from the unconstrained solution: when it lies in the box it is the answer; else
        # the box's nearest point, the variables inside held free, the others at their bound
        z = _solve(gram, rhs)
        if np.count_nonzero((z >= lo) & (z <= hi)) == n:
            r = a @ z - b
            return z, math.sqrt(float(r @ r))
        x = np.minimum(np.maximum(z, lo), hi)  # np.clip, without its Python wrapper
        free = (z > lo) & (z < hi)
    limit = maxiter if maxiter else 3 * n
    tol = 1e-12 * max(float(np.abs(rhs).max()), float(np.abs(gram).max()), 1e-300) * n
    # the bookkeeping (which variables are free, which may move) in Python lists: n is a few to a
    # few tens, where every numpy call costs more than the loop; the arithmetic stays in numpy
    lo_l, hi_l = lo.tolist(), hi.tolist()
    free_l: list[bool] = free.tolist()
    stalled = [False] * n  # freed, then held again at once: not freed again until x moves
    for _ in range(max(limit, 1) * 4):
        if True in free_l:
            before = x
            x = _free_solution(gram, rhs, x, free_l, lo_l, hi_l)  # holds the variables it cuts back
            if np.count_nonzero(before != x):
                stalled = [False] * n
        if False not in free_l:  # every variable free: their unconstrained solution lies in the box
            break
        w = (rhs - gram @ x).tolist()  # minus the gradient of ||a x - b||^2 / 2
        x_l = x.tolist()
        pick, largest = -1, -1.0
        for i in range(n):  # the held variable whose gradient points into the box the most
            if free_l[i] or stalled[i]:
                continue
            wi = w[i]
            if ((x_l[i] < hi_l[i] and wi > tol) or (x_l[i] > lo_l[i] and wi < -tol)) and abs(wi) > largest:
                pick, largest = i, abs(wi)
        if pick < 0:
            break
        free_l[pick] = True
        stalled[pick] = True
    r = a @ x - b
    return x, math.sqrt(float(r @ r))


def _free_solution(
    gram: FloatArray, rhs: FloatArray, x: FloatArray, free: list[bool], lo: list[float], hi: list[float]
) -> FloatArray:
    """The unconstrained solution of the free variables, cut back into the box (in place on
    ``free``: variables reaching a bound are held there)."""
    x = x.copy()
    for _ in range(len(free) + 1):
        idx = [i for i, f in enumerate(free) if f]
        if not idx:
            return x
        held = [i for i, f in enumerate(free) if not f]
        # ndarray.take with index arrays: the copies fancy indexing makes, at a third of its cost
        idx_a = np.array(idx, dtype=np.intp)
        rows = gram.take(idx_a, axis=0)
        if held:
            held_a = np.array(held, dtype=np.intp)
            target = rhs.take(idx_a) - rows.take(held_a, axis=1) @ x.take(held_a)
        else:
            target = rhs.take(idx_a)
        z = _solve(rows.take(idx_a, axis=1), target)
        z_l = z.tolist()
        # the free variables the solution puts outside the box, with the bound each crosses
        out = [(k, lo[i] if z_l[k] < lo[i] else hi[i]) for k, i in enumerate(idx) if z_l[k] < lo[i] or z_l[k] > hi[i]]
        if not out:
            x[idx_a] = z
            return x
        # step from x (in the box) towards z as far as the box allows; z is outside only where
        # the step is not zero, towards a finite bound
        x_f = x.take(idx_a)
        step = z - x_f
        x_fl, step_l = x_f.tolist(), step.tolist()
        alphas = [(bound - x_fl[k]) / step_l[k] for k, bound in out]
        alpha = min(max(min(alphas), 0.0), 1.0)
        x[idx_a] = x_f + alpha * step
        for (k, bound), a_k in zip(out, alphas, strict=True):
            if a_k <= alpha + 1e-12:
                x[idx[k]] = bound
                free[idx[k]] = False
    return x


def nelder_mead(
    fun: Callable[[FloatArray], float],
    x0: FloatArray,
    *,
    xatol: float = 1e-4,
    fatol: float = 1e-4,
    maxiter: int | None = None,
) -> FloatArray:
    """The point of lowest ``fun`` found by the Nelder-Mead simplex from ``x0``."""
    start = np.asarray(x0, dtype=np.float64).ravel()
    n = start.size
    max_iter = maxiter if maxiter is not None else 200 * n
    max_fun = 200 * n
    sim = np.empty((n + 1, n), dtype=np.float64)
    sim[0] = start
    for k in range(n):
        y = start.copy()
        y[k] = 1.05 * y[k] if y[k] != 0 else 0.00025
        sim[k + 1] = y
    fsim = np.array([fun(v) for v in sim], dtype=np.float64)
    calls = n + 1
    order = np.argsort(fsim)
    sim, fsim = sim[order], fsim[order]
    iterations = 1
    while calls < max_fun and iterations < max_iter:
        if np.max(np.abs(sim[1:] - sim[0])) <= xatol and np.max(np.abs(fsim[0] - fsim[1:])) <= fatol:
            break
        xbar = sim[:-1].mean(axis=0)
        xr = 2.0 * xbar - sim[-1]
        fxr = fun(xr)
        calls += 1
        shrink = False
        if fxr < fsim[0]:
            xe = 3.0 * xbar - 2.0 * sim[-1]
            fxe = fun(xe)
            calls += 1
            sim[-1], fsim[-1] = (xe, fxe) if fxe < fxr else (xr, fxr)
        elif fxr < fsim[-2]:
            sim[-1], fsim[-1] = xr, fxr
        elif fxr < fsim[-1]:  # outside contraction
            xc = 1.5 * xbar - 0.5 * sim[-1]
            fxc = fun(xc)
            calls += 1
            if fxc <= fxr:
                sim[-1], fsim[-1] = xc, fxc
            else:
                shrink = True
        else:  # inside contraction
            xcc = 0.5 * xbar + 0.5 * sim[-1]
            fxcc = fun(xcc)
            calls += 1
            if fxcc < fsim[-1]:
                sim[-1], fsim[-1] = xcc, fxcc
            else:
                shrink = True
        if shrink:
            for j in range(1, n + 1):
                sim[j] = sim[0] + 0.5 * (sim[j] - sim[0])
                fsim[j] = fun(sim[j])
                calls += 1
        iterations += 1
        order = np.argsort(fsim)
        sim, fsim = sim[order], fsim[order]
    return np.asarray(sim[0], dtype=np.float64)


def chi2_sf(dof: float, x: float) -> float:
    """P(chi-square with ``dof`` degrees of freedom > x)."""
    if 0.5 * x <= 0:
        return 1.0
    return _gamma_q(0.5 * dof, 0.5 * x)


def _gamma_q(a: float, x: float) -> float:
    """Regularized upper incomplete gamma function Q(a, x), a > 0, x > 0."""
    log_prefactor = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:  # the series of P(a, x) converges fast here
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefactor))
    # the continued fraction of Q(a, x) by the modified Lentz method
    tiny = 1e-300
    bb = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / bb
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        bb += 2.0
        d = an * d + bb
        d = tiny if abs(d) < tiny else d
        c = bb + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return math.exp(log_prefactor) * h
