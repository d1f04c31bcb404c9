print("nn-bench: not written yet")
