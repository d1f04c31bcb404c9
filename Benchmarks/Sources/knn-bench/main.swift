print("knn-bench: not written yet")
