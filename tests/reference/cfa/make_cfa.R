# Reference values for dinamika.cfa / dinamika.invariance (lavaan 0.6-x).
# Rerun from the repository root:  Rscript tests/reference/cfa/make_cfa.R
# Writes CSV / JSON files beside this script; the Python tests read them (no R needed).
suppressPackageStartupMessages({
  library(lavaan)
  library(jsonlite)
})
out <- "tests/reference/cfa"
wcsv <- function(x, name) write.csv(x, file.path(out, name), row.names = FALSE, na = "")
wjson <- function(x, name) {
  writeLines(toJSON(x, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
             file.path(out, name))
}
params <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE, rsquare = TRUE)
  if (is.null(pe$group)) pe$group <- 1L
  pe[, intersect(c("lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue",
                   "std.lv", "std.all"), names(pe))]
}
fm <- function(fit) as.list(fitMeasures(fit))
save_fit <- function(fit, name) {
  wcsv(params(fit), paste0(name, "_params.csv"))
  wjson(fm(fit), paste0(name, "_fit.json"))
}

# ---- data ---------------------------------------------------------------------------------
hs <- HolzingerSwineford1939
wcsv(hs[, c("id", "school", paste0("x", 1:9))], "hs1939.csv")
wcsv(hs[, c("id", "school", "sex", "ageyr", paste0("x", 1:9))], "hs1939_covariates.csv")
# a copy with missing values (deterministic positions) for listwise / FIML
set.seed(20251127)
hsna <- hs[, c("id", "school", paste0("x", 1:9))]
for (v in paste0("x", 1:9)) hsna[sample(nrow(hsna), 12), v] <- NA
wcsv(hsna, "hs1939_missing.csv")
wcsv(PoliticalDemocracy, "political_democracy.csv")

HS <- "visual =~ x1 + x2 + x3
       textual =~ x4 + x5 + x6
       speed =~ x7 + x8 + x9"

# ---- 1. single-group ML -------------------------------------------------------------------
fit <- cfa(HS, data = hs)
save_fit(fit, "hs_ml")
mi <- modindices(fit)
wcsv(mi[, c("lhs", "op", "rhs", "mi", "epc", "sepc.all")], "hs_ml_modindices.csv")
wcsv(as.data.frame(lavPredict(fit, method = "regression")), "hs_ml_scores_regression.csv")
wcsv(as.data.frame(lavPredict(fit, method = "Bartlett")), "hs_ml_scores_bartlett.csv")

fit <- cfa(HS, data = hs, std.lv = TRUE)
save_fit(fit, "hs_ml_stdlv")

# missing values: listwise (lavaan default) and FIML
fit <- cfa(HS, data = hsna)
save_fit(fit, "hs_ml_listwise")
fit <- cfa(HS, data = hsna, missing = "fiml")
save_fit(fit, "hs_ml_fiml")
fit <- cfa(HS, data = hsna, missing = "fiml", group = "school", group.equal = "loadings")
save_fit(fit, "hs_mg_metric_fiml")

# ---- 2. multi-group ML + invariance -------------------------------------------------------
conf <- cfa(HS, data = hs, group = "school")
metr <- cfa(HS, data = hs, group = "school", group.equal = "loadings")
scal <- cfa(HS, data = hs, group = "school", group.equal = c("loadings", "intercepts"))
save_fit(conf, "hs_mg_configural")
save_fit(metr, "hs_mg_metric")
save_fit(scal, "hs_mg_scalar")
part <- cfa(HS, data = hs, group = "school", group.equal = c("loadings", "intercepts"),
            group.partial = c("x3 ~ 1", "x7 ~ 1"))
save_fit(part, "hs_mg_partial_scalar")
wcsv(do.call(rbind, lapply(lavPredict(conf, method = "regression"), as.data.frame)),
     "hs_mg_scores_regression.csv")
# score tests for releasing each across-group equality (lavTestScore), named by parameter
score_table <- function(fit) {
  st <- lavTestScore(fit)
  pt <- parTable(fit)
  who <- function(lab) pt[match(lab, pt$plabel), c("lhs", "op", "rhs", "group")]
  a <- who(st$uni$lhs)
  b <- who(st$uni$rhs)
  data.frame(lhs = a$lhs, op = a$op, rhs = a$rhs, group1 = a$group, group2 = b$group,
             X2 = st$uni$X2, df = st$uni$df, p_value = st$uni$p.value,
             total_X2 = st$test$X2, total_df = st$test$df)
}
wcsv(score_table(metr), "hs_mg_metric_score_tests.csv")
wcsv(score_table(scal), "hs_mg_scalar_score_tests.csv")
lrt <- lavTestLRT(conf, metr, scal)
wcsv(data.frame(step = c("configural", "metric", "scalar"), chisq = lrt$Chisq, df = lrt$Df,
                delta_chisq = lrt$`Chisq diff`, delta_df = lrt$`Df diff`,
                p_delta = lrt$`Pr(>Chisq)`), "hs_mg_lrt.csv")

# ---- 3. structural regressions: PoliticalDemocracy ----------------------------------------
PD <- "
  # measurement model
    ind60 =~ x1 + x2 + x3
    dem60 =~ y1 + y2 + y3 + y4
    dem65 =~ y5 + y6 + y7 + y8
  # regressions
    dem60 ~ ind60
    dem65 ~ ind60 + dem60
  # residual correlations
    y1 ~~ y5
    y2 ~~ y4 + y6
    y3 ~~ y7
    y4 ~~ y8
    y6 ~~ y8
"
fit <- sem(PD, data = PoliticalDemocracy)
save_fit(fit, "polidem")

# an observed outcome regressed on two factors (the "kualitas ~ dimensions" use case)
fit <- sem("visual =~ x1 + x2 + x3
            textual =~ x4 + x5 + x6
            x9 ~ visual + textual", data = hs)
save_fit(fit, "hs_observed_outcome")
# exogenous observed covariates (fixed.x = TRUE, lavaan's default)
fit <- sem("visual =~ x1 + x2 + x3
            textual =~ x4 + x5 + x6
            visual ~ ageyr + sex
            textual ~ ageyr", data = hs)
save_fit(fit, "hs_fixed_x")

# ---- 4. ordinal WLSMV -------------------------------------------------------------------
set.seed(4)
n <- 600
f <- MASS::mvrnorm(n, c(0, 0), matrix(c(1, .4, .4, 1), 2))
lam <- c(.8, .7, .6, .75, .7, .65, .6, .8)
fac <- c(1, 1, 1, 1, 2, 2, 2, 2)
tau <- c(-1.5, -.5, .4, 1.3)
ordd <- data.frame(grp = rep(c("a", "b"), each = n / 2))
for (j in 1:8) {
  ystar <- lam[j] * f[, fac[j]] + sqrt(1 - lam[j]^2) * rnorm(n)
  if (j == 4) ystar <- ystar + 0.45 * f[, 2]  # a cross-loading the model omits (some misfit)
  shift <- if (j == 3) c(0, .4)[as.integer(factor(ordd$grp))] else 0
  ordd[[paste0("y", j)]] <- as.integer(cut(ystar + shift, c(-Inf, tau + .1 * (j %% 3), Inf)))
}
wcsv(ordd, "ordinal.csv")
ORD <- "f1 =~ y1 + y2 + y3 + y4
        f2 =~ y5 + y6 + y7 + y8"
yv <- paste0("y", 1:8)
fit <- cfa(ORD, data = ordd, ordered = yv, estimator = "WLSMV")
save_fit(fit, "ord_wlsmv")
mi <- modindices(fit)
wcsv(mi[, c("lhs", "op", "rhs", "mi", "epc", "sepc.all")], "ord_wlsmv_modindices.csv")
ss <- lavInspect(fit, "sampstat")
wcsv(data.frame(th = ss$th), "ord_thresholds.csv")
wcsv(as.data.frame(unclass(ss$cov)), "ord_polychoric.csv")
wcsv(data.frame(nacov_diag = diag(lavInspect(fit, "gamma"))), "ord_nacov_diag.csv")
fit <- cfa(ORD, data = ordd, ordered = yv, estimator = "WLSMV", std.lv = TRUE)
save_fit(fit, "ord_wlsmv_stdlv")
oconf <- cfa(ORD, data = ordd, ordered = yv, estimator = "WLSMV", group = "grp")
ometr <- cfa(ORD, data = ordd, ordered = yv, estimator = "WLSMV", group = "grp",
             group.equal = "loadings")
oscal <- cfa(ORD, data = ordd, ordered = yv, estimator = "WLSMV", group = "grp",
             group.equal = c("loadings", "thresholds"))
wcsv(as.data.frame(lavPredict(cfa(ORD, data = ordd, ordered = yv, estimator = "WLSMV"))),
     "ord_scores_ebm.csv")
wcsv(do.call(rbind, lapply(lavPredict(oscal), as.data.frame)), "ord_mg_scalar_scores_ebm.csv")
wcsv(do.call(rbind, lapply(lavPredict(oconf), as.data.frame)), "ord_mg_configural_scores_ebm.csv")
save_fit(oconf, "ord_mg_configural")
save_fit(ometr, "ord_mg_metric")
wcsv(suppressWarnings(score_table(ometr)), "ord_mg_metric_score_tests.csv")
save_fit(oscal, "ord_mg_scalar")
olrt <- lavTestLRT(oconf, ometr, oscal)
wcsv(data.frame(step = c("configural", "metric", "scalar"), chisq = olrt$Chisq, df = olrt$Df,
                delta_chisq = olrt$`Chisq diff`, delta_df = olrt$`Df diff`,
                p_delta = olrt$`Pr(>Chisq)`), "ord_mg_lrt.csv")
# ordinal data with missing answers: WLSMV with pairwise deletion (lavaan missing = "pairwise")
set.seed(20251128)
ordna <- ordd
for (v in yv) ordna[sample(nrow(ordna), 30), v] <- NA
wcsv(ordna, "ordinal_missing.csv")
fit <- cfa(ORD, data = ordna, ordered = yv, estimator = "WLSMV", missing = "pairwise")
save_fit(fit, "ord_wlsmv_pairwise")
wcsv(data.frame(nacov_diag = diag(lavInspect(fit, "gamma"))), "ord_pairwise_nacov_diag.csv")
wjson(list(nobs = lavInspect(fit, "nobs")), "ord_pairwise_nobs.json")
fit <- cfa(ORD, data = ordna, ordered = yv, estimator = "WLSMV", missing = "pairwise",
           group = "grp", group.equal = c("loadings", "thresholds"))
save_fit(fit, "ord_mg_scalar_pairwise")
wjson(list(lavaan = as.character(packageVersion("lavaan")), R = R.version.string),
      "versions.json")
