"""Factor scores from a fitted ML model, as lavaan's ``lavPredict()``.

With the model-implied moments of group g (``M = A Psi A'`` the latent covariance,
``E[eta] = A alpha``, ``Sigma``, ``mu``):

- regression (Thurstone; lavaan ``method = "regression"``)::

      eta_hat = A alpha + M Lambda' Sigma^-1 (y - mu)

- Bartlett (lavaan ``method = "Bartlett"``)::

      eta_hat = A alpha + (Lambda' Theta^-1 Lambda)^-1 Lambda' Theta^-1 (y - mu)

Without a mean structure (single-group ML) ``mu`` is the sample mean, as in lavaan.

The optional TALIS metric rescales each factor so that a respondent answering the midpoint of
the response scale on every item scores 10 and one (pooled) standard deviation of the scores
is 2 (OECD, 2019, ch. 11): ``talis = 10 + 2 (eta_hat - eta_mid) / sd(eta_hat)``. The midpoint
is (min + max) / 2 of the codes observed for each item.

WLSMV fits give empirical Bayes modal scores (lavaan's ``lavPredict()`` default for ordered
items; :mod:`dinamika.psychometrics.cfa.ebm`); with the TALIS metric the midpoint respondent answers the
middle category of every item.

References
----------
OECD (2019). *TALIS 2018 Technical Report*, chapter 11 (scale scores). Paris: OECD.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from dinamika.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from dinamika.psychometrics.cfa.result import CFAResult

__all__ = ["factor_scores"]


def _weights(
    result: CFAResult, g: int, method: str
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """(intercept E[eta], weight matrix W (m×p), mu) so that eta_hat = E[eta] + W (y - mu)."""
    model = result._model
    mats = model.fill(result._theta)[g]
    sigma, mu, a_inv = model.implied(mats)
    if not model.meanstructure:
        mu = result._stats[g].mean
    lam = mats["lambda"]
    if method == "regression":
        m_lv = a_inv @ mats["psi"] @ a_inv.T
        w: NDArray[Any] = m_lv @ lam.T @ np.linalg.inv(sigma)
    else:
        theta_inv = np.linalg.pinv(mats["theta"])
        w = np.linalg.solve(lam.T @ theta_inv @ lam, lam.T @ theta_inv)
    return a_inv @ mats["alpha"], w, mu


def factor_scores(
    result: CFAResult, method: str = "regression", *, talis: bool = False
) -> pd.DataFrame:
    """Factor scores per respondent (rows used in the fit, original index kept).

    Parameters
    ----------
    result : CFAResult
        A fit from :func:`dinamika.psychometrics.cfa` (not FIML).
    method : {"regression", "bartlett", "ebm"}
        ML: regression or Bartlett. WLSMV: "regression" and "ebm" both give the empirical
        Bayes modal scores.
    talis : bool
        Rescale to the TALIS metric (midpoint 10, SD 2); see the module docstring.

    Returns
    -------
    DataFrame
        One column per factor (plus ``group`` for multi-group fits), indexed like the data.

    Examples
    --------
    >>> import dinamika
    >>> from dinamika.psychometrics.cfa.examples import holzinger_swineford
    >>> res = dinamika.cfa("visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; "
    ...                    "speed =~ x7 + x8 + x9", holzinger_swineford())
    >>> # In R: head(lavPredict(fit), 1)  -> visual -0.818, textual -0.138, speed 0.062
    >>> res.scores().iloc[0].round(3).tolist()
    [-0.818, -0.138, 0.062]
    """
    method = method.lower()
    if method not in ("regression", "bartlett", "ebm"):
        raise UsageError(
            "The value for `method` must be one of ['regression', 'bartlett', 'ebm'], but "
            f"{method!r} was passed"
        )
    if result.estimator == "WLSMV":
        return _ordinal_scores(result, method, talis)
    if method == "ebm":
        raise UsageError("method='ebm' is for WLSMV fits; ML fits use 'regression' or 'bartlett'")
    if result._extra.get("missing") == "fiml":
        raise UsageError(
            "factor scores for FIML fits (respondents with unanswered items) are not "
            "implemented; fit with missing='listwise' to score complete respondents"
        )
    model = result._model
    fac = [model.lv.index(f) for f in model.factors]
    frames = []
    mids = []
    for g, x in enumerate(result._data):
        e_eta, w, mu = _weights(result, g, method)
        eta = e_eta[fac] + (x - mu) @ w[fac].T
        df = pd.DataFrame(eta, columns=model.factors, index=result._extra["rows"][g])
        if len(result.group_labels) > 1:
            df.insert(0, "group", result.group_labels[g])
        frames.append(df)
        mids.append((e_eta, w, mu))
    out = pd.concat(frames)
    if talis:
        xs = np.vstack(result._data)
        mid = (xs.min(axis=0) + xs.max(axis=0)) / 2.0
        sd = out[model.factors].std(ddof=1).to_numpy()
        for g, (e_eta, w, mu) in enumerate(mids):
            eta_mid = e_eta[fac] + (mid - mu) @ w[fac].T
            rows = result._extra["rows"][g]
            vals = out.loc[rows, model.factors].to_numpy()
            out.loc[rows, model.factors] = 10.0 + 2.0 * (vals - eta_mid) / sd
    return out


def _ordinal_scores(result: CFAResult, method: str, talis: bool) -> pd.DataFrame:
    """EBM scores of a WLSMV fit (see :mod:`dinamika.psychometrics.cfa.ebm`)."""
    from dinamika.psychometrics.cfa.ebm import ebm_scores
    from dinamika.psychometrics.cfa.ordinal import recode_ordinal

    if method == "bartlett":
        raise UsageError(
            "Bartlett scores are not defined for ordered items; WLSMV fits give empirical "
            "Bayes modal scores (method='regression' or 'ebm', lavaan's lavPredict default)"
        )
    model = result._model
    fac = [model.lv.index(f) for f in model.factors]
    codes, nlev = recode_ordinal(list(result._data), model.ov)
    mats_all = model.fill(result._theta)
    for mats in mats_all:
        model.set_ordinal_theta(mats)
    frames = []
    for g, c in enumerate(codes):
        eta = ebm_scores(model, mats_all[g], c, nlev)[:, fac]
        df = pd.DataFrame(eta, columns=model.factors, index=result._extra["rows"][g])
        if len(result.group_labels) > 1:
            df.insert(0, "group", result.group_labels[g])
        frames.append(df)
    out = pd.concat(frames)
    if talis:
        if any(k % 2 == 0 for k in nlev):
            raise UsageError(
                "the TALIS metric needs a middle answer category; some items have an even "
                "number of categories"
            )
        sd = out[model.factors].std(ddof=1).to_numpy()
        mid = np.array([[(k - 1) // 2 for k in nlev]], dtype=np.intp)
        for g in range(len(codes)):
            eta_mid = ebm_scores(model, mats_all[g], mid, nlev)[0, fac]
            rows = result._extra["rows"][g]
            vals = out.loc[rows, model.factors].to_numpy()
            out.loc[rows, model.factors] = 10.0 + 2.0 * (vals - eta_mid) / sd
    return out
