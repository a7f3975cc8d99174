# Reference values for dinamika.polychoric — psych::polychoric with its defaults
# (smooth = TRUE, global = TRUE, correct = 0.5) and the global = FALSE branch.
# Rerun from the repository root:  Rscript tests/reference/polychoric/make_polychoric.R
suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
  library(jsonlite)
})
out_dir <- "tests/reference/polychoric"
data(bfi, package = "psychTools")

# --- data sets (written beside this script so Python reads exactly these numbers) ---
bfi25 <- bfi[, 1:25]
write.csv(bfi25, file.path(out_dir, "bfi25.csv"), row.names = FALSE, na = "")

set.seed(20261127)
sim_ordinal <- function(n, loadings, cuts, na_share = 0) {
  p <- length(loadings)
  f <- rnorm(n)
  z <- outer(f, loadings) + sweep(matrix(rnorm(n * p), n, p), 2, sqrt(1 - loadings^2), "*")
  x <- sapply(seq_len(p), function(j) findInterval(z[, j], cuts[[j]]) + 1)
  if (na_share > 0) x[matrix(runif(n * p) < na_share, n, p)] <- NA
  colnames(x) <- paste0("x", seq_len(p))
  as.data.frame(x)
}
std_cuts <- c(-1.5, -0.5, 0.4, 1.2)
# 5-point items, 6 items, 800 respondents, 5% missing at random
sim5 <- sim_ordinal(800, c(.8, .7, .7, .6, .5, .4), rep(list(std_cuts), 6), na_share = 0.05)
write.csv(sim5, file.path(out_dir, "sim5.csv"), row.names = FALSE, na = "")
# skewed items where one item never uses the top category -> psych switches global off
sparse_cuts <- list(c(-2.2, -1.4, -0.3, 0.8), c(-2.0, -1.0, 0.0, 1.0), c(-1.0, 0.0, 1.0, 9),
                    c(-1.8, -0.8, 0.2, 1.5), c(-2.5, -1.5, -0.5, 0.5))
sim_sparse <- sim_ordinal(150, c(.85, .8, .7, .6, .75), sparse_cuts)
write.csv(sim_sparse, file.path(out_dir, "sim_sparse.csv"), row.names = FALSE, na = "")
# few respondents, many strongly related items -> non-positive-definite, smoothed
sim_npd <- sim_ordinal(30, rep(.9, 12), rep(list(std_cuts), 12))
write.csv(sim_npd, file.path(out_dir, "sim_npd.csv"), row.names = FALSE, na = "")

as_list <- function(res, call) {
  list(call = call,
       rho = unname(split(res$rho, row(res$rho))),
       tau = unname(split(res$tau, row(res$tau))),
       items = colnames(res$rho))
}
ref <- list()
r <- polychoric(bfi25)
ref$bfi25 <- as_list(r, "psych::polychoric(bfi[, 1:25])")
r <- polychoric(bfi25[, 1:5], global = FALSE)
ref$bfi_A_local <- as_list(r, "psych::polychoric(bfi[, 1:5], global = FALSE)")
r <- polychoric(sim5)
ref$sim5 <- as_list(r, "psych::polychoric(sim5)")
r <- polychoric(na.omit(sim5))
ref$sim5_listwise <- as_list(r, "psych::polychoric(na.omit(sim5))")
r <- suppressWarnings(polychoric(sim_sparse))
ref$sim_sparse <- as_list(r, "psych::polychoric(sim_sparse)  # global switched off by psych")
r <- suppressWarnings(polychoric(sim_sparse, correct = 0))
ref$sim_sparse_nocorrect <- as_list(r, "psych::polychoric(sim_sparse, correct = 0)")
r <- suppressWarnings(polychoric(sim_npd))
ref$sim_npd <- as_list(r, "psych::polychoric(sim_npd)  # cor.smooth applied")
ref$sim_npd$min_eigen_unsmoothed <- NA
r2 <- suppressWarnings(polychoric(sim_npd, smooth = FALSE))
ref$sim_npd_raw <- as_list(r2, "psych::polychoric(sim_npd, smooth = FALSE)")
ref$sim_npd$min_eigen_unsmoothed <- min(eigen(r2$rho)$values)

ref$psych_version <- as.character(packageVersion("psych"))
writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = FALSE),
           file.path(out_dir, "polychoric_reference.json"))
