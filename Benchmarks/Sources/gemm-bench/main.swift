print("gemm-bench: not written yet")
