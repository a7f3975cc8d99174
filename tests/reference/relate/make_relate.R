# Reference values for dinamika.correlate / dinamika.multilevel.
# Rerun from the repository root:  Rscript tests/reference/relate/make_relate.R
# Writes (beside this script): teachers.csv, sleepstudy.csv, relate.json
suppressPackageStartupMessages({
  library(lme4)
  library(nlme)
  library(jsonlite)
})
out_dir <- "tests/reference/relate"

# ---------------------------------------------------------------- data 1: teachers in schools
set.seed(20251127)
G <- 40
n_g <- sample(4:12, G, replace = TRUE)
school <- rep(sprintf("S%02d", seq_len(G)), n_g)
N <- sum(n_g)
dims <- c("kepemimpinan", "saling_percaya", "komitmen_kolektif", "dukungan_sekolah")
aspects <- c("persiapan", "pengelolaan_kelas", "interaksi", "metode", "penguasaan_materi", "evaluasi")
d <- data.frame(teacher = sprintf("G%03d", seq_len(N)), school = school)
for (v in dims) {
  u <- rnorm(G, 0, 0.35)[as.integer(factor(school))]
  x <- 3.4 + u + rnorm(N, 0, 0.6)
  d[[v]] <- pmin(pmax(round(x * 6) / 6, 1), 5)
}
u0 <- rnorm(G, 0, 0.2)[as.integer(factor(school))]
q <- 1.0 + 0.15 * d$kepemimpinan + 0.10 * d$saling_percaya + 0.20 * d$komitmen_kolektif +
  0.05 * d$dukungan_sekolah + u0 + rnorm(N, 0, 0.3)
for (a in aspects) d[[a]] <- round(pmin(pmax(q + rnorm(N, 0, 0.25), 1), 4), 4)
d$overall <- rowMeans(d[aspects])
d$kepemimpinan[c(5, 77, 150)] <- NA
d$overall[c(12, 200)] <- NA
d$persiapan[c(30, 31)] <- NA
write.csv(d, file.path(out_dir, "teachers.csv"), row.names = FALSE, na = "")
d <- read.csv(file.path(out_dir, "teachers.csv"))  # read back: Python sees exactly these numbers

data(sleepstudy, package = "lme4")
write.csv(sleepstudy, file.path(out_dir, "sleepstudy.csv"), row.names = FALSE)
sleepstudy <- read.csv(file.path(out_dir, "sleepstudy.csv"))
sleepstudy$Subject <- factor(sleepstudy$Subject)

# ---------------------------------------------------------------- helpers
nakagawa <- function(m) {
  # Nakagawa & Schielzeth (2013): var_f = var(X beta) (n - 1 denominator, as MuMIn),
  # R2m = var_f / (var_f + tau2 + sigma2), R2c = (var_f + tau2) / (var_f + tau2 + sigma2)
  var_f <- var(as.vector(model.matrix(m) %*% fixef(m)))
  tau2 <- as.data.frame(VarCorr(m))$vcov[1]
  s2 <- sigma(m)^2
  list(r2_marginal = var_f / (var_f + tau2 + s2), r2_conditional = (var_f + tau2) / (var_f + tau2 + s2))
}
lmer_out <- function(m) {
  vc <- as.data.frame(VarCorr(m))
  c(list(
    terms = names(fixef(m)),
    fixef = unname(fixef(m)),
    se = unname(sqrt(diag(as.matrix(vcov(m))))),
    tau2 = vc$vcov[1],
    sigma2 = sigma(m)^2,
    criterion = unname(if (isREML(m)) REMLcrit(m) else deviance(m)),
    loglik = as.numeric(logLik(m)),
    n = nobs(m),
    n_groups = unname(ngrps(m)),
    singular = isSingular(m)
  ), nakagawa(m))
}
icc_null <- function(m0) {
  vc <- as.data.frame(VarCorr(m0))
  vc$vcov[1] / (vc$vcov[1] + sigma(m0)^2)
}
nlme_out <- function(f, data) {
  m <- lme(f, random = ~ 1 | school, data = data, method = "REML")
  tt <- summary(m)$tTable
  iv <- intervals(m, which = "fixed", level = 0.95)$fixed
  list(df = unname(tt[, "DF"]), p = unname(tt[, "p-value"]), t = unname(tt[, "t-value"]),
       lower = unname(iv[, "lower"]), upper = unname(iv[, "upper"]))
}

res <- list()

# ---------------------------------------------------------------- sleepstudy (random intercept)
m_ss <- lmer(Reaction ~ Days + (1 | Subject), data = sleepstudy, REML = TRUE)
m_ss_ml <- lmer(Reaction ~ Days + (1 | Subject), data = sleepstudy, REML = FALSE)
m_ss0 <- lmer(Reaction ~ 1 + (1 | Subject), data = sleepstudy, REML = TRUE)
res$sleepstudy_reml <- lmer_out(m_ss)
res$sleepstudy_ml <- lmer_out(m_ss_ml)
res$sleepstudy_icc_null <- icc_null(m_ss0)
# profile (likelihood-ratio) intervals: lme4 profiles the ML deviance, also for REML fits
ci_ss <- suppressMessages(confint(m_ss, method = "profile", parm = "beta_", level = 0.95))
res$sleepstudy_profile <- list(lower = unname(ci_ss[, 1]), upper = unname(ci_ss[, 2]))
# the same bounds found exactly (no spline interpolation): root of D_ML(b) - D_ML - qchisq(.95, 1)
prof_dev <- function(b) {
  deviance(lmer(Reaction ~ 1 + (1 | Subject) + offset(b * Days), sleepstudy, REML = FALSE))
}
excess <- function(b) prof_dev(b) - deviance(m_ss_ml) - qchisq(0.95, 1)
b_hat <- unname(fixef(m_ss_ml)[2])
res$sleepstudy_profile_days_exact <- c(
  uniroot(excess, c(b_hat - 5, b_hat), tol = 1e-12)$root,
  uniroot(excess, c(b_hat, b_hat + 5), tol = 1e-12)$root
)
tt <- summary(lme(Reaction ~ Days, random = ~ 1 | Subject, data = sleepstudy))$tTable
res$sleepstudy_nlme <- list(df = unname(tt[, "DF"]), p = unname(tt[, "p-value"]))

# ---------------------------------------------------------------- teachers: complete cases
cc <- d[complete.cases(d[c("overall", dims)]), ]
f <- overall ~ kepemimpinan + saling_percaya + komitmen_kolektif + dukungan_sekolah
m1 <- lmer(update(f, . ~ . + (1 | school)), data = cc, REML = TRUE)
res$teachers_reml <- lmer_out(m1)
res$teachers_reml$nlme <- nlme_out(f, cc)
ci_t <- suppressMessages(confint(m1, method = "profile", parm = "beta_", level = 0.90))
res$teachers_profile90 <- list(lower = unname(ci_t[, 1]), upper = unname(ci_t[, 2]))
res$teachers_ml <- lmer_out(lmer(update(f, . ~ . + (1 | school)), data = cc, REML = FALSE))
res$teachers_icc_null <- icc_null(lmer(overall ~ 1 + (1 | school), data = cc, REML = TRUE))

# standardized: every variable z-scored over the analysis sample (sd with n - 1)
zs <- cc
for (v in c("overall", dims)) zs[[v]] <- as.vector(scale(cc[[v]]))
res$teachers_std <- lmer_out(lmer(update(f, . ~ . + (1 | school)), data = zs, REML = TRUE))

# grand-mean centred predictors
gc <- cc
for (v in dims) gc[[v]] <- cc[[v]] - mean(cc[[v]])
res$teachers_grand <- lmer_out(lmer(update(f, . ~ . + (1 | school)), data = gc, REML = TRUE))

# within/between: group-mean-centred predictors plus the school means (over the analysis sample)
wb <- cc["school"]
wb$overall <- cc$overall
for (v in dims) {
  gm <- ave(cc[[v]], cc$school)
  wb[[paste0(v, "_within")]] <- cc[[v]] - gm
  wb[[paste0(v, "_between")]] <- gm
}
f_wb <- as.formula(paste("overall ~", paste(c(paste0(dims, "_within"), paste0(dims, "_between")), collapse = " + ")))
res$teachers_within_between <- lmer_out(lmer(update(f_wb, . ~ . + (1 | school)), data = wb, REML = TRUE))
res$teachers_within_between$nlme <- nlme_out(f_wb, wb)
zwb <- wb
for (v in setdiff(names(wb), "school")) zwb[[v]] <- as.vector(scale(wb[[v]]))
res$teachers_within_between_std <- lmer_out(lmer(update(f_wb, . ~ . + (1 | school)), data = zwb, REML = TRUE))

# ---------------------------------------------------------------- correlations (pairwise complete)
ys <- c("overall", aspects)
rows <- list()
for (x in dims) for (y in ys) {
  ok <- complete.cases(d[c(x, y)])
  pe <- cor.test(d[[x]], d[[y]], method = "pearson", conf.level = 0.95)
  pe90 <- cor.test(d[[x]], d[[y]], method = "pearson", conf.level = 0.90)
  sp <- suppressWarnings(cor.test(d[[x]], d[[y]], method = "spearman", exact = FALSE))
  rows[[length(rows) + 1]] <- data.frame(
    x = x, y = y, n = sum(ok),
    r = unname(pe$estimate), lower = pe$conf.int[1], upper = pe$conf.int[2], p = pe$p.value,
    lower90 = pe90$conf.int[1], upper90 = pe90$conf.int[2],
    rho = unname(sp$estimate), p_spearman = sp$p.value
  )
}
cors <- do.call(rbind, rows)
cors$p_holm <- p.adjust(cors$p, "holm")
cors$p_bh <- p.adjust(cors$p, "BH")
cors$p_spearman_holm <- p.adjust(cors$p_spearman, "holm")
# Spearman CI (Bonett & Wright 2000): tanh(atanh(rho) -/+ qnorm(.975) * sqrt((1 + rho^2 / 2) / (n - 3)))
se_bw <- sqrt((1 + cors$rho^2 / 2) / (cors$n - 3))
cors$lower_spearman <- tanh(atanh(cors$rho) - qnorm(0.975) * se_bw)
cors$upper_spearman <- tanh(atanh(cors$rho) + qnorm(0.975) * se_bw)
write.csv(cors, file.path(out_dir, "correlations.csv"), row.names = FALSE)

writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, pretty = TRUE), file.path(out_dir, "relate.json"))
cat("wrote", out_dir, "\n")
