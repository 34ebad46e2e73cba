"""The packages the model is told it has really work inside the sandbox, for root and a normal user."""

from oci_desktop.engine.sandbox.packages import KERNEL_PACKAGES


def test_every_listed_package_imports_in_the_sandbox(run_cells):
    r = run_cells([f"import {', '.join(KERNEL_PACKAGES)}\nprint('imported')"])
    assert r[0]["status"] == "ok", r[0].get("error")
    assert r[0]["stdout"] == "imported\n"


def test_a_regression_and_a_clustering_run_as_data_questions_need_them(run_cells):
    # scikit-learn's joblib and statsmodels' patsy start worker threads and read /proc and /sys;
    # the sandbox's filters must let an ordinary fit through, in parallel too.
    fit = ("import numpy as np\n"
           "from sklearn.linear_model import LinearRegression\n"
           "from sklearn.cluster import KMeans\n"
           "from sklearn.model_selection import cross_val_score\n"
           "x = np.arange(20.0).reshape(-1, 1); y = 3 * x.ravel() + 2\n"
           "model = LinearRegression().fit(x, y)\n"
           "print(round(model.coef_[0], 6), round(model.intercept_, 6))\n"
           "labels = KMeans(n_clusters=2, n_init=3, random_state=0).fit_predict(np.r_[x[:5], x[:5] + 100])\n"
           "print(len(set(labels)))\n"
           "print(round(cross_val_score(LinearRegression(), x, y, cv=4, n_jobs=2).mean(), 6))")
    ols = ("import pandas as pd, statsmodels.formula.api as smf\n"
           "df = pd.DataFrame({'x': range(10), 'y': [2 * i + 1 for i in range(10)]})\n"
           "print(round(smf.ols('y ~ x', df).fit().params['x'], 6))")
    r = run_cells([fit, ols])
    assert r[0]["status"] == "ok", r[0].get("error")
    assert r[0]["stdout"] == "3.0 2.0\n2\n1.0\n"
    assert r[1]["status"] == "ok", r[1].get("error")
    assert r[1]["stdout"] == "2.0\n"
