# Build of the optional native kernels (node-gyp; run by build.mjs at install and by `npm run build:native`).
# IEEE-correct floating point: no -ffast-math and nothing it implies (finite-math-only, reciprocal
# approximations, no signed zeros, flush-to-zero via crtfastmath). Under -ffast-math GCC vectorised sqrtf
# in el_adam as a reciprocal-sqrt estimate (vrsqrtps, with AVX2 as with AVX-512), which is NaN for a
# subnormal v (|g| ~ 1e-22..1e-19); README.md, "Reproducibility". Kept: -O3 vectorisation, -march=native, -fno-math-errno (sqrtf need not set
# errno; no value changes). No FMA contraction (-ffp-contract=off; GCC's gnu11 default is =fast): every
# multiply and add rounds as in the reference compositions, so near overflow the kernels give the same
# inf/NaN as the reference (a contracted x1*c - x2*s gave -inf where the reference gives inf - inf = NaN),
# and the element-wise kernels give the same bits on CPUs with and without FMA. kernels.h refuses to
# compile under fast-math. The flags are compiled into the addon (EDITLAB_CFLAGS, buildInfo()) and recorded
# in every table's environment.
{
  "variables": {
    "editlab_cflags": "-O3 -march=native -ffp-contract=off -fno-math-errno -fopenmp -std=gnu11 -Wall"
  },
  "targets": [
    {
      "target_name": "editlab_blas",
      "sources": ["src/addon.c", "src/sgemm.c", "src/par.c", "src/eltwise.c", "src/fused.c", "src/lapack.c", "src/signals.c", "src/mathf.c", "src/softmax.c", "src/transpose.c", "src/attention.c", "src/addon_attention.c", "src/block.c", "src/addon_block.c", "src/index.c", "src/addon_index.c", "src/grads.c", "src/addon_grads.c", "src/owner.c"],
      "cflags": ["<@(editlab_cflags)"],
      "defines": ["EDITLAB_CFLAGS=\"<(editlab_cflags)\""],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-lopenblas", "-lm", "-lpthread"]
    }
  ]
}
