# Reference values for dinamika.reliability — psych::alpha, psych::alpha.ci (Feldt) and a
# one-factor minres omega total, on several data sets, pairwise and listwise.
# Rerun from the repository root:  Rscript tests/reference/reliability/make_reliability.R
#
# omega_total (dinamika's definition): one-factor minres loadings lambda of the item
# correlation matrix R (psych::fa(R, 1, fm = "minres")), psi = 1 - lambda^2,
#   omega_total = (sum lambda)^2 / ((sum lambda)^2 + sum psi).
# psych::omega(x, nfactors = 1)$omega.tot (= 1 - sum psi / sum R) is stored too, for the docs.
suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
  library(lavaan)
  library(jsonlite)
})
out_dir <- "tests/reference/reliability"

# --- data sets, written beside this script so Python reads exactly these numbers ---
data(HolzingerSwineford1939, package = "lavaan")
hs <- HolzingerSwineford1939[, paste0("x", 1:9)]
write.csv(hs, file.path(out_dir, "hs.csv"), row.names = FALSE)
data(bfi, package = "psychTools")
bfiA <- bfi[, 1:5]
write.csv(bfiA, file.path(out_dir, "bfi_agree.csv"), row.names = FALSE, na = "")

set.seed(20261127)
n <- 500
lam <- c(.75, .7, .65, .6, -.55, .5)  # item 5 is negatively keyed
f <- rnorm(n)
z <- outer(f, lam) + sweep(matrix(rnorm(n * 6), n, 6), 2, sqrt(1 - lam^2), "*")
sim <- sapply(1:6, function(j) findInterval(z[, j], c(-1.6, -0.6, 0.3, 1.2)) + 1)
sim[matrix(runif(n * 6) < 0.08, n, 6)] <- NA
colnames(sim) <- paste0("s", 1:6)
sim <- as.data.frame(sim)
write.csv(sim, file.path(out_dir, "sim.csv"), row.names = FALSE, na = "")

one_factor_omega <- function(R) {
  f1 <- suppressWarnings(fa(R, nfactors = 1, fm = "minres"))
  l <- as.vector(f1$loadings)
  if (sum(l) < 0) l <- -l
  list(loadings = l, omega_total = sum(l)^2 / (sum(l)^2 + sum(1 - l^2)))
}

case <- function(x, keys = NULL, use = "pairwise", call = "") {
  a <- suppressWarnings(alpha(x, keys = keys, use = use, warnings = FALSE))
  C <- cov(x, use = use)
  k <- rep(1, ncol(x)); names(k) <- colnames(x)
  if (!is.null(keys)) k[keys] <- -1
  C <- diag(k) %*% C %*% diag(k)
  R <- cov2cor(C)
  om <- one_factor_omega(R)
  psych_om <- suppressWarnings(suppressMessages(omega(R, nfactors = 1, plot = FALSE)))$omega.tot
  fr <- a$response.freq
  list(
    call = call,
    items = colnames(x),
    total = as.list(a$total[c("raw_alpha", "std.alpha", "G6(smc)", "average_r")]),
    drop = lapply(as.list(a$alpha.drop[c("raw_alpha", "std.alpha", "G6(smc)", "average_r")]), unname),
    stats = lapply(as.list(a$item.stats[c("n", "raw.r", "std.r", "r.cor", "r.drop", "mean", "sd")]), unname),
    feldt = list(lower = a$feldt$lower.ci[[1]], upper = a$feldt$upper.ci[[1]]),
    n_rows = nrow(x),
    loadings = om$loadings,
    omega_total = om$omega_total,
    psych_omega_tot = psych_om,
    response_freq = if (is.null(fr)) NULL else list(levels = colnames(fr)[-ncol(fr)],
                                                     freq = unname(split(unname(fr[, -ncol(fr)]), row(fr[, -ncol(fr)]))))
  )
}


ref <- list()
ref$hs_visual <- case(hs[, 1:3], call = "psych::alpha(hs[, c('x1','x2','x3')])")
ref$hs_textual <- case(hs[, 4:6], call = "psych::alpha(hs[, c('x4','x5','x6')])")
ref$hs_all <- case(hs, call = "psych::alpha(hs[, paste0('x', 1:9)])")
ref$bfiA_pairwise <- case(bfiA, keys = "A1", call = "psych::alpha(bfi[, 1:5], keys = 'A1')")
ref$bfiA_listwise <- case(na.omit(bfiA), keys = "A1", call = "psych::alpha(na.omit(bfi[, 1:5]), keys = 'A1')")
ref$sim_pairwise <- case(sim, keys = "s5", call = "psych::alpha(sim, keys = 's5')")
ref$sim_listwise <- case(na.omit(sim), keys = "s5", call = "psych::alpha(na.omit(sim), keys = 's5')")
ref$sim_nokeys <- case(sim[, -5], call = "psych::alpha(sim[, -5])")

# Ordinal alpha and omega: the same formulas on the polychoric matrix of the keyed items
# (reverse keying: min + max - x with min = 1, max = 6 for bfi and 1, 5 for sim).
ord <- function(x, call) {
  rho <- polychoric(x)$rho
  a <- alpha(rho, warnings = FALSE)
  om <- one_factor_omega(rho)
  list(call = call, items = colnames(x),
       total = as.list(a$total[c("raw_alpha", "std.alpha", "G6(smc)", "average_r")]),
       drop = lapply(as.list(a$alpha.drop[c("raw_alpha", "std.alpha", "G6(smc)", "average_r")]), unname),
       stats = lapply(as.list(a$item.stats[c("r", "r.cor", "r.drop")]), unname),
       loadings = om$loadings, omega_total = om$omega_total)
}
bfiA_k <- bfiA; bfiA_k$A1 <- 7 - bfiA_k$A1
sim_k <- sim; sim_k$s5 <- 6 - sim_k$s5
ref$bfiA_ordinal <- ord(bfiA_k, "psych::alpha(polychoric(bfiA_keyed)$rho)")
ref$sim_ordinal <- ord(sim_k, "psych::alpha(polychoric(sim_keyed)$rho)")
# psych's own bootstrap (n.iter): percentile interval of 2,000 resampled alphas. Random, so
# only a loose comparison is meaningful (dinamika draws its own respondents).
boot_ci <- function(x, seed) {
  options(mc.cores = 1)  # psych bootstraps with mclapply; serial keeps set.seed reproducible
  set.seed(seed)
  a <- suppressWarnings(alpha(x, n.iter = 2000, warnings = FALSE))
  as.list(unname(quantile(a$boot[, 1], c(0.025, 0.975))))
}
ref$boot <- list(
  sim_nokeys = boot_ci(sim[, -5], 1),
  bfi_A2_A5 = boot_ci(bfiA[, 2:5], 2),
  call = "set.seed(s); quantile(psych::alpha(x, n.iter = 2000)$boot[, 1], c(.025, .975))"
)
ref$psych_version <- as.character(packageVersion("psych"))

writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = FALSE, null = "null"),
           file.path(out_dir, "reliability_reference.json"))
