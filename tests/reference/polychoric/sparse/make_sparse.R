# Reference values for dinamika.polychoric on sparse and extreme contingency tables:
# psych::polychoric (defaults), lavaan::lavCor(ordered = ...), and the maximum-likelihood
# estimate of psych's own two-step model found independently of both: the log-likelihood
# (pbivnorm rectangle probabilities, no cell dropped) on a dense grid of 281 values in
# atanh(rho), then optimize() around the best grid value (tol 1e-12). psych's polyF drops
# cells whose probability rounds to 0, so its optimize() can stop at a point whose true
# likelihood is far lower; the log-likelihood at psych's estimate and at the ML estimate
# (mvtnorm, Miwa's algorithm) is stored to show it.
# Rerun from the repository root:  Rscript tests/reference/polychoric/sparse/make_sparse.R
suppressPackageStartupMessages({
  library(psych)
  library(lavaan)
  library(mvtnorm)
  library(jsonlite)
  library(pbivnorm)
})
out_dir <- "tests/reference/polychoric/sparse"

diag_table <- function(k, main, off = 0, corner = 0) {
  t <- matrix(0L, k, k)
  diag(t) <- main
  for (i in seq_len(k - 1)) { t[i, i + 1] <- off; t[i + 1, i] <- off }
  t[1, k] <- corner; t[k, 1] <- corner
  t
}
tables <- list()
add <- function(name, t) tables[[name]] <<- t
for (k in 3:5) {
  main <- seq(4, by = 2, length.out = k)
  add(sprintf("k%d_diag_zero_corners", k), diag_table(k, main, off = 1))
  add(sprintf("k%d_diag_one_corner", k), diag_table(k, main, off = 1, corner = 1))
  add(sprintf("k%d_perfect", k), diag_table(k, main))
  t <- diag_table(k, main); t[1, 2] <- 1L
  add(sprintf("k%d_near_perfect", k), t)
  t <- diag_table(k, main); t[k, 1] <- 1L
  add(sprintf("k%d_perfect_plus_far_corner", k), t)
  add(sprintf("k%d_anti_diag", k), diag_table(k, main, off = 1)[, k:1])
  add(sprintf("k%d_tiny_n", k), diag_table(k, rep(1L, k), off = 0L) + (row(diag(k)) == 1 & col(diag(k)) == 2))
  t <- diag_table(k, main * 10L, off = 3L, corner = 1L)
  add(sprintf("k%d_large_n_one_corner", k), t)
  t <- diag_table(k, main, off = 2); t[2, ] <- 0L
  add(sprintf("k%d_empty_row", k), t)
  t <- diag_table(k, main, off = 2); t[, k] <- 0L
  add(sprintf("k%d_empty_last_col", k), t)
}
# the issue's case: sparse, strongly diagonal 4 x 4 with zero or one count in the corners
add("k4_issue_case", matrix(c(3, 0, 0, 0, 0, 3, 1, 0, 0, 0, 4, 0, 1, 0, 0, 3), 4, 4, byrow = TRUE))
add("k4_diag_corners_mixed", matrix(c(20, 2, 0, 1, 1, 15, 1, 0, 0, 0, 18, 2, 0, 0, 1, 25), 4, 4, byrow = TRUE))
add("k4_diag_skewed", matrix(c(40, 3, 0, 0, 2, 5, 1, 0, 0, 1, 2, 1, 0, 0, 0, 1), 4, 4, byrow = TRUE))
add("k2_5_rectangular", matrix(c(10, 3, 1, 0, 0, 0, 2, 6, 4, 1), 2, 5, byrow = TRUE))
set.seed(20261204)
for (i in 1:12) {  # random sparse tables: strong latent correlation, few respondents
  k <- sample(3:5, 1)
  n <- sample(c(8, 15, 30, 60), 1)
  rho <- runif(1, 0.6, 0.97) * sample(c(-1, 1), 1)
  z <- rmvnorm(n, sigma = matrix(c(1, rho, rho, 1), 2))
  cuts <- sort(rnorm(k - 1, sd = 0.8))
  x <- findInterval(z[, 1], cuts) + 1
  y <- findInterval(z[, 2], cuts) + 1
  add(sprintf("random_%02d", i), table(factor(x, 1:k), factor(y, 1:k)))
}

psych_model <- function(t) {  # the table and thresholds psych::polychoric fits for a pair
  t <- unclass(t)
  global <- max(which(rowSums(t) > 0)) == max(which(colSums(t) > 0))
  tot <- sum(t)
  if (!global) {  # psych: global = FALSE, zero rows/columns dropped, empty cells = 0.5
    t <- t[rowSums(t) > 0, colSums(t) > 0, drop = FALSE]
    t[t == 0] <- 0.5
  }
  # psych divides by the original total, also after the correction (margins may pass 1)
  list(tab = t, global = global,
       rc = c(-Inf, qnorm(pmin(cumsum(rowSums(t))[-nrow(t)] / tot, 1)), Inf),
       cc = c(-Inf, qnorm(pmin(cumsum(colSums(t))[-ncol(t)] / tot, 1)), Inf))
}
cell_probs <- function(m, rho) {
  nr <- nrow(m$tab); nc <- ncol(m$tab)
  F <- function(h, k) {
    out <- numeric(length(h))
    lo <- h == -Inf | k == -Inf
    hi_h <- h == Inf; hi_k <- k == Inf
    out[!lo & hi_h & hi_k] <- 1
    s <- !lo & hi_h & !hi_k; out[s] <- pnorm(k[s])
    s <- !lo & !hi_h & hi_k; out[s] <- pnorm(h[s])
    s <- !lo & !hi_h & !hi_k
    if (any(s)) out[s] <- pbivnorm(h[s], k[s], rho)
    out
  }
  g <- expand.grid(i = 1:(nr + 1), j = 1:(nc + 1))
  cdf <- matrix(F(m$rc[g$i], m$cc[g$j]), nr + 1, nc + 1)
  cdf[-1, -1] - cdf[-(nr + 1), -1] - cdf[-1, -(nc + 1)] + cdf[-(nr + 1), -(nc + 1)]
}
loglik <- function(m, rho) {
  p <- cell_probs(m, rho)
  sum(m$tab[m$tab > 0] * log(pmax(p[m$tab > 0], 1e-300)))
}
loglik_miwa <- function(m, rho) {
  s <- matrix(c(1, rho, rho, 1), 2)
  ll <- 0
  for (i in seq_len(nrow(m$tab))) for (j in seq_len(ncol(m$tab))) if (m$tab[i, j] > 0) {
    p <- pmvnorm(c(m$rc[i], m$cc[j]), c(m$rc[i + 1], m$cc[j + 1]), sigma = s,
                 algorithm = Miwa(steps = 4096))
    ll <- ll + m$tab[i, j] * log(max(p, 1e-300))
  }
  ll
}
exact_ml <- function(t) {
  m <- psych_model(t)
  edge <- 1 - 1e-9
  grid <- c(-edge, tanh(seq(-7, 7, length.out = 281)), edge)
  ll <- sapply(grid, function(r) loglik(m, r))
  b <- which.max(ll)
  lo <- grid[max(b - 1, 1)]; hi <- grid[min(b + 1, length(grid))]
  opt <- optimize(function(r) -loglik(m, r), c(lo, hi), tol = 1e-12)
  rho <- if (-opt$objective >= max(ll)) opt$minimum else grid[b]
  # boundary: the likelihood at the edge is as high as at the maximum (to 1e-9)
  e <- sign(rho) * edge
  boundary <- loglik(m, e) >= max(-opt$objective, max(ll)) - 1e-9 * (1 + abs(max(ll)))
  list(rho = rho, boundary = boundary, global = m$global,
       loglik = loglik_miwa(m, rho))
}

ref <- list()
for (name in names(tables)) {
  t <- unclass(tables[[name]])
  d <- data.frame(a = rep(row(t), t), b = rep(col(t), t))
  r_psych <- tryCatch(suppressWarnings(polychoric(d)$rho[1, 2]), error = function(e) NA)
  r_lav <- tryCatch(suppressWarnings(lavCor(d, ordered = c("a", "b"))[1, 2]),
                    error = function(e) NA)
  ml <- exact_ml(t)
  ll <- if (is.na(r_psych)) NA else loglik_miwa(psych_model(t), r_psych)
  ref[[name]] <- list(table = unname(split(t, row(t))), psych = r_psych, lavaan = r_lav,
                      ml = ml$rho, ml_boundary = ml$boundary, global = ml$global,
                      loglik_at_ml = ml$loglik, loglik_at_psych = ll)
}
ref$`_meta` <- list(psych = as.character(packageVersion("psych")),
                    lavaan = as.character(packageVersion("lavaan")),
                    mvtnorm = as.character(packageVersion("mvtnorm")),
                    pbivnorm = as.character(packageVersion("pbivnorm")), R = R.version.string)
writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           file.path(out_dir, "sparse_reference.json"))
