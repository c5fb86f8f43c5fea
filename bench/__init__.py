"""`python -m bench` (make bench): accuracy, latency and load, written to results/."""
