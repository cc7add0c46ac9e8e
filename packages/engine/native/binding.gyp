{
  "targets": [
    {
      "target_name": "editlab_blas",
      "sources": ["src/addon.c", "src/sgemm.c"],
      "cflags": ["-O3", "-march=native", "-std=c11", "-Wall"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "libraries": ["-lopenblas", "-lpthread"]
    }
  ]
}
