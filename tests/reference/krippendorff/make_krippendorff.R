# Reference values for dinamika.krippendorff_alpha (nominal, ordinal, interval, ratio).
# Run from the repository root:  Rscript tests/reference/krippendorff/make_krippendorff.R
#
# R's irr::kripp.alpha is the usual reference, but irr is not packaged for Debian (there is no
# r-cran-irr; apt-get install r-cran-irr fails) and nothing may be fetched from CRAN here. So
# this script computes two things by hand in base R, both written from their published
# definitions (no package code copied):
#   alpha_definition  Krippendorff (2011), "Computing Krippendorff's alpha-reliability": the
#                     coincidence matrix o_ck = sum_u (number of c-k pairs of different raters in
#                     unit u) / (m_u - 1) over units with m_u >= 2 values, n_c its margins, and
#                     alpha = 1 - (n - 1) sum o_ck d2_ck / sum n_c n_k d2_ck.
#   alpha_irr         the algorithm irr::kripp.alpha (irr 0.84.x) uses: the same coincidence
#                     matrix, except that when the data have no missing value at all each pair
#                     is weighted 1 instead of 1/(m_u - 1), and the distinct values are ordered
#                     as text (levels(as.factor(x))). Both differences matter only for complete
#                     data with three or more raters (the weighting) and for the ordinal level
#                     with values of two or more digits (the ordering); on every other data set
#                     alpha_irr equals alpha_definition.
# Data sets are written as CSV (units in rows, raters in columns, NA missing) so Python reads
# exactly the same numbers; alphas go to alphas.csv at full precision.
out <- "tests/reference/krippendorff"
stopifnot(dir.exists(out))

coincidence <- function(x, values, weight_all_one = FALSE) {
  # x: units x raters; values: the distinct values in the order used
  k <- length(values)
  o <- matrix(0, k, k)
  for (u in seq_len(nrow(x))) {
    v <- x[u, !is.na(x[u, ])]
    m <- length(v)
    if (m < 2) next
    w <- if (weight_all_one) 1 else 1 / (m - 1)
    for (i in seq_len(m)) for (j in seq_len(m)) {
      if (i == j) next
      a <- match(v[i], values); b <- match(v[j], values)
      o[a, b] <- o[a, b] + w
    }
  }
  o
}

delta2 <- function(level, values, nc) {
  k <- length(values)
  d <- matrix(0, k, k)
  for (a in seq_len(k)) for (b in seq_len(k)) {
    d[a, b] <- switch(level,
      nominal = as.numeric(a != b),
      ordinal = if (a == b) 0 else {
        lo <- min(a, b); hi <- max(a, b)
        (sum(nc[lo:hi]) - (nc[a] + nc[b]) / 2)^2
      },
      interval = (values[a] - values[b])^2,
      ratio = if (values[a] + values[b] == 0) 0 else
        ((values[a] - values[b]) / (values[a] + values[b]))^2)
  }
  d
}

alpha_from <- function(o, level, values) {
  nc <- rowSums(o)
  n <- sum(nc)
  d <- delta2(level, values, nc)
  1 - (n - 1) * sum(o * d) / sum(outer(nc, nc) * d)
}

alpha_definition <- function(x, level) {
  values <- sort(unique(as.vector(x[!is.na(x)])))
  alpha_from(coincidence(x, values), level, values)
}

alpha_irr <- function(x, level) {
  values <- as.numeric(levels(as.factor(x)))       # ordered as text, as irr does
  alpha_from(coincidence(x, values, weight_all_one = !any(is.na(x))), level, values)
}

sets <- list()
# 1. Krippendorff's (2011) own example: 12 units x 4 observers, missing values, a unit with one
nan <- NA
sets$kripp2011 <- t(matrix(c(
  1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan,
  1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3,
  nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan,
  1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan), nrow = 4, byrow = TRUE))
set.seed(20261204)
# 2. 40 lessons x 3 observers on a 1-4 rubric, 20% missing (some lessons with one or no rating)
x <- matrix(sample(1:4, 120, replace = TRUE, prob = c(0.1, 0.3, 0.4, 0.2)), 40, 3)
x[, 2] <- pmin(4, pmax(1, x[, 1] + sample(-1:1, 40, replace = TRUE, prob = c(0.2, 0.6, 0.2))))
x[runif(120) < 0.2] <- NA
x[5, ] <- NA
sets$rubric_missing <- x
# 3. 25 units x 2 raters, complete, 1-5
y1 <- sample(1:5, 25, replace = TRUE)
sets$two_raters <- cbind(y1, pmin(5, pmax(1, y1 + sample(-1:1, 25, replace = TRUE))))
# 4. 30 units x 5 raters, 1-7 scale, 10% missing
z <- matrix(sample(1:7, 150, replace = TRUE), 30, 5)
z <- t(apply(z, 1, function(r) pmin(7, pmax(1, r[1] + sample(-2:2, 5, replace = TRUE)))))
z[runif(150) < 0.1] <- NA
sets$seven_point_missing <- z
# 5. 20 units x 4 raters, complete (irr's weighting differs here: see above)
w <- matrix(sample(1:4, 80, replace = TRUE), 20, 4)
w[, 2:3] <- w[, 1]
sets$complete_four_raters <- w

rows <- list()
for (name in names(sets)) {
  x <- sets[[name]]
  colnames(x) <- paste0("r", seq_len(ncol(x)))
  write.csv(x, file.path(out, paste0(name, ".csv")), row.names = FALSE, na = "")
  for (level in c("nominal", "ordinal", "interval", "ratio")) {
    rows[[length(rows) + 1]] <- data.frame(
      data = name, level = level,
      alpha_definition = sprintf("%.17g", alpha_definition(x, level)),
      alpha_irr = sprintf("%.17g", alpha_irr(x, level)))
  }
}
write.csv(do.call(rbind, rows), file.path(out, "alphas.csv"), row.names = FALSE, quote = FALSE)
cat("written", file.path(out, "alphas.csv"), "with", R.version.string, "\n")
