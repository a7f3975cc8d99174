# Reference values for dinamika's EFA (tests/test_efa.py).
#
# Rerun from the repository root:
#   Rscript tests/reference/efa/make_efa.R
#
# Writes the data sets the tests read (CSV, so Python sees exactly the same numbers) and one
# JSON file of psych / GPArotation results. Deterministic: simulated data use set.seed.
suppressPackageStartupMessages({
  library(psych)
  library(GPArotation)
  library(jsonlite)
})

options(mc.cores = 1L) # psych uses parallel::mclapply; serial keeps set.seed() reproducible
out <- "tests/reference/efa"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

write_data <- function(x, name) {
  write.csv(x, file.path(out, name), row.names = FALSE, na = "")
}

# -- data sets ------------------------------------------------------------------------------
hs <- lavaan::HolzingerSwineford1939[, paste0("x", 1:9)]
write_data(hs, "hs.csv")

bfi <- psychTools::bfi[, 1:25] # 2800 x 25 with missing values
write_data(bfi, "bfi.csv")

# simulated: 24 items, 4 correlated factors, 5-point items, 600 respondents, ~3% missing
set.seed(20261127)
n <- 600
lam <- matrix(0, 24, 4)
for (f in 1:4) lam[(6 * (f - 1) + 1):(6 * f), f] <- c(0.75, 0.7, 0.65, 0.6, 0.55, 0.5)
lam[3, 2] <- 0.3 # one cross-loading
phi <- matrix(0.3, 4, 4)
diag(phi) <- 1
sigma <- lam %*% phi %*% t(lam)
diag(sigma) <- 1
z <- matrix(rnorm(n * 24), n) %*% chol(sigma)
sim <- as.data.frame(apply(z, 2, function(v) as.integer(cut(v, c(-Inf, -1.5, -0.5, 0.5, 1.5, Inf)))))
names(sim) <- sprintf("i%02d", 1:24)
miss <- matrix(runif(n * 24) < 0.03, n)
sim[miss] <- NA
write_data(sim, "sim.csv")

# Heywood: item y2 is nearly a copy of y1, three factors on six items -> pa communality > 1
set.seed(7)
m <- 150
g <- rnorm(m)
hey <- data.frame(y1 = g + rnorm(m, sd = 0.3))
hey$y2 <- hey$y1 + rnorm(m, sd = 0.05)
hey$y3 <- g + rnorm(m)
hey$y4 <- g + rnorm(m)
hey$y5 <- rnorm(m) + 0.3 * g
hey$y6 <- rnorm(m) + 0.3 * hey$y5
write_data(round(hey, 4), "heywood.csv")
hey <- read.csv(file.path(out, "heywood.csv"))

# -- helpers -----------------------------------------------------------------------------------
mat <- function(m) {
  m <- unclass(m)
  list(rows = rownames(m), cols = colnames(m), values = unname(split(m, row(m))))
}
fa_ref <- function(data, nf, fm, rotate, label, ...) {
  warn <- character()
  f <- withCallingHandlers(
    fa(data, nfactors = nf, fm = fm, rotate = rotate, ...),
    warning = function(w) {
      warn <<- c(warn, conditionMessage(w))
      invokeRestart("muffleWarning")
    }
  )
  res <- list(
    label = label, nfactors = nf, fm = fm, rotate = rotate,
    call = sprintf("fa(%s, nfactors=%d, fm='%s', rotate='%s')", label, nf, fm, rotate),
    loadings = mat(f$loadings),
    structure = mat(f$Structure),
    communality = unname(f$communality),
    communalities = unname(f$communalities),
    uniquenesses = unname(f$uniquenesses),
    values = unname(f$values), e_values = unname(f$e.values),
    vaccounted = mat(f$Vaccounted),
    n_obs = f$n.obs, dof = f$dof, objective = f$objective,
    statistic = f$STATISTIC, pval = f$PVAL, tli = f$TLI,
    rmsea = unname(f$RMSEA), bic = f$BIC, null_chisq = f$null.chisq,
    null_dof = f$null.dof, null_model = f$null.model, rms = f$rms, crms = f$crms,
    chi = f$chi, warnings = warn
  )
  if (!is.null(f$Phi)) res$phi <- mat(f$Phi)
  res
}

refs <- list()
add <- function(key, value) refs[[key]] <<- value

# Holzinger-Swineford: every method x rotation, 3 factors
for (fm in c("minres", "ml", "pa")) {
  for (rot in c("oblimin", "promax", "varimax", "none")) {
    add(sprintf("hs_%s_%s", fm, rot), fa_ref(hs, 3, fm, rot, "hs"))
  }
}
add("hs_minres_1", fa_ref(hs, 1, "minres", "oblimin", "hs"))
add("hs_ml_2_oblimin", fa_ref(hs, 2, "ml", "oblimin", "hs"))

# bfi, 25 items, 5 factors, pairwise-complete correlations
add("bfi_minres_oblimin", fa_ref(bfi, 5, "minres", "oblimin", "bfi"))
add("bfi_ml_promax", fa_ref(bfi, 5, "ml", "promax", "bfi"))
add("bfi_pa_varimax", fa_ref(bfi, 5, "pa", "varimax", "bfi"))

# simulated 24 x 4
add("sim_minres_oblimin", fa_ref(sim, 4, "minres", "oblimin", "sim"))
add("sim_ml_oblimin", fa_ref(sim, 4, "ml", "oblimin", "sim"))
add("sim_pa_promax", fa_ref(sim, 4, "pa", "promax", "sim"))

# Heywood case (psych warns "An ultra-Heywood case was detected")
add("heywood_pa_none", fa_ref(hey, 3, "pa", "none", "heywood"))

# polychoric input: fa(x, cor = "poly")
add("sim_poly_minres_oblimin", fa_ref(sim, 4, "minres", "oblimin", "sim", cor = "poly"))
refs$sim_poly_minres_oblimin$call <- "fa(sim, nfactors=4, fm='minres', rotate='oblimin', cor='poly')"

# -- factorability and retention ----------------------------------------------------------------
other <- list()
for (nm in c("hs", "bfi", "sim")) {
  x <- get(nm)
  r <- cor(x, use = "pairwise")
  k <- KMO(r)
  b <- cortest.bartlett(r, n = nrow(x))
  v <- VSS(x, n = 8, plot = FALSE)
  set.seed(11)
  p <- fa.parallel(x, fm = "minres", plot = FALSE, n.iter = 100)
  other[[nm]] <- list(
    kmo = list(msa = k$MSA, msai = unname(k$MSAi), items = names(k$MSAi)),
    bartlett = list(chisq = b$chisq, df = b$df, p_value = b$p.value, n = nrow(x)),
    map = v$map,
    parallel = list(
      pc_values = p$pc.values, fa_values = p$fa.values,
      pc_sim = p$pc.sim, fa_sim = p$fa.sim, ncomp = p$ncomp, nfact = p$nfact
    )
  )
}

polyrho <- polychoric(sim, correct = 0.5)$rho

write_json(
  list(fa = refs, other = other, sim_polychoric = mat(polyrho),
       versions = list(psych = as.character(packageVersion("psych")),
                       GPArotation = as.character(packageVersion("GPArotation")),
                       R = R.version.string)),
  file.path(out, "efa_reference.json"),
  digits = NA, auto_unbox = TRUE, pretty = FALSE, na = "null"
)
cat("wrote", file.path(out, "efa_reference.json"), "\n")
