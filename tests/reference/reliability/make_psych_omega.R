# Reference values for the fields users compare with psych by hand:
#   Reliability.omega_total  == psych::omega(x, nfactors = 1)$omega.tot
#   Reliability.alpha_ci_feldt == psych::alpha(x)$feldt  (psych::alpha.ci with n.obs = nrow(x))
# on several data sets: complete (Holzinger-Swineford), bfi with missing answers (pairwise and
# listwise, reverse keys applied to the data as min + max - x), a simulated scale with missing
# answers, a scale with an unkeyed negative item (psych's omega flips it), data with empty rows
# (nrow(x) counts them), and ordinal versions on the polychoric matrix.
# Rerun from the repository root:  Rscript tests/reference/reliability/make_psych_omega.R
# It reads the data files written by make_reliability.R (hs.csv, bfi_agree.csv, sim.csv) and
# writes bfi_c_n_o.csv and psych_omega_reference.json.
suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
  library(jsonlite)
})
out_dir <- "tests/reference/reliability"
hs <- read.csv(file.path(out_dir, "hs.csv"))
bfiA <- read.csv(file.path(out_dir, "bfi_agree.csv"))
sim <- read.csv(file.path(out_dir, "sim.csv"))
data(bfi, package = "psychTools")
bfiCNO <- bfi[, c(paste0("C", 1:5), paste0("N", 1:5), paste0("O", 1:5))]
write.csv(bfiCNO, file.path(out_dir, "bfi_c_n_o.csv"), row.names = FALSE, na = "")

key_data <- function(x, keys, lo, hi) {
  for (k in keys) x[[k]] <- lo + hi - x[[k]]
  x
}

case <- function(x, call, ordinal = FALSE) {
  om <- suppressWarnings(suppressMessages(
    omega(if (ordinal) polychoric(x)$rho else x, nfactors = 1, plot = FALSE)))
  a <- suppressWarnings(alpha(x, warnings = FALSE))
  l <- unname(om$schmid$sl[, 1]) * om$key  # loadings before psych's flip
  if (sum(l) < 0) l <- -l
  out <- list(call = call, items = colnames(x), n_rows = nrow(x),
              omega_tot = om$omega.tot, loadings = l,
              omega_implied = sum(l)^2 / (sum(l)^2 + sum(1 - l^2)))
  if (!ordinal) {
    out$alpha <- a$total$raw_alpha
    out$feldt <- list(lower = a$feldt$lower.ci[[1]], upper = a$feldt$upper.ci[[1]])
    ci90 <- alpha.ci(a$total$raw_alpha, nrow(x), ncol(x), p.val = 0.10)
    out$feldt90 <- list(lower = ci90$lower.ci[[1]], upper = ci90$upper.ci[[1]])
  }
  out
}

bfiA_k <- key_data(bfiA, "A1", 1, 6)
sim_k <- key_data(sim, "s5", 1, 5)
C_k <- key_data(bfiCNO[, paste0("C", 1:5)], c("C4", "C5"), 1, 6)
O_k <- key_data(bfiCNO[, paste0("O", 1:5)], c("O2", "O5"), 1, 6)
N <- bfiCNO[, paste0("N", 1:5)]
empty <- rbind(bfiA_k[1:300, ], data.frame(A1 = rep(NA, 7), A2 = NA, A3 = NA, A4 = NA, A5 = NA))

ref <- list(
  hs_visual = case(hs[, 1:3], "psych::omega(hs[, 1:3], nfactors = 1)$omega.tot"),
  hs_textual = case(hs[, 4:6], "psych::omega(hs[, 4:6], nfactors = 1)$omega.tot"),
  hs_all = case(hs, "psych::omega(hs, nfactors = 1)$omega.tot"),
  bfiA_pairwise = case(bfiA_k, "psych::omega(bfiA_keyed, nfactors = 1)$omega.tot"),
  bfiA_listwise = case(na.omit(bfiA_k), "psych::omega(na.omit(bfiA_keyed), nfactors = 1)$omega.tot"),
  bfiC_pairwise = case(C_k, "psych::omega(bfi C1-C5 keyed C4 C5, nfactors = 1)$omega.tot"),
  bfiN_pairwise = case(N, "psych::omega(bfi N1-N5, nfactors = 1)$omega.tot"),
  bfiO_pairwise = case(O_k, "psych::omega(bfi O1-O5 keyed O2 O5, nfactors = 1)$omega.tot"),
  sim_pairwise = case(sim_k, "psych::omega(sim_keyed, nfactors = 1)$omega.tot"),
  sim_listwise = case(na.omit(sim_k), "psych::omega(na.omit(sim_keyed), nfactors = 1)$omega.tot"),
  sim_unkeyed = case(sim, "psych::omega(sim, nfactors = 1)$omega.tot (flips s5)"),
  bfiA_empty_rows = case(empty, "psych::alpha(rbind(bfiA_keyed[1:300, ], 7 empty rows))$feldt"),
  bfiA_ordinal = case(bfiA_k, "psych::omega(polychoric(bfiA_keyed)$rho, nfactors = 1)$omega.tot", TRUE),
  sim_ordinal = case(sim_k, "psych::omega(polychoric(sim_keyed)$rho, nfactors = 1)$omega.tot", TRUE)
)
ref$psych_version <- as.character(packageVersion("psych"))
writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = FALSE, null = "null"),
           file.path(out_dir, "psych_omega_reference.json"))
