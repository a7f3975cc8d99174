# Reference values for dinamika.agreement / dinamika.aggregation.
# Run from the repository root:  Rscript tests/reference/agreement/make_agreement.R
# Writes the data sets it uses (CSV, so Python reads exactly the same numbers) and
# agreement.json with every reference value at full precision.
suppressPackageStartupMessages({
  library(psych)
  library(lme4)
  library(jsonlite)
})
out <- "tests/reference/agreement"
stopifnot(dir.exists(out))
ref <- list(versions = list(R = R.version.string,
                            psych = as.character(packageVersion("psych")),
                            lme4 = as.character(packageVersion("lme4"))))

icc_frame <- function(res, digits = NA) {
  r <- res$results
  s <- function(v) if (is.na(digits)) v else signif(v, digits)
  list(type = r$type, icc = s(r$ICC), f = s(r$F), df1 = r$df1, df2 = r$df2, p = s(r$p),
       lower = s(r[["lower bound"]]), upper = s(r[["upper bound"]]), n_obs = res$n.obs)
}
# lme4 results wobble in the 10th-11th digit between runs; 6 significant digits keep the file stable
# (the tests compare lmer-based values at 1e-4, the tolerance for iterative estimates)
LMER_DIGITS <- 6

## 1. Shrout & Fleiss (1979) 6 targets x 4 judges (psych's ICC example `sf`) -----------------
sf <- matrix(c(9, 2, 5, 8,
               6, 1, 3, 2,
               8, 4, 6, 8,
               7, 1, 2, 6,
               10, 5, 6, 9,
               6, 2, 4, 7), ncol = 4, byrow = TRUE,
             dimnames = list(NULL, paste0("J", 1:4)))
write.csv(sf, file.path(out, "sf.csv"), row.names = FALSE)
ref$sf_anova <- icc_frame(ICC(sf, lmer = FALSE))
ref$sf_lmer <- icc_frame(ICC(sf), LMER_DIGITS)  # default lmer = TRUE

## 2. Simulated 60 targets x 3 raters with rater bias and ~12% missing ratings -------------
set.seed(20251127)
n <- 60
true <- rnorm(n, 3, 1)
bias <- c(0, 0.4, -0.3)
sim <- sapply(1:3, function(j) round(true + bias[j] + rnorm(n, 0, 0.6), 1))
colnames(sim) <- paste0("R", 1:3)
sim[sample(length(sim), round(0.12 * length(sim)))] <- NA
sim <- sim[rowSums(!is.na(sim)) > 0, ]
write.csv(sim, file.path(out, "icc_missing.csv"), row.names = FALSE, na = "")
# listwise: what dinamika.icc(x) (method = "anova") does
ref$missing_anova <- icc_frame(ICC(na.omit(as.data.frame(sim)), lmer = FALSE))
# all ratings: psych's default lmer = TRUE, what dinamika.icc(x, method = "reml") does
ref$missing_lmer <- suppressMessages(icc_frame(ICC(as.data.frame(sim)), LMER_DIGITS))
long <- data.frame(values = c(sim), items = rep(colnames(sim), each = nrow(sim)),
                   id = rep(seq_len(nrow(sim)), 3))
fit <- lmer(values ~ 1 + (1 | id) + (1 | items), data = long, na.action = na.omit)
vc <- as.data.frame(VarCorr(fit))
ref$missing_lmer_vc <- lapply(list(target = vc$vcov[vc$grp == "id"],
                                   rater = vc$vcov[vc$grp == "items"],
                                   residual = vc$vcov[vc$grp == "Residual"]), signif, LMER_DIGITS)

## 2b. No rater effect at all (rater means equalized): lme4's rater variance sits on the
##     boundary 0 (a singular fit); 40 targets x 3 raters, 15 ratings missing
set.seed(3)
nb <- 40
tb <- rnorm(nb)
bnd <- sapply(1:3, function(j) tb + rnorm(nb, 0, 1))
bnd <- sweep(bnd, 2, colMeans(bnd)) + 3
bnd[sample(length(bnd), 15)] <- NA
colnames(bnd) <- paste0("R", 1:3)
write.csv(bnd, file.path(out, "icc_boundary.csv"), row.names = FALSE, na = "")
ref$boundary_lmer <- suppressMessages(icc_frame(ICC(as.data.frame(bnd)), LMER_DIGITS))

## 3. Cohen's kappa on a 1..4 scale where nobody used category 1 ---------------------------
set.seed(4)
m <- 80
a <- sample(2:4, m, replace = TRUE, prob = c(.3, .45, .25))
b <- ifelse(runif(m) < .65, a, pmin(4, pmax(2, a + sample(c(-1, 1), m, replace = TRUE))))
b[sample(m, 6)] <- NA
kap <- data.frame(a = a, b = b)
write.csv(kap, file.path(out, "kappa.csv"), row.names = FALSE, na = "")
lin <- function(C) { w <- matrix(0, C, C); 1 - abs(col(w) - row(w)) / (C - 1) }
kappa_ref <- function(res, which) {
  i <- if (which == "unweighted") 1 else 2
  list(kappa = res$confid[i, "estimate"], lower = res$confid[i, "lower"],
       upper = res$confid[i, "upper"],
       var = if (which == "unweighted") res$var.kappa else res$var.weighted,
       n = res$n.obs)
}
full <- cohen.kappa(kap, levels = 1:4)                # quadratic weights (psych's default)
full_lin <- cohen.kappa(kap, w = lin(4), levels = 1:4)
obs <- cohen.kappa(kap)                               # categories 2..4 only
obs_lin <- cohen.kappa(kap, w = lin(3))
# Fleiss, Cohen & Everitt (1969) large-sample variance of weighted kappa, written out.
# (psych 2.2.9's var.weighted recycles the row margin along the wrong axis in
#  rowSums(w * rs); it is kept above as var for comparison.)
fleiss_var <- function(tab, w) {
  p <- tab / sum(tab); n <- sum(tab)
  pr <- rowSums(p); pc <- colSums(p)
  po <- sum(w * p); pe <- sum(w * outer(pr, pc))
  wi <- as.vector(w %*% pc)   # w_i. = sum_j p_.j w_ij
  wj <- as.vector(pr %*% w)   # w_.j = sum_i p_i. w_ij
  inner <- w * (1 - pe) - outer(wi, wj, "+") * (1 - po)
  (sum(p * inner^2) - (po * pe - 2 * pe + po)^2) / (n * (1 - pe)^4)
}
quad <- function(C) { w <- matrix(0, C, C); 1 - (col(w) - row(w))^2 / (C - 1)^2 }
tab4 <- table(factor(kap$a, levels = 1:4), factor(kap$b, levels = 1:4))
tab3 <- table(factor(kap$a, levels = 2:4), factor(kap$b, levels = 2:4))
ref$kappa_fleiss_var <- list(
  levels14 = list(unweighted = fleiss_var(tab4, diag(4)), quadratic = fleiss_var(tab4, quad(4)),
                  linear = fleiss_var(tab4, lin(4))),
  observed = list(unweighted = fleiss_var(tab3, diag(3)), quadratic = fleiss_var(tab3, quad(3)),
                  linear = fleiss_var(tab3, lin(3))))
ref$kappa_levels14 <- list(unweighted = kappa_ref(full, "unweighted"),
                           quadratic = kappa_ref(full, "weighted"),
                           linear = kappa_ref(full_lin, "weighted"))
ref$kappa_observed <- list(unweighted = kappa_ref(obs, "unweighted"),
                           quadratic = kappa_ref(obs, "weighted"),
                           linear = kappa_ref(obs_lin, "weighted"))

## 3b. A lesson-observation table: 25 double-rated lessons (observer pairs vary), 3 indicators ---
set.seed(11)
L <- 25
q <- rnorm(L)
obs_pairs <- t(replicate(L, sort(sample(c("P1", "P2", "P3", "P4"), 2))))
cut4 <- function(z) as.integer(cut(z, c(-Inf, -0.9, 0.1, 1.1, Inf)))
ind <- lapply(1:2, function(s) sapply(c(0, 0.3, 0.6), function(sh) cut4(q + sh + rnorm(L, 0, 0.5))))
ind[[2]][3, 2] <- NA
obs_tab <- rbind(
  data.frame(lesson = sprintf("L%02d", 1:L), observer = obs_pairs[, 1], ind[[1]]),
  data.frame(lesson = sprintf("L%02d", 1:L), observer = obs_pairs[, 2], ind[[2]]))
names(obs_tab)[3:5] <- c("X1", "X2", "X3")
obs_tab$X3[obs_tab$X3 == 1] <- 2   # X3 never uses category 1
write.csv(obs_tab, file.path(out, "observations.csv"), row.names = FALSE, na = "")
ref$observations <- lapply(c(X1 = "X1", X2 = "X2", X3 = "X3"), function(v) {
  # slot 1 = the observer with the smaller id (dinamika orders observers by id within a lesson)
  w <- cbind(obs_tab[[v]][1:L], obs_tab[[v]][L + 1:L])
  ic <- ICC(na.omit(w), lmer = FALSE)$results
  kq <- cohen.kappa(w, levels = 1:4)
  kl <- cohen.kappa(w, w = lin(4), levels = 1:4)
  list(icc1 = ic$ICC[1], icc2 = ic$ICC[2], icc2k = ic$ICC[5],
       kappa_quadratic = kq$weighted.kappa, kappa_linear = kl$weighted.kappa,
       n = sum(complete.cases(w)))
})

## 4. Groups: one-way ANOVA ICC(1), ICC(2) (Bliese 2000; multilevel::ICC1/ICC2 written out) and
##    rwg(j) with the uniform null, unequal group sizes and missing item answers -------------
set.seed(77)
g <- 14
sizes <- sample(3:12, g, replace = TRUE)
grp <- rep(sprintf("S%02d", 1:g), sizes)
u <- rep(rnorm(g, 0, 0.45), sizes)
N <- length(grp)
items <- sapply(1:4, function(j) pmin(5, pmax(1, round(3.4 + u + rnorm(N, 0, 0.8)))))
colnames(items) <- paste0("KEP", 1:4)
items[sample(length(items), 10)] <- NA
items[grp == "S01", ] <- 4
items[which(grp == "S01")[1], 2] <- 5
score <- rowMeans(items, na.rm = TRUE)
grp_df <- data.frame(school = grp, items, kepemimpinan = score)
write.csv(grp_df, file.path(out, "groups.csv"), row.names = FALSE, na = "")
mod <- aov(kepemimpinan ~ as.factor(school), data = grp_df)
tab <- summary(mod)[[1]]
MSB <- tab[1, "Mean Sq"]; MSW <- tab[2, "Mean Sq"]
gsize_mean <- (mod$df.residual + mod$rank) / mod$rank          # multilevel::ICC1: N / G
n_j <- as.numeric(table(grp_df$school))
gsize_adj <- (N - sum(n_j^2) / N) / (length(n_j) - 1)          # unequal-n adjusted k0
ref$groups <- list(
  msb = MSB, msw = MSW, f = tab[1, "F value"], p = tab[1, "Pr(>F)"],
  df1 = tab[1, "Df"], df2 = tab[2, "Df"],
  icc1 = (MSB - MSW) / (MSB + (gsize_mean - 1) * MSW),
  icc1_adjusted = (MSB - MSW) / (MSB + (gsize_adj - 1) * MSW),
  icc2 = (MSB - MSW) / MSB, group_size = gsize_mean, group_size_adjusted = gsize_adj)
# F-based 95% limits of ICC(1) (Shrout & Fleiss case 1, as psych::ICC's ICC1 bounds), k = N / G
Fb <- MSB / MSW; d1 <- tab[1, "Df"]; d2 <- tab[2, "Df"]
FL <- Fb / qf(0.975, d1, d2); FU <- Fb * qf(0.975, d2, d1)
ref$groups$icc1_lower <- (FL - 1) / (FL + gsize_mean - 1)
ref$groups$icc1_upper <- (FU - 1) / (FU + gsize_mean - 1)
# rwg(j), uniform null on A = 5 options: sigma2_EU = (A^2 - 1) / 12 = 2
rwgj <- function(Q, ranvar = (5^2 - 1) / 12) {
  J <- ncol(Q)
  mv <- mean(apply(Q, 2, var, na.rm = TRUE))
  r <- (J * (1 - mv / ranvar)) / (J * (1 - mv / ranvar) + mv / ranvar)
  if (mv > ranvar) r <- 0  # truncation, as multilevel::rwg.j
  c(rwg_j = r, mean_var = mv, n = nrow(Q))
}
rw <- t(sapply(split(as.data.frame(items), grp), rwgj))
ref$rwg_j <- list(group = rownames(rw), rwg_j = unname(rw[, "rwg_j"]),
                  mean_var = unname(rw[, "mean_var"]), n = unname(rw[, "n"]))
# single-item rwg on KEP1 (James, Demaree & Wolf 1984): 1 - var / sigma2_EU, truncated at 0
rw1 <- tapply(items[, 1], grp, function(v) max(0, 1 - var(v, na.rm = TRUE) / 2))
ref$rwg_single <- list(group = names(rw1), rwg = unname(rw1))

writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"),
           file.path(out, "agreement.json"))
cat("wrote", file.path(out, "agreement.json"), "\n")
