"""Bivariate standard normal distribution, vectorized over any broadcastable arrays.

Private helper of :mod:`dinamika.psychometrics.polychoric.api`. ``bvn_cdf(h, k, r)`` is
``P(X <= h, Y <= k)`` for standard normal ``X, Y`` with correlation ``r``, computed with the
Drezner & Wesolowsky (1990) Gauss–Legendre rule on Sheppard's integral, and Genz's (2004)
asymptotic expansion for ``|r| >= 0.925``. The absolute error is of the order of 1e-15. Every
branch of the original scalar algorithm becomes a boolean mask, so one call evaluates
thousands of (h, k, r) triples at numpy speed (``scipy.stats.multivariate_normal.cdf`` runs a
randomized quasi-Monte-Carlo integration per point and is orders of magnitude slower).

References
----------
Drezner, Z., & Wesolowsky, G. O. (1990). On the computation of the bivariate normal integral.
*Journal of Statistical Computation and Simulation*, 35, 101–107.

Genz, A. (2004). Numerical computation of rectangular bivariate and trivariate normal and t
probabilities. *Statistics and Computing*, 14, 251–260.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr

__all__ = ["R_GRID", "bvn_cdf", "bvn_cdf_grid", "bvn_cdf_rho_grid", "bvn_pdf"]

# 20-point Gauss–Legendre rule on [-1, 1] (half the nodes; the rule is symmetric).
_X20 = np.array(
    [
        0.9931285991850949,
        0.9639719272779138,
        0.9122344282513259,
        0.8391169718222188,
        0.7463319064601508,
        0.6360536807265150,
        0.5108670019508271,
        0.3737060887154196,
        0.2277858511416451,
        0.07652652113349733,
    ]
)
_W20 = np.array(
    [
        0.01761400713915212,
        0.04060142980038694,
        0.06267204833410906,
        0.08327674157670475,
        0.1019301198172404,
        0.1181945319615184,
        0.1316886384491766,
        0.1420961093183821,
        0.1491729864726037,
        0.1527533871307259,
    ]
)
# Genz's smaller rules for smaller |r|: 6 points (|r| < 0.3) and 12 points (|r| < 0.75).
_X6 = np.array([0.9324695142031522, 0.6612093864662647, 0.2386191860831970])
_W6 = np.array([0.1713244923791705, 0.3607615730481384, 0.4679139345726904])
_X12 = np.array(
    [
        0.9815606342467191,
        0.9041172563704750,
        0.7699026741943050,
        0.5873179542866171,
        0.3678314989981802,
        0.1252334085114692,
    ]
)
_W12 = np.array(
    [
        0.04717533638651177,
        0.1069393259953183,
        0.1600783285433464,
        0.2031674267230659,
        0.2334925365383547,
        0.2491470458134029,
    ]
)
_RULES = (
    (0.3, np.concatenate([1.0 - _X6, 1.0 + _X6]), np.concatenate([_W6, _W6])),
    (0.75, np.concatenate([1.0 - _X12, 1.0 + _X12]), np.concatenate([_W12, _W12])),
    (0.925, np.concatenate([1.0 - _X20, 1.0 + _X20]), np.concatenate([_W20, _W20])),
)
# Nodes mapped to (0, 2): 1 - x and 1 + x, with their weights.
_NODES = np.concatenate([1.0 - _X20, 1.0 + _X20])
_WEIGHTS = np.concatenate([_W20, _W20])
_TWOPI = 2.0 * np.pi


def bvn_pdf(h: ArrayLike, k: ArrayLike, r: ArrayLike) -> NDArray[np.float64]:
    r"""Bivariate standard normal density :math:`\phi_2(h, k; r)`; 0 where h or k is infinite.

    .. math:: \phi_2(h, k; r) = \frac{1}{2\pi\sqrt{1-r^2}}
              \exp\!\left(-\frac{h^2 - 2rhk + k^2}{2(1-r^2)}\right)
    """
    h, k, r = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (h, k, r)))
    finite = np.isfinite(h) & np.isfinite(k)
    hf = np.where(finite, h, 0.0)
    kf = np.where(finite, k, 0.0)
    one_r2 = 1.0 - r * r
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q = (hf * hf - 2.0 * r * hf * kf + kf * kf) / one_r2
        dens = np.exp(-0.5 * q) / (_TWOPI * np.sqrt(one_r2))
    return np.where(finite, dens, 0.0)


def bvn_cdf(h: ArrayLike, k: ArrayLike, r: ArrayLike) -> NDArray[np.float64]:
    """Lower bivariate standard normal probability ``P(X <= h, Y <= k)``, corr(X, Y) = r.

    All arguments broadcast; ``h`` and ``k`` may be ``±inf``; ``-1 <= r <= 1``.

    Examples
    --------
    >>> round(float(bvn_cdf(0.0, 0.0, 0.5)), 12)  # 1/4 + asin(0.5)/(2 pi) = 1/3
    0.333333333333
    """
    h, k, r = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (h, k, r)))
    # Genz's routine computes the upper probability P(X > dh, Y > dk); the lower one is
    # the upper one at (-h, -k).
    return _bvn_upper(-h, -k, r)


def bvn_cdf_grid(h: ArrayLike, k: ArrayLike, r: ArrayLike) -> NDArray[np.float64]:
    """``P(X <= h[p, a], Y <= k[p, b])`` with corr ``r[p]``: a whole grid per p, shape (P, A, B).

    Same values as :func:`bvn_cdf` on the broadcast grid, faster: the quadrature nodes'
    sines depend on r only, so they are computed once per p, and Genz's smaller rules
    (6 or 12 points) are used where |r| allows.

    Examples
    --------
    >>> g = bvn_cdf_grid([[0.0, np.inf]], [[0.0, 1.0]], [0.5])
    >>> np.round(g, 6).tolist()
    [[[0.333333, 0.468743], [0.5, 0.841345]]]
    """
    hh = np.asarray(h, dtype=np.float64)
    kk = np.asarray(k, dtype=np.float64)
    rr = np.asarray(r, dtype=np.float64)
    hg = hh[:, :, None]
    kg = kk[:, None, :]
    out = np.empty((len(rr), hh.shape[1], kk.shape[1]))
    fin = np.isfinite(hg) & np.isfinite(kg)
    hf = np.where(np.isfinite(hg), hg, 0.0)
    kf = np.where(np.isfinite(kg), kg, 0.0)
    absr = np.abs(rr)
    lower = 0.0
    for upper, nodes, weights in _RULES:
        sel = np.flatnonzero((absr >= lower) & (absr < upper))
        lower = upper
        if sel.size == 0:
            continue
        asr = np.arcsin(rr[sel])
        sn = np.sin(asr[:, None] * nodes[None, :] / 2.0)  # (G, m): per pair, not per point
        inv = 1.0 / (1.0 - sn * sn)
        hs_, ks_ = hf[sel], kf[sel]
        hk = (hs_ * ks_)[..., None]
        half = (0.5 * (hs_ * hs_ + ks_ * ks_))[..., None]
        terms = np.exp((sn[:, None, None, :] * hk - half) * inv[:, None, None, :])
        out[sel] = (terms @ weights) * (asr / (4.0 * np.pi))[:, None, None] + ndtr(hs_) * ndtr(ks_)
    big = np.flatnonzero(absr >= 0.925)
    if big.size:
        full = np.broadcast_to(rr[big][:, None, None], (big.size, *out.shape[1:]))
        out[big] = bvn_cdf(
            np.broadcast_to(hf[big], full.shape), np.broadcast_to(kf[big], full.shape), full
        )
    out = np.clip(out, 0.0, 1.0)
    # infinite limits: Φ2(−inf, ·) = 0, Φ2(+inf, k) = Φ(k), Φ2(h, +inf) = Φ(h)
    hb = np.broadcast_to(hg, out.shape)
    kb = np.broadcast_to(kg, out.shape)
    edge = ~fin
    if edge.any():
        val = np.where(
            (hb == -np.inf) | (kb == -np.inf),
            0.0,
            np.where(hb == np.inf, np.where(kb == np.inf, 1.0, ndtr(kb)), ndtr(hb)),
        )
        out[edge] = val[edge]
    return out


def _bvn_upper(
    dh: NDArray[np.float64], dk: NDArray[np.float64], r: NDArray[np.float64]
) -> NDArray[np.float64]:
    out = np.zeros(dh.shape, dtype=np.float64)
    fin = np.isfinite(dh) & np.isfinite(dk)
    # Infinite limits: P(X > +inf, .) = 0; P(X > -inf, Y > dk) = Phi(-dk).
    h_lo = dh == -np.inf
    k_lo = dk == -np.inf
    h_hi = dh == np.inf
    k_hi = dk == np.inf
    out = np.where(h_lo & ~k_hi, ndtr(-np.where(k_lo, -np.inf, dk)), out)
    out = np.where(k_lo & ~h_hi & ~h_lo, ndtr(-dh), out)
    out = np.where(h_lo & k_lo, 1.0, out)
    if not fin.any():
        return out

    h = dh[fin]
    k = dk[fin]
    rr = r[fin]
    res = np.empty(h.shape, dtype=np.float64)
    small = np.abs(rr) < 0.925

    if small.any():
        hs_, ks_, r_ = h[small], k[small], rr[small]
        hk = hs_ * ks_
        hs = 0.5 * (hs_ * hs_ + ks_ * ks_)
        asr = np.arcsin(r_)
        sn = np.sin(asr[:, None] * _NODES[None, :] / 2.0)
        terms = np.exp((sn * hk[:, None] - hs[:, None]) / (1.0 - sn * sn))
        res[small] = terms @ _WEIGHTS * asr / (4.0 * np.pi) + ndtr(-hs_) * ndtr(-ks_)

    big = ~small
    if big.any():
        hb, kb, rb = h[big], k[big], rr[big]
        kb = np.where(rb < 0, -kb, kb)
        hk = hb * kb
        bvn = np.zeros(hb.shape, dtype=np.float64)
        inner = np.abs(rb) < 1.0
        if inner.any():
            hi, ki, ri, hki = hb[inner], kb[inner], rb[inner], hk[inner]
            as_ = (1.0 - ri) * (1.0 + ri)
            a = np.sqrt(as_)
            bs = (hi - ki) ** 2
            c = (4.0 - hki) / 8.0
            d = (12.0 - hki) / 16.0
            asr = -(bs / as_ + hki) / 2.0
            with np.errstate(over="ignore", invalid="ignore", under="ignore"):
                v = np.where(
                    asr > -100.0,
                    a
                    * np.exp(asr)
                    * (1 - c * (bs - as_) * (1 - d * bs / 5) / 3 + c * d * as_ * as_ / 5),
                    0.0,
                )
                b = np.sqrt(bs)
                sp = np.sqrt(_TWOPI) * ndtr(-b / a)
                v = v - np.where(
                    -hki < 100.0,
                    np.exp(-hki / 2.0) * sp * b * (1 - c * bs * (1 - d * bs / 5) / 3),
                    0.0,
                )
                a2 = a / 2.0
                xs = (a2[:, None] * _NODES[None, :]) ** 2  # (a/2 (1 ± x))^2
                rs = np.sqrt(1.0 - xs)
                asr2 = -(bs[:, None] / xs + hki[:, None]) / 2.0
                sp2 = 1.0 + c[:, None] * xs * (1.0 + d[:, None] * xs)
                ep = np.exp(-hki[:, None] * (1.0 - rs) / (2.0 * (1.0 + rs))) / rs
                terms = np.where(asr2 > -100.0, np.exp(asr2) * (ep - sp2), 0.0)
                v = v + a2 * (terms @ _WEIGHTS)
            bvn[inner] = -v / _TWOPI
        pos = rb > 0
        bvn = np.where(
            pos, bvn + ndtr(-np.maximum(hb, kb)), -bvn + np.maximum(0.0, ndtr(-hb) - ndtr(-kb))
        )
        res[big] = bvn
    out[fin] = np.clip(res, 0.0, 1.0)
    return out


# --- Φ2 at many values of r at once (the polychoric fit's global search) ---------------------
# Plackett: dΦ2(h, k; r)/dr = φ2(h, k; r), and Φ2(h, k; 0) = Φ(h)Φ(k). With r = tanh(z) the
# integrand φ2 · dr/dz = sech(z)/(2π) · exp(-(h² + k²)cosh²(z)/2 + hk sinh(z)cosh(z)) is smooth
# and bounded, so Gauss–Legendre rules on the segments between the grid's z values give Φ2 at
# every grid value by cumulative sums (absolute error < 2e-6: enough to bracket a maximum, which
# is then refined with the exact routine above).
Z_GRID_HALF = np.array([0.4, 0.8, 1.2, 1.6, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.5, 9.0, 10.5])
R_GRID = np.tanh(np.concatenate([-Z_GRID_HALF[::-1], [0.0], Z_GRID_HALF]))


def _rho_grid_rule(m: int = 3) -> tuple[NDArray[np.float64], int]:
    x, wt = np.polynomial.legendre.leggauss(m)
    edges = np.concatenate([[0.0], Z_GRID_HALF])
    a, b = edges[:-1], edges[1:]
    nodes = (((a + b) / 2)[:, None] + ((b - a) / 2)[:, None] * x[None, :]).ravel()
    weights = (((b - a) / 2)[:, None] * wt[None, :]).ravel()
    z = np.concatenate([nodes, -nodes])
    w = np.concatenate([weights, weights])
    c, s = np.cosh(z), np.sinh(z)
    coef = np.stack([c * c, s * c, np.log(w / (_TWOPI * c))])  # exponent = [A, B, 1] @ coef
    return coef, m


_RULE_COEF, _RULE_M = _rho_grid_rule()
_ROWS_PER_BLOCK = 20_000


def bvn_cdf_rho_grid(h: ArrayLike, k: ArrayLike) -> NDArray[np.float64]:
    """``Φ2(h, k; r)`` for every r in ``R_GRID``: shape ``broadcast(h, k).shape + (len(R_GRID),)``.

    ``h``/``k`` may be infinite. Accurate to about 2e-6 (a screening grid, not the estimate).

    Examples
    --------
    >>> g = bvn_cdf_rho_grid(0.0, 0.0)  # 1/4 + asin(r)/(2 pi)
    >>> bool(np.abs(g - (0.25 + np.arcsin(R_GRID) / (2 * np.pi))).max() < 2e-6)
    True
    """
    hh, kk = np.broadcast_arrays(np.asarray(h, dtype=np.float64), np.asarray(k, dtype=np.float64))
    shape = hh.shape
    hf, kf = hh.ravel(), kk.ravel()
    n_seg = len(Z_GRID_HALF)
    out = np.repeat((ndtr(hf) * ndtr(kf))[:, None], 2 * n_seg + 1, axis=1)
    idx = np.flatnonzero(np.isfinite(hf) & np.isfinite(kf))
    for s in range(0, idx.size, _ROWS_PER_BLOCK):
        sel = idx[s : s + _ROWS_PER_BLOCK]
        a, b = hf[sel], kf[sel]
        x = np.stack([-(a * a + b * b) / 2.0, a * b, np.ones(sel.size)], axis=1)
        # exponent <= log(weight): never overflows; floored at -600 so no subnormal numbers
        # (slow on x86) arise; the floor adds at most 1e-260 per node
        e = x @ _RULE_COEF
        np.maximum(e, -600.0, out=e)
        np.exp(e, out=e)
        seg = e.reshape(sel.size, 2 * n_seg, _RULE_M).sum(axis=2)
        np.cumsum(seg, axis=1, out=seg)  # positive side, then negative side, from z = 0
        block = out[sel]
        block[:, n_seg + 1 :] += seg[:, :n_seg]
        block[:, :n_seg] -= seg[:, : n_seg - 1 : -1] - seg[:, n_seg - 1 : n_seg]
        np.clip(block, 0.0, 1.0, out=block)
        out[sel] = block
    return out.reshape(*shape, 2 * n_seg + 1)
