{
  "targets": [
    {
      "target_name": "editlab_blas",
      "sources": ["src/addon.c", "src/sgemm.c", "src/eltwise.c", "src/fused.c", "src/lapack.c"],
      "cflags": ["-O3", "-march=native", "-ffast-math", "-fopenmp", "-std=gnu11", "-Wall"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-lopenblas", "-lmvec", "-lm", "-lpthread"]
    }
  ]
}
