"""The sufficient-statistics path on a partitioned Parquet data set, reduced by a real Dask
LocalCluster, gives the in-memory results: counts and sums exactly, estimates to 1e-10.

The cluster runs its workers as threads (``processes=False``): on the 2-core CI machine
worker processes take seconds to start and are killed under load; the scheduler, the task
graph and the partition-by-partition reduction are the same.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")  # an extra of dinamika[test]: always there in CI
distributed = pytest.importorskip("distributed")

from dinamika import polychoric, reliability  # noqa: E402
from dinamika.errors import UsageError  # noqa: E402
from dinamika.psychometrics.cfa.api import cfa  # noqa: E402
from dinamika.scale import reliability_from_statistics, sufficient_statistics  # noqa: E402

ITEMS = ["A1", "A2", "A3", "B1", "B2", "B3"]
MODEL = "A =~ A1 + A2 + A3\nB =~ B1 + B2 + B3"


def _responses(n: int = 4000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.multivariate_normal([0, 0], [[1, 0.4], [0.4, 1]], size=n)
    cols = {}
    for j, item in enumerate(ITEMS):
        latent = 0.75 * f[:, j // 3] + rng.normal(scale=0.6, size=n)
        codes = np.digitize(latent, [-1.2, -0.4, 0.4, 1.2]) + 1.0  # 1..5
        codes[rng.random(n) < 0.05] = np.nan  # 5% missing
        cols[item] = codes
    return pd.DataFrame(cols)


@pytest.fixture(scope="module")
def partitioned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    data = _responses()
    folder = tmp_path_factory.mktemp("term-parquet")
    bounds = [0, 700, 1900, 2600, 4000]  # four partitions of unequal size
    for k in range(4):
        part = data.iloc[bounds[k] : bounds[k + 1]]
        (folder / f"province={k}").mkdir()
        part.to_parquet(folder / f"province={k}" / "part.parquet", index=False)
    return folder, data


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _same_counts(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.items == b.items and a.lowest == b.lowest
    np.testing.assert_array_equal(a.tables, b.tables)
    assert (a.n_rows, a.n_answering, a.n_complete) == (b.n_rows, b.n_answering, b.n_complete)
    np.testing.assert_array_equal(a.complete_sum, b.complete_sum)
    np.testing.assert_array_equal(a.complete_cross, b.complete_cross)


def _close(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-10, atol=1e-13)


def test_dask_statistics_equal_in_memory_counts_exactly(partitioned, client) -> None:  # type: ignore[no-untyped-def]
    folder, data = partitioned
    memory = sufficient_statistics(data)
    from_files = sufficient_statistics(folder, ITEMS)
    from_ddf = sufficient_statistics(dd.read_parquet(str(folder), columns=ITEMS))
    assert from_files.partitions == 4 and memory.partitions == 1
    assert client.run(lambda: 1)  # the tasks ran on the LocalCluster's workers
    _same_counts(from_files, memory)
    _same_counts(from_ddf, memory)
    # counts and sums are those of the raw data, exactly
    x = data.to_numpy()
    obs = ~np.isnan(x)
    assert memory.count.tolist() == (obs.T.astype(int) @ obs.astype(int)).tolist()
    full = x[obs.all(axis=1)]
    assert memory.n_complete == len(full)
    np.testing.assert_array_equal(memory.complete_cross, (full.T @ full).astype(np.int64))
    _close(memory.pairwise_cov().to_numpy(), data.cov().to_numpy())
    _close(memory.pairwise_cor().to_numpy(), data.corr().to_numpy())


def test_estimators_take_the_statistics_and_give_the_in_memory_results(partitioned, client) -> None:  # type: ignore[no-untyped-def]
    folder, data = partitioned
    stats = sufficient_statistics(folder, ITEMS)
    # polychoric from the pair tables
    _close(polychoric(stats).rho.to_numpy(), polychoric(data).rho.to_numpy())
    _close(polychoric(stats).thresholds.to_numpy(), polychoric(data).thresholds.to_numpy())
    # alpha / omega from the pairwise covariances, reverse keying included
    for items, reverse in ((ITEMS[:3], ()), (ITEMS[3:], ("B2",))):
        mine = reliability_from_statistics(stats, items, reverse=reverse)
        ref = reliability(data[items], reverse=reverse, n_boot=0)
        for name in ("alpha", "std_alpha", "lambda6", "average_r", "omega_total"):
            _close(np.array(getattr(mine, name)), np.array(getattr(ref, name)))
        assert mine.n == ref.n
        _close(np.array(mine.alpha_ci_feldt), np.array(ref.alpha_ci_feldt))
    # CFA ML from the complete-case covariance
    got, want = cfa(MODEL, stats), cfa(MODEL, data)
    _close(got.parameters["est"].to_numpy(), want.parameters["est"].to_numpy())
    _close(got.parameters["se"].to_numpy(), want.parameters["se"].to_numpy())
    _close(np.array([got.fit.chisq, got.fit.cfi, got.fit.rmsea]),
           np.array([want.fit.chisq, want.fit.cfi, want.fit.rmsea]))  # fmt: skip
    assert got.n == want.n and got.diagnostics == want.diagnostics


def test_statistics_refuse_what_they_cannot_answer(partitioned, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, data = partitioned
    stats = sufficient_statistics(data)
    with pytest.raises(UsageError, match="pairwise"):
        polychoric(stats, missing="listwise")
    with pytest.raises(UsageError, match="single-group ML"):
        cfa(MODEL, stats, estimator="WLSMV")
    with pytest.raises(UsageError, match="exactly the model's variables"):
        cfa("A =~ A1 + A2 + A3", stats)
    with pytest.raises(UsageError, match="whole numbers"):
        sufficient_statistics(data.assign(A1=data["A1"] + 0.5))
    with pytest.raises(UsageError, match=r"no \.parquet files"):
        sufficient_statistics([tmp_path], ITEMS)


def test_without_dask_files_are_read_one_after_another(partitioned, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The pyarrow fallback (Dask not installed) gives the same integer sums."""
    from dinamika.scale import statistics

    folder, data = partitioned
    monkeypatch.setattr(statistics, "_dask_frame", lambda source, items: None)
    files = statistics.sufficient_statistics(folder, ITEMS)
    assert files.partitions == 4
    _same_counts(files, sufficient_statistics(data))
